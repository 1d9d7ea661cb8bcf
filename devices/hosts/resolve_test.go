package hosts

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

// resolveBed is a temporary home with an ssh_config, our config file and a
// private environment, for resolving without touching the real account.
type resolveBed struct {
	home string
	env  map[string]string
	log  *resolveLog
}

// resolveLog is a bytes.Buffer safe for the logger and the test to share.
type resolveLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *resolveLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *resolveLog) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newResolveBed(t testing.TB) *resolveBed {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	return &resolveBed{home: home, env: map[string]string{}, log: &resolveLog{}}
}

// write creates a file under home (relative path) with content.
func (b *resolveBed) write(t testing.TB, rel, content string) string {
	t.Helper()
	p := filepath.Join(b.home, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// resolver builds a Resolver for backend "ssh" (ssh -G) or "lib" (the
// library fallback). The ssh backend needs an OpenSSH client.
func (b *resolveBed) resolver(t testing.TB, backend string) *Resolver {
	t.Helper()
	bin := "none"
	if backend == "ssh" {
		bin = requireSSH(t)
	}
	r, err := NewResolver(ResolverOptions{
		Home:       b.home,
		ConfigPath: filepath.Join(b.home, ".config", "mcp-ssh-session", "config.yaml"),
		SSHBinary:  bin,
		Env: func(k string) (string, bool) {
			v, ok := b.env[k]
			return v, ok
		},
		Logger: slog.New(slog.NewTextHandler(b.log, nil)),
	})
	if err != nil {
		t.Fatalf("NewResolver: %v", err)
	}
	return r
}

func requireSSH(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("ssh")
	devicetest.Require(t, err == nil, "ssh (OpenSSH client) not found: install openssh-client")
	return p
}

func resolveOK(t testing.TB, r *Resolver, req Request) Target {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tg, err := r.Resolve(ctx, req)
	if err != nil {
		t.Fatalf("Resolve(%+v): %v", req, err)
	}
	return tg
}

func resolveErr(t testing.TB, r *Resolver, req Request) *ResolveError {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tg, err := r.Resolve(ctx, req)
	if err == nil {
		t.Fatalf("Resolve(%+v) = %+v, want an error", req, tg)
	}
	if !errors.Is(err, ErrResolve) {
		t.Fatalf("Resolve(%+v) error %q does not unwrap to ErrResolve", req, err)
	}
	var re *ResolveError
	if !errors.As(err, &re) {
		t.Fatalf("Resolve(%+v) error %q is not a *ResolveError", req, err)
	}
	return re
}

var backends = []string{"ssh", "lib"}

func TestResolvePrecedence(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			b := newResolveBed(t)
			b.write(t, ".ssh/config", "Host web1\n  HostName web1.internal\n  User fromssh\n  Port 2201\n  IdentityFile ~/.ssh/web1_key\n")
			b.write(t, ".config/mcp-ssh-session/config.yaml", "hosts:\n  - match: web*\n    user: fromconfig\n    profile: linux\n")
			r := b.resolver(t, backend)

			tg := resolveOK(t, r, Request{Host: "web1"})
			if tg.HostName != "web1.internal" || tg.User != "fromconfig" || tg.Port != 2201 || tg.Profile != "linux" {
				t.Errorf("config layer: got host %q user %q port %d profile %q, want web1.internal fromconfig 2201 linux", tg.HostName, tg.User, tg.Port, tg.Profile)
			}
			b.env["OVRD_web1_USER"] = "fromenv"
			b.env["OVRD_WEB1_PORT"] = "2202"
			b.env["OVRD_web1_HOST"] = "10.1.2.3"
			b.env["OVRD_web1_KEY"] = "~/.ssh/env_key"
			tg = resolveOK(t, r, Request{Host: "web1"})
			if tg.HostName != "10.1.2.3" || tg.User != "fromenv" || tg.Port != 2202 {
				t.Errorf("OVRD layer: got %q %q %d, want 10.1.2.3 fromenv 2202", tg.HostName, tg.User, tg.Port)
			}
			if tg.Sources["User"] != "OVRD_web1_USER" || tg.Sources["Port"] != "OVRD_WEB1_PORT" {
				t.Errorf("Sources = %q, want User from OVRD_web1_USER and Port from OVRD_WEB1_PORT", tg.Sources)
			}
			if re := resolveErr(t, r, Request{Host: "web1", KeyFilename: "~/req_key"}); re.Setting != "key_filename" || !strings.Contains(re.Msg, "req_key does not exist") {
				t.Errorf("a key_filename that does not exist: %v, want an error naming it", re)
			}
			b.write(t, "req_key", "not a key, but a file")
			tg = resolveOK(t, r, Request{Host: "web1", Username: "fromreq", Port: 2203, KeyFilename: "~/req_key", Profile: "junos"})
			if tg.User != "fromreq" || tg.Port != 2203 || tg.Profile != "junos" || tg.Sources["User"] != "request" {
				t.Errorf("request layer: got %q %d %q (%q)", tg.User, tg.Port, tg.Profile, tg.Sources["User"])
			}
			want := []string{filepath.Join(b.home, "req_key"), filepath.Join(b.home, ".ssh/env_key"), filepath.Join(b.home, ".ssh/web1_key")}
			if !slices.Equal(tg.IdentityFiles, want) {
				t.Errorf("IdentityFiles = %q, want %q", tg.IdentityFiles, want)
			}
		})
	}
}

