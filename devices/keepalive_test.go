package devices

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// proxiedTarget is keyTarget(s) reached through the fault proxy px, with
// a known_hosts file that knows s's key under the proxy's address.
func proxiedTarget(t testing.TB, s *devicetest.SSHD, px *devicetest.Proxy) hosts.Target {
	t.Helper()
	tg := keyTarget(s)
	tg.Alias = "proxied-" + px.Addr
	tg.HostName, tg.Port = px.Host, px.Port
	kh := filepath.Join(t.TempDir(), "known_hosts")
	writeFile(t, kh, knownhosts.Line([]string{px.Addr}, s.HostKey)+"\n")
	tg.KnownHostsFiles = []string{kh}
	return tg
}

func TestKeepaliveFindsBlackhole(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	px := devicetest.StartProxy(t, s.Addr)
	tg := proxiedTarget(t, s, px)
	tg.ServerAliveInterval = 300 * time.Millisecond
	tg.ServerAliveCountMax = 3
	p := newTestPool(t, PoolOptions{})
	c := mustConn(t, p, tg)
	// Several intervals with answers must not end a healthy connection.
	if code, err := c.Exec(testCtx(t, 30*time.Second), "sleep 1", nil, nil, nil); code != 0 || err != nil {
		t.Fatalf("Exec(sleep 1) = %d, %v; the connection should survive answered keepalives", code, err)
	}
	px.Blackhole()
	select {
	case <-c.Done():
	case <-time.After(20 * time.Second):
		t.Fatalf("black-holed connection not found dead by keepalive")
	}
	if err := c.Err(); err == nil || !strings.Contains(err.Error(), "keepalive") {
		t.Fatalf("Err() = %v, want a keepalive error", err)
	}
	// The next use dials again once the network is back.
	px.Heal()
	c2, reconnected, err := p.Conn(testCtx(t, 20*time.Second), tg)
	if err != nil || !reconnected || c2 == c {
		t.Fatalf("Conn after keepalive death = %p, reconnected %v, %v; want a new connection", c2, reconnected, err)
	}
}

func TestReconnectAfterSSHDRestart(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	p := newTestPool(t, PoolOptions{})
	tg := keyTarget(s)
	c := mustConn(t, p, tg)
	s.Restart()
	select {
	case <-c.Done():
	case <-time.After(20 * time.Second):
		t.Fatalf("connection not seen dead after sshd restart")
	}
	if errors.Is(c.Err(), ErrClosed) || c.Err() == nil {
		t.Fatalf("Err() = %v, want the reason the server went away", c.Err())
	}
	c2, reconnected, err := p.Conn(testCtx(t, 20*time.Second), tg)
	if err != nil || !reconnected {
		t.Fatalf("Conn after restart: reconnected %v, err %v; want a reconnection", reconnected, err)
	}
	if code, err := c2.Exec(testCtx(t, 30*time.Second), "exit 4", nil, nil, nil); code != 4 || err != nil {
		t.Fatalf("Exec on the new connection = %d, %v", code, err)
	}
}

func TestDialTimesOutInHandshake(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	for _, fault := range []string{"blackhole", "pause"} {
		px := devicetest.StartProxy(t, s.Addr)
		if fault == "blackhole" {
			px.Blackhole()
		} else {
			px.Pause()
		}
		tg := proxiedTarget(t, s, px)
		tg.ConnectTimeout = 500 * time.Millisecond
		done := make(chan error, 1)
		go func() {
			_, _, err := newTestPool(t, PoolOptions{}).Conn(testCtx(t, 30*time.Second), tg)
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: dial did not end at its 500ms deadline", fault)
		}
		var de *DialError
		if !errors.As(err, &de) || de.Stage != StageHandshake || !de.Timeout || !errors.Is(err, ErrTimeout) {
			t.Fatalf("%s: err = %v, want a DialError timing out at %q", fault, err, StageHandshake)
		}
	}
}
