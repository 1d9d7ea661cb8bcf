package hosts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sshGTimeout bounds one "ssh -G" run once it started; it reads files and
// never dials, so anything slower is a hung Match exec or a stalled file
// system. It is generous because a loaded machine starting many at once
// (an agent fanning out to 50 devices) is slow to fork.
const sshGTimeout = 10 * time.Second

// sshGSlots bounds how many ssh -G processes run at once in this process:
// a fan-out to many hosts queues here instead of forking them all together
// and pushing every one past its deadline. The wait for a slot follows the
// caller's context only.
var sshGSlots = make(chan struct{}, 4)

// sshG asks the OpenSSH client for the effective settings of in.alias.
//
// ssh -G prints OpenSSH's defaults along with what the user set, and three
// of our defaults differ from OpenSSH's (StrictHostKeyChecking, ConnectTimeout
// and ServerAliveInterval). Comparing values cannot tell "the user wrote
// ask" from "OpenSSH's default is ask", so instead ssh reads a small wrapper
// file: it includes the user's ssh_config and then, under "Host *", sets our
// defaults. ssh_config keeps the first value obtained, so anything the user
// set wins and our default fills only what the user left unset: exactly the
// OpenSSH precedence. The algorithm lists are the other case: they are
// compared with what ssh prints for an empty config (cached), and equal
// means "not set", leaving x/crypto's own defaults in charge.
func (r *Resolver) sshG(ctx context.Context, in layer) (sshSettings, error) {
	key, cacheable := r.sshGCacheKey(in)
	out, hit := r.sshGOut.get(key)
	if !cacheable || !hit {
		var err error
		if out, err = r.runSSHG(ctx, in); err != nil {
			return sshSettings{}, err
		}
		if cacheable {
			r.sshGOut.put(key, out)
		}
	}
	base, err := r.baseline.get(ctx, r)
	if err != nil {
		return sshSettings{}, err
	}
	return r.parseSSHG(in, out, base)
}

func (r *Resolver) wrapperConfig(in layer) string {
	strict := in.strict
	if strict == "" {
		strict = defaultStrict
	}
	return fmt.Sprintf("Include \"%s\"\nHost *\n  StrictHostKeyChecking %s\n  ConnectTimeout %d\n  ServerAliveInterval %d\n",
		r.sshConfig, strict, int(defaultConnectTimeout/time.Second), int(defaultServerAliveInterval/time.Second))
}

func (r *Resolver) runSSHG(ctx context.Context, in layer) ([]byte, error) {
	// The path goes into an Include line between double quotes, where ssh
	// would read these characters as syntax.
	if strings.ContainsAny(r.sshConfig, "\"\\\n") {
		return nil, &ResolveError{Alias: in.alias, File: r.sshConfig, Msg: "the path holds a quote, backslash or newline",
			Hint: "move the ssh_config file to a plain path"}
	}
	f, err := os.CreateTemp("", "mcp-ssh-session-ssh-G-*.conf")
	if err != nil {
		return nil, &ResolveError{Alias: in.alias, Msg: "cannot write a temporary file for ssh -G: " + err.Error(), Err: err}
	}
	// A file rather than stdin: ssh re-reads its config files for a final
	// pass ("Match final", canonicalization), and stdin can be read once.
	defer os.Remove(f.Name())
	_, werr := f.WriteString(r.wrapperConfig(in))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, &ResolveError{Alias: in.alias, Msg: "cannot write a temporary file for ssh -G: " + werr.Error(), Err: werr}
	}
	args := []string{"-F", f.Name(), "-G"}
	if in.user != "" {
		args = append(args, "-l", in.user)
	}
	if in.port != 0 {
		args = append(args, "-p", strconv.Itoa(in.port))
	}
	if in.hostName != "" {
		args = append(args, "-o", "HostName="+in.hostName)
	}
	args = append(args, "--", in.alias)
	out, stderr, err := r.runSSH(ctx, args)
	if err != nil {
		return nil, r.sshGError(in.alias, f.Name(), stderr, err)
	}
	return out, nil
}

// runSSH runs the ssh binary with HOME pointing at r.home (ssh resolves
// Include's "~" through HOME) and a hard deadline.
func (r *Resolver) runSSH(parent context.Context, args []string) (stdout, stderr []byte, err error) {
	select {
	case sshGSlots <- struct{}{}:
		defer func() { <-sshGSlots }()
	case <-parent.Done():
		return nil, nil, fmt.Errorf("ssh -G canceled while waiting for other lookups: %w", parent.Err())
	}
	wait := r.sshWait
	if wait == 0 {
		wait = sshGTimeout
	}
	ctx, cancel := context.WithTimeout(parent, wait)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.sshBin, args...)
	env := make([]string, 0, len(os.Environ())+1)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "HOME="+r.home)
	o, e := &limitedBuffer{max: 1 << 20}, &limitedBuffer{max: 8192}
	cmd.Stdout, cmd.Stderr = o, e
	killGroupOnCancel(cmd) // a Match exec command must die with ssh
	err = cmd.Run()
	switch {
	case parent.Err() != nil:
		err = fmt.Errorf("ssh -G canceled: %w", parent.Err())
	case ctx.Err() != nil:
		err = fmt.Errorf("ssh -G did not finish within %s (a slow Match exec?): %w", wait, ctx.Err())
	}
	return o.Bytes(), e.Bytes(), err
}

// sshErrLine matches OpenSSH's "FILE line N: MESSAGE" complaints.
var sshErrLine = regexp.MustCompile(`^(.+) line (\d+): (.+)$`)

