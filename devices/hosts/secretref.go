package hosts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.yaml.in/yaml/v3"
)

// SecretRef says where a secret is found, never what it is: an environment
// variable or a command whose standard output is the secret (for example
// "pass show lab/enable"). Exactly one of Env and Command is set.
type SecretRef struct {
	Env     string // variable name
	Command string // run with /bin/sh -c; stdout minus one trailing newline is the secret

	File  string // where the reference was written, for errors
	Line  int
	Field string
}

// String shows the reference, which is safe to print.
func (s *SecretRef) String() string {
	if s.Env != "" {
		return "{env: " + s.Env + "}"
	}
	return "{command: " + s.Command + "}"
}

// secretCommandTimeout bounds one secret command: a password store that
// waits for a passphrase on a terminal nobody sees must not hang a tool.
const secretCommandTimeout = 5 * time.Second

// maxSecretBytes bounds what a secret command may print.
const maxSecretBytes = 64 << 10

func (d *decoder) secret(n *yaml.Node, field string) *SecretRef {
	if n.Kind == yaml.ScalarNode {
		d.fail(n, field, "a literal secret is not accepted in the config file",
			`write {env: VARIABLE} or {command: "pass show some/entry"} so the file holds no secret`)
		return nil
	}
	ref := &SecretRef{File: d.file, Line: d.keyLine, Field: field}
	d.mapping(n, field, map[string]func(*yaml.Node, string){
		"env":     func(v *yaml.Node, f string) { ref.Env = d.scalar(v, f) },
		"command": func(v *yaml.Node, f string) { ref.Command = d.scalar(v, f) },
	})
	if d.err == nil && (ref.Env == "") == (strings.TrimSpace(ref.Command) == "") {
		d.fail(n, field, "needs exactly one of env and command", `write {env: VARIABLE} or {command: "pass show some/entry"}`)
	}
	return ref
}

// secretCache runs each secret command at most once per process while it
// succeeds; a failure is not kept, so unlocking a password store and
// retrying works. Environment variables are read every time.
type secretCache struct {
	env  func(string) (string, bool)
	mu   sync.Mutex
	cmds map[string]*secretEntry
}

type secretEntry struct {
	mu  sync.Mutex // held while the command runs, so concurrent callers wait
	val string
	ok  bool
}

func newSecretCache(env func(string) (string, bool)) *secretCache {
	return &secretCache{env: env, cmds: map[string]*secretEntry{}}
}

// get returns the secret ref points to. Errors say which reference failed
// and why (a command's first stderr line) and never hold the secret.
func (c *secretCache) get(ctx context.Context, ref *SecretRef) (string, error) {
	if ref.Env != "" {
		v, ok := c.env(ref.Env)
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set", ref.Env)
		}
		if v == "" {
			return "", fmt.Errorf("environment variable %s is empty", ref.Env)
		}
		return v, nil
	}
	c.mu.Lock()
	e := c.cmds[ref.Command]
	if e == nil {
		e = &secretEntry{}
		c.cmds[ref.Command] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ok {
		return e.val, nil
	}
	v, err := runSecretCommand(ctx, ref.Command)
	if err != nil {
		return "", err
	}
	e.val, e.ok = v, true
	return v, nil
}

// limitedBuffer keeps at most max bytes and remembers that it overflowed.
// The buffer is a field, not embedded: an embedded bytes.Buffer would lend
// it ReadFrom, which io.Copy prefers and which would bypass the limit.
type limitedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if room := b.max - b.buf.Len(); n > room {
		b.over = true
		p = p[:max(room, 0)]
	}
	b.buf.Write(p)
	return n, nil // claim all: the writer must not fail the command
}

func (b *limitedBuffer) String() string { return b.buf.String() }
func (b *limitedBuffer) Bytes() []byte  { return b.buf.Bytes() }

func runSecretCommand(ctx context.Context, command string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, secretCommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	stdout, stderr := &limitedBuffer{max: maxSecretBytes}, &limitedBuffer{max: 4096}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// A password store's helper (gpg, pinentry) must not outlive the deadline.
	killGroupOnCancel(cmd)
	err := cmd.Run()
	what := fmt.Sprintf("command `%s`", command)
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return "", fmt.Errorf("%s did not finish within %s (does it wait for a passphrase on a terminal?): %w", what, secretCommandTimeout, ctx.Err())
	case errors.As(err, &exitErr):
		return "", fmt.Errorf("%s exited %d: %s", what, exitErr.ExitCode(), firstLine(stderr.String()))
	case err != nil:
		return "", fmt.Errorf("%s could not run: %w", what, err)
	case stdout.over:
		return "", fmt.Errorf("%s printed more than %d bytes; a secret is one line", what, maxSecretBytes)
	}
	v := strings.TrimSuffix(stdout.String(), "\n")
	v = strings.TrimSuffix(v, "\r")
	if v == "" {
		return "", fmt.Errorf("%s printed nothing on stdout", what)
	}
	return v, nil
}

