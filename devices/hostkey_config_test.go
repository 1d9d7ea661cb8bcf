package devices

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// hostKeyManager is a Manager whose ssh_config has one host, "h", for
// sshd s with the extra lines given.
func hostKeyManager(t *testing.T, s *devicetest.SSHD, extra string) *Manager {
	t.Helper()
	cfg := fmt.Sprintf("Host h\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n%s",
		s.Host, s.Port, s.User, s.ClientKey.Path, extra)
	return newTestManager(t, cfg, nil, ManagerOptions{})
}

// HostKeyAlias names the known_hosts entry, for lookup and for recording:
// a changed key behind an alias is refused, as OpenSSH refuses it.
func TestHostKeyAliasHonoured(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	ctx := testCtx(t, 30*time.Second)
	dir := t.TempDir()

	changed := filepath.Join(dir, "changed")
	old := knownhosts.Line([]string{"lab-alias"}, randomHostKey(t)) + "\n"
	writeFile(t, changed, old)
	m := hostKeyManager(t, s, "  HostKeyAlias lab-alias\n  UserKnownHostsFile "+changed+"\n  StrictHostKeyChecking accept-new\n")
	_, err := m.conn(ctx, hosts.Request{Host: "h"})
	var he *HostKeyError
	if !errors.As(err, &he) || he.Kind != HostKeyChanged {
		t.Fatalf("dial with a changed key behind HostKeyAlias: err = %v, want a changed host key", err)
	}
	if got := readFile(t, changed); got != old {
		t.Fatalf("known_hosts became %q; want it untouched", got)
	}

	known := filepath.Join(dir, "known")
	writeFile(t, known, knownhosts.Line([]string{"lab-alias"}, s.HostKey)+"\n")
	m = hostKeyManager(t, s, "  HostKeyAlias lab-alias\n  UserKnownHostsFile "+known+"\n  StrictHostKeyChecking yes\n")
	if _, err := m.conn(ctx, hosts.Request{Host: "h"}); err != nil {
		t.Fatalf("dial with the key known under HostKeyAlias: %v", err)
	}

	fresh := filepath.Join(dir, "fresh")
	m = hostKeyManager(t, s, "  HostKeyAlias new-alias\n  UserKnownHostsFile "+fresh+"\n  StrictHostKeyChecking accept-new\n")
	if _, err := m.conn(ctx, hosts.Request{Host: "h"}); err != nil {
		t.Fatalf("accept-new under HostKeyAlias: %v", err)
	}
	if got, want := readFile(t, fresh), knownhosts.Line([]string{"new-alias"}, s.HostKey)+"\n"; got != want {
		t.Fatalf("accept-new recorded %q, want %q", got, want)
	}
}

// KnownHostsCommand cannot be honoured, so a host that sets it is refused
// rather than checked against part of what the user set up.
func TestKnownHostsCommandRefused(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	m := hostKeyManager(t, s, "  KnownHostsCommand /bin/echo %H\n  UserKnownHostsFile "+s.KnownHostsPath+"\n")
	_, err := m.conn(testCtx(t, 30*time.Second), hosts.Request{Host: "h"})
	if !errors.Is(err, hosts.ErrResolve) || !strings.Contains(err.Error(), "KnownHostsCommand") {
		t.Fatalf("dial with KnownHostsCommand: err = %v, want it refused naming KnownHostsCommand", err)
	}
}

// With `UserKnownHostsFile none` there is nowhere to record a new key:
// accept-new refuses it, and the global file is never written.
func TestUserKnownHostsNoneRecordsNothing(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	global := filepath.Join(t.TempDir(), "ssh_known_hosts")
	writeFile(t, global, "# the administrator's\n")
	m := hostKeyManager(t, s, "  UserKnownHostsFile none\n  GlobalKnownHostsFile "+global+"\n  StrictHostKeyChecking accept-new\n")
	_, err := m.conn(testCtx(t, 30*time.Second), hosts.Request{Host: "h"})
	if !errors.Is(err, ErrHostKey) {
		t.Errorf("accept-new with UserKnownHostsFile none: err = %v, want the unknown key refused", err)
	}
	if got := readFile(t, global); got != "# the administrator's\n" {
		t.Errorf("the global known_hosts file became %q", got)
	}
	// UserKnownHostsFile /dev/null records nowhere on purpose, as with
	// OpenSSH: accept-new goes on.
	m = hostKeyManager(t, s, "  UserKnownHostsFile /dev/null\n  GlobalKnownHostsFile "+global+"\n  StrictHostKeyChecking accept-new\n")
	if _, err := m.conn(testCtx(t, 30*time.Second), hosts.Request{Host: "h"}); err != nil {
		t.Errorf("accept-new with UserKnownHostsFile /dev/null: %v", err)
	}
}

// One line that cannot be parsed is skipped with a warning naming file and
// line; the other lines still verify their hosts.
func TestKnownHostsBadLineSkipped(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	kh := filepath.Join(t.TempDir(), "known_hosts")
	good := knownhosts.Line([]string{s.Addr}, s.HostKey)
	writeFile(t, kh, "# mine\nbroken.example ssh-ed25519 not-base64!!\n"+good+"\n")
	logs := &syncWriter{w: &bytes.Buffer{}}
	tg := keyTarget(s)
	tg.KnownHostsFiles = []string{kh}
	p := newTestPool(t, PoolOptions{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if _, _, err := p.Conn(testCtx(t, 20*time.Second), tg); err != nil {
		t.Fatalf("dial with a bad line in known_hosts: %v", err)
	}
	if got := logs.String(); !strings.Contains(got, kh) || !strings.Contains(got, "line=2") {
		t.Errorf("log %q should warn about %s line 2", got, kh)
	}
	// A line too long for the scanner is skipped too, and a FIFO named as
	// a known_hosts file is not opened at all.
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	writeFile(t, kh, strings.Repeat("x", 70000)+"\n"+good+"\n")
	tg.KnownHostsFiles = []string{fifo, kh}
	p = newTestPool(t, PoolOptions{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if _, _, err := p.Conn(testCtx(t, 20*time.Second), tg); err != nil {
		t.Fatalf("dial with a FIFO and a very long line among the known_hosts files: %v", err)
	}
	tg.KnownHostsFiles = []string{kh}
	// A changed key is still reported with the user's file and line.
	writeFile(t, kh, "broken.example ssh-ed25519 not-base64!!\n"+knownhosts.Line([]string{s.Addr}, randomHostKey(t))+"\n")
	he := hostKeyErr(t, tg)
	if he.Kind != HostKeyChanged || len(he.Want) != 1 || he.Want[0].File != kh || he.Want[0].Line != 2 {
		t.Errorf("changed key: %+v, want it found at %s:2", he, kh)
	}
}

// syncWriter serialises writes to w, for a logger the test reads.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
