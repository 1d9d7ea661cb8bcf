package hosts

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sshSettings is what ssh_config (through ssh -G or the library) decided
// for one host, with the layers above it passed in as command-line options.
// Paths are final: "~", %-tokens and ${VAR} are expanded. A zero field
// means ssh_config said nothing and OpenSSH's default applies.
type sshSettings struct {
	HostName       string
	User           string
	Port           int
	IdentityFiles  []string
	IdentitiesOnly bool
	IdentityAgent  string // "" means SSH_AUTH_SOCK
	ProxyJump      string // raw chain after token expansion; "" or "none" for none
	ProxyCommand   string // set only to refuse it: we cannot run one
	HostKeyAlias   string
	// KnownHostsCommand is set only to refuse it: the keys it would
	// print cannot be checked here.
	KnownHostsCommand string

	UserKnownHosts   []string
	GlobalKnownHosts []string
	Strict           string // yes, no or accept-new; "" means our default

	ConnectTimeout      time.Duration
	ServerAliveInterval time.Duration
	ServerAliveCountMax int

	HostKeyAlgorithms, Ciphers, KexAlgorithms, MACs []string // nil means x/crypto's defaults

	Sources map[string]string
}

// buildTarget lays the request layers over ssh_config's answer and fills
// OpenSSH's defaults where both are silent.
func (r *Resolver) buildTarget(in layer, st sshSettings) (Target, error) {
	if err := refuseProxyCommand(in, st); err != nil {
		return Target{}, err
	}
	if err := refuseKnownHostsCommand(in, st); err != nil {
		return Target{}, err
	}
	t := Target{Alias: in.alias, Sources: map[string]string{}}
	for k, v := range st.Sources {
		t.Sources[k] = v
	}
	for k, v := range in.sources {
		t.Sources[k] = v
	}
	t.HostName = st.HostName
	if t.HostName == "" {
		t.HostName, t.Sources["HostName"] = strings.ToLower(in.alias), "default"
	}
	t.Port = st.Port
	if t.Port == 0 {
		t.Port, t.Sources["Port"] = 22, "default"
	}
	t.User = st.User
	if t.User == "" {
		t.User, t.Sources["User"] = r.localUser, "default"
	}
	t.IdentityFiles = r.identityFiles(in, st, t.Sources)
	t.IdentitiesOnly, t.IdentityAgent = st.IdentitiesOnly, st.IdentityAgent
	t.KnownHostsFiles, t.GlobalKnownHostsFiles = r.knownHostsFiles(st)
	t.HostKeyAlias = st.HostKeyAlias
	t.StrictHostKeyChecking = st.Strict
	if t.StrictHostKeyChecking == "" {
		t.StrictHostKeyChecking, t.Sources["StrictHostKeyChecking"] = r.cfg.Defaults.StrictHostKeyChecking, r.cfg.Defaults.strictSource
		if t.StrictHostKeyChecking == "" {
			t.StrictHostKeyChecking, t.Sources["StrictHostKeyChecking"] = defaultStrict, "default"
		}
	}
	t.ConnectTimeout = orDuration(st.ConnectTimeout, defaultConnectTimeout)
	t.ServerAliveInterval = orDuration(st.ServerAliveInterval, defaultServerAliveInterval)
	t.ServerAliveCountMax = st.ServerAliveCountMax
	if t.ServerAliveCountMax == 0 {
		t.ServerAliveCountMax = defaultServerAliveCountMax
	}
	t.HostKeyAlgorithms, t.Ciphers = st.HostKeyAlgorithms, st.Ciphers
	t.KexAlgorithms, t.MACs = st.KexAlgorithms, st.MACs
	return t, nil
}

// refuseProxyCommand: dialing directly instead would reach the host by
// another path than the user set up, or not at all.
func refuseProxyCommand(in layer, st sshSettings) error {
	if st.ProxyCommand == "" {
		return nil
	}
	file, line := sourceLoc(st.Sources["ProxyCommand"])
	return &ResolveError{Alias: in.alias, File: file, Line: line, Setting: "ProxyCommand",
		Msg:  fmt.Sprintf("ProxyCommand %q is not supported", st.ProxyCommand),
		Hint: "use ProxyJump instead (`ProxyCommand ssh -W %h:%p jump` is `ProxyJump jump`), or set `ProxyCommand none` for this host"}
}

// refuseKnownHostsCommand: the keys such a command prints are the ones
// OpenSSH would trust, and without running it a host could only be
// checked against a part of what the user set up.
func refuseKnownHostsCommand(in layer, st sshSettings) error {
	if st.KnownHostsCommand == "" {
		return nil
	}
	file, line := sourceLoc(st.Sources["KnownHostsCommand"])
	return &ResolveError{Alias: in.alias, File: file, Line: line, Setting: "KnownHostsCommand",
		Msg:  fmt.Sprintf("KnownHostsCommand %q is not supported", st.KnownHostsCommand),
		Hint: "put the host's keys in a known_hosts file (UserKnownHostsFile), or set `KnownHostsCommand none` for this host"}
}