func (r *Resolver) sshGError(alias, wrapper string, stderr []byte, err error) error {
	e := &ResolveError{Alias: alias, File: r.sshConfig, Msg: "ssh -G failed: " + err.Error(),
		Hint: "run `ssh -G " + alias + "` to see what OpenSSH says", Err: err}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return e // did not run, timed out or canceled: stderr is not the story
	}
	for line := range strings.Lines(string(stderr)) {
		line = strings.TrimSpace(line)
		if m := sshErrLine.FindStringSubmatch(line); m != nil && m[1] != wrapper {
			e.File, e.Msg, e.Hint = m[1], m[3], "fix that line"
			e.Line, _ = strconv.Atoi(m[2])
			return e
		}
		if line != "" && !strings.HasPrefix(line, "Pseudo-terminal") && !strings.Contains(line, wrapper) {
			e.Msg = line
		}
		if strings.Contains(line, "jumphost loop") {
			e.Setting, e.Hint = "ProxyJump", "add `ProxyJump none` to the jump host's Host block"
		}
	}
	return e
}

// Warm reads OpenSSH's defaults (ssh -G with an empty configuration) ahead
// of the first resolution, which would otherwise wait for them. A failure
// is left for that resolution to report.
func (r *Resolver) Warm(ctx context.Context) {
	if r.sshBin != "" {
		_, _ = r.baseline.get(ctx, r)
	}
}

// sshgBaseline caches what ssh -G prints for an empty configuration: the
// values that mean "the user did not set this".
type sshgBaseline struct {
	mu   sync.Mutex
	vals map[string]string
}

func (b *sshgBaseline) get(ctx context.Context, r *Resolver) (map[string]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.vals != nil {
		return b.vals, nil
	}
	out, stderr, err := r.runSSH(ctx, []string{"-F", "/dev/null", "-G", "--", "baseline.invalid"})
	if err != nil {
		return nil, &ResolveError{Alias: "baseline.invalid", Msg: fmt.Sprintf("ssh -G with an empty config failed: %v: %s", err, firstLine(string(stderr))),
			Hint: `check the ssh binary, or set it to "none" to parse ssh_config without it`, Err: err}
	}
	vals := map[string]string{}
	for k, v := range sshGLines(out) {
		vals[k] = v
	}
	b.vals = vals
	return vals, nil
}

// sshGLines yields the "key value" lines ssh -G prints.
func sshGLines(out []byte) func(func(string, string) bool) {
	return func(yield func(string, string) bool) {
		for line := range strings.Lines(string(out)) {
			k, v, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
			if !yield(strings.ToLower(k), strings.TrimSpace(v)) {
				return
			}
		}
	}
}

// parseSSHG turns ssh -G output into sshSettings.
func (r *Resolver) parseSSHG(in layer, out []byte, base map[string]string) (sshSettings, error) {
	st := sshSettings{Sources: map[string]string{}}
	src := "ssh -G (" + shortenHome(r.sshConfig) + ")"
	var files []string
	for k, v := range sshGLines(out) {
		var err error
		switch k {
		case "hostname":
			st.HostName = v
		case "identityfile":
			if v != "~/.ssh/id_xmss" {
				files = append(files, v)
			}
		case "identityagent":
			st.IdentityAgent = r.tildeUnderHome(v)
		case "proxyjump":
			st.ProxyJump = v
		case "proxycommand":
			st.ProxyCommand = v // ssh prints it only when set and not "none"
		case "userknownhostsfile":
			// ssh prints the list space-separated and unquoted, so a path
			// with a space in it cannot be told apart here.
			for _, f := range strings.Fields(v) {
				st.UserKnownHosts = append(st.UserKnownHosts, r.tildeUnderHome(f))
			}
		case "ciphers", "kexalgorithms", "macs", "hostkeyalgorithms":
			if v != base[k] {
				err = st.setAlgorithms(k, strings.Split(v, ","), src)
			}
			k = "" // setAlgorithms records its own source
		default:
			var known bool
			if known, err = st.setScalar(k, v); !known {
				continue
			}
		}
		if err != nil {
			return st, &ResolveError{Alias: in.alias, File: r.sshConfig, Setting: settingNames[k], Msg: err.Error(), Hint: "fix it in ssh_config"}
		}
		if k != "" {
			st.Sources[settingNames[k]] = src
		}
	}
	st.finish(r, in, files)
	return st, nil
}

// finish expands the tokens ssh -G leaves as written (IdentityFile,
// IdentityAgent, ProxyJump) with the final host, user and port.
func (st *sshSettings) finish(r *Resolver, in layer, files []string) {
	tk := st.tokens(r, in)
	for _, f := range files {
		st.IdentityFiles = appendUnique(st.IdentityFiles, r.expandPath(f, tk))
	}
	switch st.IdentityAgent {
	case "SSH_AUTH_SOCK", "$SSH_AUTH_SOCK", "${SSH_AUTH_SOCK}":
		st.IdentityAgent = ""
	case "", "none":
	default:
		st.IdentityAgent = r.expandPath(st.IdentityAgent, tk)
	}
	if st.ProxyJump != "" && st.ProxyJump != "none" {
		st.ProxyJump = tk.expand(st.ProxyJump)
	}
}

// tokens are the %-token values for st as far as it is decided, with
// OpenSSH's defaults for port and user.
func (st *sshSettings) tokens(r *Resolver, in layer) tokens {
	tk := tokens{alias: in.alias, host: st.HostName, user: st.User, localUser: r.localUser, home: r.home, port: st.Port}
	if tk.port == 0 {
		tk.port = 22
	}
	if tk.user == "" {
		tk.user = r.localUser
	}
	return tk
}
