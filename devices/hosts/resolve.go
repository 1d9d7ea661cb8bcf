package hosts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrResolve is the sentinel of every resolution failure; a *ResolveError
// unwraps to it.
var ErrResolve = errors.New("hosts: cannot resolve host")

// ResolveError says why a host could not be resolved: which alias, which
// file and line (when known), which setting, and what to change.
type ResolveError struct {
	Alias   string // the host as the caller named it
	File    string // the file holding the bad setting; "" when none
	Line    int    // 1-based line in File; zero when unknown
	Setting string // e.g. "ProxyJump", "OVRD_web_PORT", "enable_secret"
	Msg     string // what is wrong; never holds a secret
	Hint    string // what to do about it; may be ""
	Err     error  // underlying cause, if any; may be nil
}

// Error reads like "resolve web1: ~/.ssh/config:12: ProxyJump: ... (hint)".
func (e *ResolveError) Error() string {
	var b strings.Builder
	if e.Alias != "" {
		fmt.Fprintf(&b, "resolve %s: ", e.Alias)
	}
	if e.File != "" {
		b.WriteString(shortenHome(e.File))
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Setting != "" {
		b.WriteString(e.Setting + ": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (" + e.Hint + ")")
	}
	return b.String()
}

// Unwrap lets errors.Is find ErrResolve and the underlying cause.
func (e *ResolveError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrResolve, e.Err}
	}
	return []error{ErrResolve}
}

// shortenHome writes the process owner's home directory as "~" so that
// error messages stay short and do not reveal account layout needlessly.
func shortenHome(p string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" || home == "/" {
		return p
	}
	if rest, ok := strings.CutPrefix(p, home+string(filepath.Separator)); ok {
		return "~/" + rest
	}
	return p
}

// ResolverOptions configure a Resolver. The zero value resolves as the
// current user would with OpenSSH: ~/.ssh/config, our config file in the
// XDG directory, ssh -G when an ssh binary is on PATH.
type ResolverOptions struct {
	// SSHConfigPath is the ssh_config file; "" means ~/.ssh/config under
	// Home. A missing file is not an error.
	SSHConfigPath string
	// ConfigPath is our YAML config; "" means DefaultConfigPath() as seen
	// through Env and Home. A missing file is not an error.
	ConfigPath string
	// Home is where "~" points; "" means os.UserHomeDir.
	Home string
	// SSHBinary is the OpenSSH client used for "ssh -G"; "" means "ssh"
	// looked up in PATH (the library fallback when absent), "none" forces
	// the library fallback.
	SSHBinary string
	// Env looks up the variables we read ourselves: OVRD_ overrides,
	// secret references and XDG_CONFIG_HOME; nil means os.LookupEnv.
	// ${VAR} inside ssh_config is read from the process environment, as
	// ssh itself does.
	Env func(string) (string, bool)
	// Logger receives warnings (Match lines the library fallback skips)
	// and, at debug level, each resolution; nil means discard.
	Logger *slog.Logger
}

// Resolver turns a Request into a Target the way OpenSSH would, layered
// with the OVRD_ environment overrides and our config file. It is safe for
// concurrent use; Resolve re-reads ssh_config on each call so edits apply
// without a restart, while our config file is read once by NewResolver.
type Resolver struct {
	sshConfig string // absolute path of ssh_config
	home      string
	sshBin    string        // "" means the library fallback
	sshWait   time.Duration // bounds one ssh -G run; zero means sshGTimeout
	env       func(string) (string, bool)
	log       *slog.Logger
	cfg       *Config
	secrets   *secretCache
	localUser string
	pwHome    string // home from the passwd entry, which ssh uses for "~"
	baseline  *sshgBaseline
	sshGOut   boundedCache[[]byte]   // ssh -G output by question and config hash
	libFiles  boundedCache[*libFile] // parsed ssh_config files by path and content hash
	scanned   sync.Map               // path → *scannedFile, for the ssh -G cache key
	globs     sync.Map               // Include pattern → *globbed
	warned    sync.Map               // "file:line" → struct{}: each warning is logged once
}

// NewResolver loads and validates our config file and prepares resolution.
// It does not run ssh or any secret command. Errors name file, line and
// field and unwrap to ErrResolve.
func NewResolver(opts ResolverOptions) (*Resolver, error) {
	r := &Resolver{env: opts.Env, log: opts.Logger, home: opts.Home}
	if r.env == nil {
		r.env = os.LookupEnv
	}
	if r.log == nil {
		r.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if u, err := user.Current(); err == nil {
		r.localUser, r.pwHome = u.Username, u.HomeDir
	}
	if r.home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return nil, &ResolveError{Setting: "Home", Msg: "no home directory: " + err.Error(),
				Hint: "set HOME", Err: err}
		}
		r.home = h
	}
	if r.localUser == "" {
		r.localUser = os.Getenv("USER")
	}
	r.sshConfig = opts.SSHConfigPath
	if r.sshConfig == "" {
		r.sshConfig = filepath.Join(r.home, ".ssh", "config")
	}
	// Absolute, because ssh would resolve a relative Include against ~/.ssh.
	abs, err := filepath.Abs(expandTilde(r.sshConfig, r.home))
	if err != nil {
		return nil, &ResolveError{File: r.sshConfig, Msg: err.Error(), Err: err}
	}
	r.sshConfig = abs
	if err := r.chooseSSH(opts.SSHBinary); err != nil {
		return nil, err
	}
	path := opts.ConfigPath
	if path == "" {
		path = configPathUnder(r.env, r.home)
	}
	cfg, err := LoadConfig(expandTilde(path, r.home))
	if err != nil {
		return nil, err
	}
	r.cfg = cfg
	r.secrets = newSecretCache(r.env)
	r.baseline = &sshgBaseline{}
	return r, nil
}