func orDuration(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func appendUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// identityFiles puts the caller's and OVRD_ keys first, then ssh_config's
// files, or OpenSSH's default list when ssh_config names none.
func (r *Resolver) identityFiles(in layer, st sshSettings, sources map[string]string) []string {
	var out []string
	for _, k := range in.keys {
		out = appendUnique(out, expandTilde(k, r.home))
	}
	files := st.IdentityFiles
	if len(files) == 0 {
		files = r.defaultIdentityFiles()
		if sources["IdentityFile"] == "" {
			sources["IdentityFile"] = "default"
		}
	}
	for _, f := range files {
		out = appendUnique(out, f)
	}
	return out
}

// openSSHIdentityNames are OpenSSH's default identity files, in its order
// (id_xmss is left out: no Go implementation can use it).
var openSSHIdentityNames = []string{"id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_dsa"}

func (r *Resolver) defaultIdentityFiles() []string {
	out := make([]string, 0, len(openSSHIdentityNames))
	for _, n := range openSSHIdentityNames {
		out = append(out, filepath.Join(r.home, ".ssh", n))
	}
	return out
}

// knownHostsFiles returns the user's files (where new keys go) and the
// global ones (read only). "none" in either list means no file, so that
// `UserKnownHostsFile none` leaves nowhere to record a key.
func (r *Resolver) knownHostsFiles(st sshSettings) (user, global []string) {
	u := st.UserKnownHosts
	if u == nil {
		u = []string{filepath.Join(r.home, ".ssh", "known_hosts"), filepath.Join(r.home, ".ssh", "known_hosts2")}
	}
	g := st.GlobalKnownHosts
	if g == nil {
		g = []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}
	}
	for _, f := range u {
		if f != "none" {
			user = appendUnique(user, f)
		}
	}
	for _, f := range g {
		if f != "none" && !slices.Contains(user, f) {
			global = appendUnique(global, f)
		}
	}
	return user, global
}

// expandTilde expands a leading "~" or "~/" to home. "~user" is left alone:
// only the local account's own home is known here.
func expandTilde(p, home string) string {
	if p == "~" {
		return home
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		return filepath.Join(home, rest)
	}
	return p
}

// tokens are the values OpenSSH substitutes for %-sequences.
type tokens struct {
	alias, host, user, localUser, home string
	port                               int
}

// expand substitutes the tokens OpenSSH accepts in IdentityFile,
// IdentityAgent and UserKnownHostsFile (%% %C %d %h %i %k %L %l %n %p %r
// %u). An unknown token is kept as written, so the error shows it later.
func (tk tokens) expand(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		if v, ok := tk.value(s[i]); ok {
			b.WriteString(v)
		} else {
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// expandOnly is expand restricted to the token letters in allowed; other
// %-sequences stay as written.
func (tk tokens) expandOnly(s, allowed string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+1 < len(s) && strings.IndexByte(allowed, s[i+1]) >= 0 {
			v, _ := tk.value(s[i+1])
			b.WriteString(v)
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (tk tokens) value(c byte) (string, bool) {
	switch c {
	case '%':
		return "%", true
	case 'h':
		return tk.host, true
	case 'n', 'k':
		return tk.alias, true
	case 'p':
		return strconv.Itoa(tk.port), true
	case 'r':
		return tk.user, true
	case 'u':
		return tk.localUser, true
	case 'd':
		return tk.home, true
	case 'i':
		return strconv.Itoa(os.Getuid()), true
	case 'l', 'L':
		h, _ := os.Hostname()
		if c == 'L' {
			h, _, _ = strings.Cut(h, ".")
		}
		return h, true
	case 'C':
		h, _ := os.Hostname()
		sum := sha1.Sum([]byte(h + tk.host + strconv.Itoa(tk.port) + tk.user))
		return hex.EncodeToString(sum[:]), true
	}
	return "", false
}

// expandPath expands tokens, "~" and ${VAR} in a path setting, as OpenSSH
// does for IdentityFile, IdentityAgent and UserKnownHostsFile.
func (r *Resolver) expandPath(p string, tk tokens) string {
	return expandTilde(tk.expand(r.expandEnv(p)), r.home)
}

// expandEnv substitutes ${NAME} from the process environment, as ssh does
// (ResolverOptions.Env serves our own lookups only, so that both resolvers
// read ssh_config alike); OpenSSH knows no bare $NAME form, so "$" alone
// stays as written.
func (r *Resolver) expandEnv(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		v := os.Getenv(s[i+2 : i+j])
		b.WriteString(s[:i] + v)
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}
