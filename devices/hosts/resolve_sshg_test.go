package hosts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestResolveUserSetVersusDefault checks the settings whose OpenSSH default
// differs from ours: a value the user wrote is kept (even when it equals
// OpenSSH's default, such as "ask"), an unset one gets our default.
func TestResolveUserSetVersusDefault(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", `Host asks
  StrictHostKeyChecking ask
  ConnectTimeout 0
  ServerAliveInterval 0
Host relaxed
  StrictHostKeyChecking no
  ConnectTimeout 7
  ServerAliveInterval 30
  ServerAliveCountMax 9
Host exact
  Ciphers aes128-gcm@openssh.com,aes256-gcm@openssh.com
  HostKeyAlgorithms ssh-ed25519
`)
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			r := b.resolver(t, backend)
			type want struct {
				strict         string
				connect, alive time.Duration
				count          int
			}
			cases := map[string]want{
				"asks":    {"yes", 15 * time.Second, 15 * time.Second, 3},
				"relaxed": {"no", 7 * time.Second, 30 * time.Second, 9},
				"unset":   {"accept-new", 15 * time.Second, 15 * time.Second, 3},
			}
			for alias, w := range cases {
				tg := resolveOK(t, r, Request{Host: alias})
				got := want{tg.StrictHostKeyChecking, tg.ConnectTimeout, tg.ServerAliveInterval, tg.ServerAliveCountMax}
				if got != w {
					t.Errorf("%s: got %+v, want %+v", alias, got, w)
				}
			}
			tg := resolveOK(t, r, Request{Host: "exact"})
			if !slices.Equal(tg.Ciphers, []string{"aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}) || !slices.Equal(tg.HostKeyAlgorithms, []string{"ssh-ed25519"}) {
				t.Errorf("exact: Ciphers %q HostKeyAlgorithms %q, want the user's lists", tg.Ciphers, tg.HostKeyAlgorithms)
			}
			if tg.KexAlgorithms != nil || tg.MACs != nil {
				t.Errorf("exact: unset lists KexAlgorithms %q MACs %q, want nil (x/crypto's defaults)", tg.KexAlgorithms, tg.MACs)
			}
		})
	}
}

// TestResolveStrictDefaultFromConfig: our config's default applies where
// ssh_config is silent, and ssh_config wins where it speaks.
func TestResolveStrictDefaultFromConfig(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", "Host pinned\n  StrictHostKeyChecking accept-new\n")
	b.write(t, ".config/mcp-ssh-session/config.yaml", "defaults:\n  strict_host_key_checking: \"yes\"\n")
	for _, backend := range backends {
		r := b.resolver(t, backend)
		if tg := resolveOK(t, r, Request{Host: "free"}); tg.StrictHostKeyChecking != "yes" {
			t.Errorf("%s: free = %q, want yes from our config", backend, tg.StrictHostKeyChecking)
		}
		if tg := resolveOK(t, r, Request{Host: "pinned"}); tg.StrictHostKeyChecking != "accept-new" {
			t.Errorf("%s: pinned = %q, want accept-new from ssh_config", backend, tg.StrictHostKeyChecking)
		}
	}
}

func TestSSHGErrorsNameFileAndLine(t *testing.T) {
	b := newResolveBed(t)
	path := b.write(t, ".ssh/config", "Host web1\n  Port twenty\n")
	e := resolveErr(t, b.resolver(t, "ssh"), Request{Host: "web1"})
	if e.File != path || e.Line != 2 || e.Alias != "web1" || e.Hint == "" {
		t.Errorf("error %q: file %q line %d, want %q line 2 and a hint", e, e.File, e.Line, path)
	}
	b.write(t, ".ssh/config", "Host web1\n  Ciphers nothing-real\n")
	e = resolveErr(t, b.resolver(t, "ssh"), Request{Host: "web1"})
	if e.File != path || e.Line != 2 {
		t.Errorf("error %q: want %q line 2", e, path)
	}
}

func TestSSHGAlgorithmsFiltered(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", "Host web1\n  KexAlgorithms sntrup761x25519-sha512,curve25519-sha256\n")
	tg := resolveOK(t, b.resolver(t, "ssh"), Request{Host: "web1"})
	if !slices.Equal(tg.KexAlgorithms, []string{"curve25519-sha256"}) {
		t.Errorf("KexAlgorithms = %q, want only what x/crypto supports", tg.KexAlgorithms)
	}
	if src := tg.Sources["KexAlgorithms"]; !strings.Contains(src, "dropped") || !strings.Contains(src, "sntrup761x25519-sha512") {
		t.Errorf("Sources[KexAlgorithms] = %q, want the dropped algorithm recorded", src)
	}
}

func TestNewResolverSSHBinary(t *testing.T) {
	_, err := NewResolver(ResolverOptions{Home: t.TempDir(), ConfigPath: filepath.Join(t.TempDir(), "none.yaml"), SSHBinary: "/nonexistent/ssh"})
	if !errors.Is(err, ErrResolve) || !strings.Contains(err.Error(), "/nonexistent/ssh") {
		t.Errorf("NewResolver with a missing ssh binary = %v, want an error naming it", err)
	}
	r, err := NewResolver(ResolverOptions{Home: t.TempDir(), ConfigPath: filepath.Join(t.TempDir(), "none.yaml"), SSHBinary: "none"})
	if err != nil || r.UsesSSH() {
		t.Errorf("SSHBinary none: %v, UsesSSH %t; want the library fallback", err, r.UsesSSH())
	}
	bin := requireSSH(t)
	r, err = NewResolver(ResolverOptions{Home: t.TempDir(), ConfigPath: filepath.Join(t.TempDir(), "none.yaml"), SSHBinary: bin})
	if err != nil || !r.UsesSSH() {
		t.Errorf("SSHBinary %q: %v, UsesSSH %t; want ssh -G", bin, err, r.UsesSSH())
	}
}

// TestSSHGDeadline: a Match exec that never ends cannot hold a resolution
// past ssh -G's own deadline, and its command does not survive it.
func TestSSHGDeadline(t *testing.T) {
	b := newResolveBed(t)
	marker := filepath.Join(b.home, "still-running")
	b.write(t, ".ssh/config", "Match exec \"sleep 4; touch "+marker+"\"\n  User never\n")
	start := time.Now()
	r := b.resolver(t, "ssh")
	r.sshWait = 3 * time.Second // shorter than the sleep, to see the kill
	e := resolveErr(t, r, Request{Host: "web1"})
	if !errors.Is(e, context.DeadlineExceeded) || !strings.Contains(e.Error(), "did not finish") {
		t.Fatalf("error %q, want ssh -G's deadline", e)
	}
	// Poll past the moment the sleep would have ended: the marker must
	// never appear, because the whole process group was killed.
	deadline := start.Add(5500 * time.Millisecond)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("the Match exec command outlived ssh -G and created %q", marker)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestResolveCanceled(t *testing.T) {
	b := newResolveBed(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, backend := range backends {
		_, err := b.resolver(t, backend).Resolve(ctx, Request{Host: "web1"})
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrResolve) {
			t.Errorf("%s: Resolve with a canceled context = %v, want context.Canceled and ErrResolve", backend, err)
		}
	}
}

func TestResolveConfigPathWithSpaces(t *testing.T) {
	b := newResolveBed(t)
	path := b.write(t, "my dir/ssh config é", "Host web1\n  Port 2345\n")
	for _, bin := range []string{requireSSH(t), "none"} {
		r, err := NewResolver(ResolverOptions{Home: b.home, SSHConfigPath: path, ConfigPath: filepath.Join(b.home, "none.yaml"), SSHBinary: bin})
		if err != nil {
			t.Fatal(err)
		}
		if tg := resolveOK(t, r, Request{Host: "web1"}); tg.Port != 2345 {
			t.Errorf("%s: Port = %d, want 2345 from %q", bin, tg.Port, path)
		}
	}
	r, err := NewResolver(ResolverOptions{Home: b.home, SSHConfigPath: b.home + `/bad"name`, ConfigPath: filepath.Join(b.home, "none.yaml"), SSHBinary: requireSSH(t)})
	if err != nil {
		t.Fatal(err)
	}
	if e := resolveErr(t, r, Request{Host: "web1"}); !strings.Contains(e.Msg, "quote") {
		t.Errorf("error %q, want the quote in the path named", e)
	}
}