func (r *Resolver) chooseSSH(bin string) error {
	switch bin {
	case "none":
		return nil
	case "":
		if p, err := exec.LookPath("ssh"); err == nil {
			r.sshBin = p
		}
		return nil
	}
	p, err := exec.LookPath(bin)
	if err != nil {
		return &ResolveError{Setting: "ssh binary", Msg: fmt.Sprintf("%q not usable: %v", bin, err),
			Hint: `give the path of an OpenSSH client, or "none" to parse ssh_config without it`, Err: err}
	}
	r.sshBin = p
	return nil
}

// Config returns our parsed config file (an empty Config when the file does
// not exist). The caller must not modify it.
func (r *Resolver) Config() *Config { return r.cfg }

// UsesSSH reports whether settings come from "ssh -G" (true) or from the
// ssh_config library fallback (false).
func (r *Resolver) UsesSSH() bool { return r.sshBin != "" }

// warnOnce logs a configuration warning the first time it is seen: the
// same file is read on every Resolve.
func (r *Resolver) warnOnce(file string, line int, msg, reason string) {
	if _, dup := r.warned.LoadOrStore(fmt.Sprintf("%s:%d", file, line), struct{}{}); dup {
		return
	}
	r.log.Warn(msg, "file", file, "line", line, "reason", reason)
}

// maxJumpDepth bounds ProxyJump recursion; OpenSSH itself has no bound, but
// a chain this long is a configuration mistake.
const maxJumpDepth = 8

// Resolve fills a Target for req: explicit request fields first, then the
// OVRD_<alias>_* environment, then our config file, then ssh_config, then
// OpenSSH's defaults. It may run "ssh -G" (bounded by 3 s) and, the first
// time a host needs them, the secret commands of our config (5 s each).
// Errors unwrap to ErrResolve.
func (r *Resolver) Resolve(ctx context.Context, req Request) (Target, error) {
	return r.resolve(ctx, req, nil, withJumps)
}

func (r *Resolver) resolve(ctx context.Context, req Request, stack []string, jumps jumpMode) (Target, error) {
	req, err := splitUserAtHost(req)
	if err != nil {
		return Target{}, err
	}
	alias := req.Host
	if err := validateRequest(req); err != nil {
		return Target{}, err
	}
	if err := r.checkKeyFile(req); err != nil {
		return Target{}, err
	}
	if err := r.checkRequestKey(req); err != nil {
		return Target{}, err
	}
	if err := ctx.Err(); err != nil {
		return Target{}, &ResolveError{Alias: alias, Msg: "canceled before resolving", Err: err}
	}
	if len(stack) > maxJumpDepth {
		return Target{}, &ResolveError{Alias: alias, Setting: "ProxyJump",
			Msg:  fmt.Sprintf("jump chain deeper than %d hops: %s", maxJumpDepth, strings.Join(stack, " -> ")),
			Hint: "shorten the chain or add `ProxyJump none` to the jump host"}
	}
	ov, err := r.overrides(alias)
	if err != nil {
		return Target{}, err
	}
	hc := r.cfg.match(alias)
	if err := bindConfigSecrets(alias, req, ov, hc); err != nil {
		return Target{}, err
	}
	in := layerInput(alias, req, ov, hc)
	st, err := r.settings(ctx, in)
	if err != nil {
		return Target{}, err
	}
	t, err := r.buildTarget(in, st)
	if err != nil {
		return Target{}, err
	}
	if p, src := firstString(req.Profile, "request", hc.Profile, hc.src("profile")); p != "" {
		t.Profile, t.Sources["Profile"] = p, src
	}
	t.CommandTimeout = hc.CommandTimeout
	if t.CommandTimeout == 0 {
		t.CommandTimeout = r.cfg.Defaults.CommandTimeout
	}
	t.Policy = r.cfg.Policy(alias)
	if t.Secrets, err = r.secretsFor(ctx, alias, req, ov, hc, t.Sources); err != nil {
		return Target{}, err
	}
	if jumps == withJumps {
		if t.ProxyJump, err = r.resolveJumps(ctx, t, st.ProxyJump, append(slices.Clone(stack), alias)); err != nil {
			return Target{}, err
		}
	}
	r.log.Debug("resolved host", "alias", alias, "target", t.Key(), "jumps", len(t.ProxyJump), "ssh_G", r.UsesSSH())
	return t, nil
}

// settings asks ssh -G, or the library fallback, what ssh_config says.
func (r *Resolver) settings(ctx context.Context, in layer) (sshSettings, error) {
	in.strict = r.cfg.Defaults.StrictHostKeyChecking
	if r.sshBin != "" {
		return r.sshG(ctx, in)
	}
	return r.libSettings(in)
}

// tildeUnderHome rewrites a path that ssh expanded with the passwd home
// directory so that it points under Home instead; they differ only when a
// caller (a test) chose another Home.
func (r *Resolver) tildeUnderHome(p string) string {
	if r.pwHome == "" || r.pwHome == r.home {
		return p
	}
	if rest, ok := strings.CutPrefix(p, r.pwHome+"/"); ok {
		return filepath.Join(r.home, rest)
	}
	return p
}

// connection defaults that differ from OpenSSH's: there is no person to
// answer "ask", and a dead peer must be noticed without one.
const (
	defaultConnectTimeout      = 15 * time.Second
	defaultServerAliveInterval = 15 * time.Second
	defaultServerAliveCountMax = 3
	defaultStrict              = "accept-new"
)