// killGroupOnCancel runs cmd in a process group of its own and makes
// context cancellation kill the whole group, so that grandchildren die
// with it; WaitDelay bounds the wait for pipes a survivor might hold.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return "(no message on stderr)"
	}
	return s
}

// secretsFor gathers a host's secrets: the caller's password first, then
// the OVRD_ variables, then our config's references (run only if needed).
// sources gets where each one came from, never its value. A reference
// that gives nothing (an unset variable, a failing command) does not fail
// the host: it is logged and kept in Secrets.Unavailable, so that only
// what needs that secret fails, saying why.
func (r *Resolver) secretsFor(ctx context.Context, alias string, req Request, ov overrides, hc hostMatch, sources map[string]string) (Secrets, error) {
	var s Secrets
	pick := func(setting string, dst *string, given, givenSrc string, ref *SecretRef) {
		switch {
		case given != "":
			*dst, sources[setting] = given, givenSrc
		case ref != nil:
			v, err := r.secrets.get(ctx, ref)
			if err != nil {
				se := &SecretError{Ref: ref, Err: err}
				if s.Unavailable == nil {
					s.Unavailable = &SecretErrors{}
				}
				s.Unavailable.List = append(s.Unavailable.List, se)
				r.log.Warn("a secret reference of the config file gives nothing", "host", alias, "error", se)
				return
			}
			*dst, sources[setting] = v, fmt.Sprintf("%s:%d %s", ref.File, ref.Line, ref)
		}
	}
	pass, passSrc := firstString(req.Password, "request", ov.Pass, ov.src("PASS"))
	pick("Password", &s.Password, pass, passSrc, hc.Password)
	pick("KeyPassphrase", &s.KeyPassphrase, "", "", hc.KeyPassphrase)
	pick("Sudo", &s.Sudo, ov.SudoPass, ov.src("SUDO_PASS"), hc.SudoPassword)
	pick("Enable", &s.Enable, ov.EnablePw, ov.src("ENABLE_PASS"), hc.EnableSecret)
	pick("Su", &s.Su, "", "", hc.SuPassword)
	s.Named = r.named(hc)
	s.ConfigBound = hc.Password != nil || hc.KeyPassphrase != nil || hc.SudoPassword != nil || hc.EnableSecret != nil || hc.SuPassword != nil || s.Named != nil
	return s, ctx.Err()
}

// bindConfigSecrets refuses a port or user name from the caller for a host
// whose config entry would supply a secret: the user wrote that secret for
// the destinations the entry names, and a port or login of the caller's
// choosing (a rogue server on another port of a matching name) would
// receive it instead.
func bindConfigSecrets(alias string, req Request, ov overrides, hc hostMatch) error {
	if req.Port == 0 && req.Username == "" {
		return nil
	}
	used := []struct {
		key  string
		ref  *SecretRef
		over bool // given by the caller or an OVRD_ variable instead
	}{
		{"password", hc.Password, req.Password != "" || ov.Pass != ""},
		{"key_passphrase", hc.KeyPassphrase, false},
		{"sudo_password", hc.SudoPassword, ov.SudoPass != ""},
		{"enable_secret", hc.EnableSecret, ov.EnablePw != ""},
		{"su_password", hc.SuPassword, false},
		{"secrets", firstNamed(hc.Secrets), false},
	}
	for _, u := range used {
		if u.ref == nil || u.over {
			continue
		}
		what := "port"
		if req.Port == 0 {
			what = "username"
		}
		return &ResolveError{Alias: alias, File: u.ref.File, Line: u.ref.Line, Setting: u.ref.Field,
			Msg:  fmt.Sprintf("this entry gives %s a secret, which is sent only to the destination the configuration names, so a %s from the call is refused", alias, what),
			Hint: "leave port and username out of the call, or ask the user to add a Host entry for that destination to ~/.ssh/config"}
	}
	return nil
}