func TestResolveDefaults(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			b := newResolveBed(t)
			r := b.resolver(t, backend) // no ssh_config at all: a missing file is fine
			tg := resolveOK(t, r, Request{Host: "Plain.Example"})
			ssh := filepath.Join(b.home, ".ssh")
			checks := []struct {
				name      string
				got, want any
			}{
				{"HostName", tg.HostName, "plain.example"},
				{"Port", tg.Port, 22},
				{"User", tg.User, r.localUser},
				{"IdentityFiles", tg.IdentityFiles, []string{ssh + "/id_rsa", ssh + "/id_ecdsa", ssh + "/id_ecdsa_sk", ssh + "/id_ed25519", ssh + "/id_ed25519_sk", ssh + "/id_dsa"}},
				{"KnownHostsFiles", tg.KnownHostsFiles, []string{ssh + "/known_hosts", ssh + "/known_hosts2"}},
				{"GlobalKnownHostsFiles", tg.GlobalKnownHostsFiles, []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}},
				{"StrictHostKeyChecking", tg.StrictHostKeyChecking, "accept-new"},
				{"ConnectTimeout", tg.ConnectTimeout, 15 * time.Second},
				{"ServerAliveInterval", tg.ServerAliveInterval, 15 * time.Second},
				{"ServerAliveCountMax", tg.ServerAliveCountMax, 3},
				{"Ciphers", tg.Ciphers, []string(nil)},
				{"KexAlgorithms", tg.KexAlgorithms, []string(nil)},
				{"MACs", tg.MACs, []string(nil)},
				{"HostKeyAlgorithms", tg.HostKeyAlgorithms, []string(nil)},
				{"ProxyJump", len(tg.ProxyJump), 0},
			}
			for _, c := range checks {
				if !equalAny(c.got, c.want) {
					t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
				}
			}
		})
	}
}

func equalAny(a, b any) bool {
	as, aok := a.([]string)
	bs, bok := b.([]string)
	if aok && bok {
		return slices.Equal(as, bs) && (as == nil) == (bs == nil)
	}
	return a == b
}

func TestResolveBadRequests(t *testing.T) {
	b := newResolveBed(t)
	r := b.resolver(t, "lib")
	cases := []struct {
		req     Request
		setting string
	}{
		{Request{Host: ""}, "host"},
		{Request{Host: "-oProxyCommand=touch /tmp/x"}, "host"},
		{Request{Host: "two words"}, "host"},
		{Request{Host: "web\n1"}, "host"},
		{Request{Host: "web1", Port: -1}, "port"},
		{Request{Host: "web1", Port: 70000}, "port"},
		{Request{Host: "web1", Username: "-l"}, "username"},
	}
	for _, c := range cases {
		e := resolveErr(t, r, c.req)
		if e.Setting != c.setting || e.Hint == "" {
			t.Errorf("Resolve(%+v): setting %q hint %q, want setting %q and a hint", c.req, e.Setting, e.Hint, c.setting)
		}
	}
}

func TestResolveErrorFormat(t *testing.T) {
	e := &ResolveError{Alias: "web1", File: "/etc/x/config", Line: 12, Setting: "ProxyJump", Msg: "jump hosts form a loop", Hint: "add ProxyJump none"}
	want := "resolve web1: /etc/x/config:12: ProxyJump: jump hosts form a loop (add ProxyJump none)"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &ResolveError{File: "/etc/x/config.yaml", Line: 3, Setting: "hosts[0].user", Msg: "bad"}
	if got, want := e.Error(), "/etc/x/config.yaml:3: hosts[0].user: bad"; got != want {
		t.Errorf("Error() without alias = %q, want %q", got, want)
	}
	cause := errors.New("cause")
	e.Err = cause
	if !errors.Is(e, cause) || !errors.Is(e, ErrResolve) {
		t.Errorf("errors.Is(%v) misses ErrResolve or the cause", e)
	}
}

// BenchmarkResolve measures one resolution of an alias with an Include, a
// Match and a two-hop ProxyJump (three ssh_config evaluations per call).
func BenchmarkResolve(b *testing.B) {
	for _, backend := range backends {
		b.Run(backend, func(b *testing.B) {
			bed := newResolveBed(b)
			bed.write(b, ".ssh/config", agreeConfig)
			bed.write(b, ".ssh/conf.d/10-include.conf", agreeInclude)
			// Files older than a few seconds, as a user's configuration
			// is: a file changed just now is read again on every call.
			time.Sleep(racyWindow + 100*time.Millisecond)
			r := bed.resolver(b, backend)
			ctx := context.Background()
			for b.Loop() {
				if _, err := r.Resolve(ctx, Request{Host: "web1"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestResolveUserAtHost(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", "Host web1\n  HostName 127.0.0.5\n  User fromconfig\n")
	for _, backend := range backends {
		r := b.resolver(t, backend)
		tg := resolveOK(t, r, Request{Host: "alice@web1"})
		if tg.Alias != "web1" || tg.User != "alice" || tg.HostName != "127.0.0.5" {
			t.Errorf("%s: alice@web1 = alias %q %s@%s, want web1 alice@127.0.0.5", backend, tg.Alias, tg.User, tg.HostName)
		}
		if tg := resolveOK(t, r, Request{Host: "alice@web1", Username: "alice"}); tg.User != "alice" {
			t.Errorf("%s: same user twice = %q, want alice", backend, tg.User)
		}
	}
	r := b.resolver(t, "lib")
	for _, req := range []Request{{Host: "alice@web1", Username: "bob"}, {Host: "@web1"}, {Host: "alice@"}} {
		if e := resolveErr(t, r, req); e.Hint == "" {
			t.Errorf("Resolve(%+v) = %q, want a hint", req, e)
		}
	}
}
