package devices

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// A hung host must not delay the others: 49 hosts (distinct proxies in
// front of one sshd) all finish while the 50th is still stuck in its
// handshake.
func TestPoolParallelDialsWithOneHung(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	p := newTestPool(t, PoolOptions{})
	hung := devicetest.StartProxy(t, s.Addr)
	hung.Blackhole()
	hungTarget := proxiedTarget(t, s, hung)
	hungTarget.ConnectTimeout = 60 * time.Second
	hungDone := make(chan error, 1)
	go func() {
		_, _, err := p.Conn(testCtx(t, 90*time.Second), hungTarget)
		hungDone <- err
	}()

	const n = 49
	targets := make([]hosts.Target, n)
	for i := range targets {
		targets[i] = proxiedTarget(t, s, devicetest.StartProxy(t, s.Addr))
	}
	results := make(chan error, n)
	for _, tg := range targets {
		go func() {
			c, _, err := p.Conn(testCtx(t, 60*time.Second), tg)
			if err == nil {
				// A request round trip proves the connection is live
				// without the cost of a login shell per host.
				_, _, err = c.Client().SendRequest("keepalive@openssh.com", true, nil)
			}
			if err != nil {
				err = fmt.Errorf("%s: %w", tg.Key(), err)
			}
			results <- err
		}()
	}
	for range n {
		if err := <-results; err != nil {
			t.Errorf("parallel dial: %v", err)
		}
	}
	select {
	case err := <-hungDone:
		t.Fatalf("the hung host's dial ended (%v) before the others were done; it should still be waiting", err)
	default:
	}
	if got := len(p.Keys()); got != n {
		t.Fatalf("pool holds %d live connections, want %d", got, n)
	}
	// Closing the pool cancels the hung dial.
	p.Close()
	select {
	case err := <-hungDone:
		if err == nil {
			t.Fatalf("hung dial succeeded after Close")
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("Close did not end the hung dial")
	}
}

// Concurrent callers for one key share one dial.
func TestPoolSharesOneDialPerKey(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	px := devicetest.StartProxy(t, s.Addr)
	tg := proxiedTarget(t, s, px)
	p := newTestPool(t, PoolOptions{})
	conns := make(chan *Conn, 10)
	for range 10 {
		go func() {
			c, _, err := p.Conn(testCtx(t, 30*time.Second), tg)
			if err != nil {
				t.Errorf("Conn: %v", err)
			}
			conns <- c
		}()
	}
	first := <-conns
	for range 9 {
		if c := <-conns; c != first {
			t.Fatalf("concurrent callers got different connections")
		}
	}
	if got := px.Accepted(); got != 1 {
		t.Fatalf("proxy accepted %d connections for one key, want 1", got)
	}
}

// A caller whose context ends stops waiting, without cancelling the dial
// that others may share.
func TestPoolCallerCancelDoesNotBlock(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	px := devicetest.StartProxy(t, s.Addr)
	px.Pause()
	tg := proxiedTarget(t, s, px)
	p := newTestPool(t, PoolOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, _, err := p.Conn(ctx, tg); err != context.DeadlineExceeded {
		t.Fatalf("Conn with an expiring context: err = %v, want context.DeadlineExceeded", err)
	}
	px.Resume()
	mustConn(t, p, tg)
	if got := px.Accepted(); got != 1 {
		t.Fatalf("proxy accepted %d connections, want the one dial kept going", got)
	}
}

func openFDs(t testing.TB) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("read /proc/self/fd: %v", err)
	}
	return len(entries)
}

// settle polls until the goroutine and fd counts are back to at most the
// given ones, and fails with both counts (and the goroutines) otherwise.
func settle(t testing.TB, goroutines, fds int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g, f := runtime.NumGoroutine(), openFDs(t)
		if g <= goroutines && f <= fds {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("leak: %d goroutines (before %d), %d fds (before %d)\n%s", g, goroutines, f, fds, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPoolCloseLeaksNothing(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	behind := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	jump := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	hung := devicetest.StartProxy(t, s.Addr)
	hung.Blackhole()
	hungTarget := proxiedTarget(t, s, hung)
	jumped := keyTarget(behind)
	jumped.ProxyJump = []hosts.Target{keyTarget(jump)}
	direct := keyTarget(s)
	direct.ServerAliveInterval = 50 * time.Millisecond
	runtime.GC()
	goroutines, fds := runtime.NumGoroutine(), openFDs(t)

	for round := range 2 {
		p := NewPool(PoolOptions{})
		use(t, p, direct)
		use(t, p, jumped)
		go p.Conn(t.Context(), hungTarget)
		if round == 0 {
			if err := p.CloseKey(direct.Key()); err != nil {
				t.Fatalf("CloseKey: %v", err)
			}
		}
		if err := p.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	// The proxy keeps its side of the hung connections until sshd's login
	// grace ends; those goroutines and fds are the test bed's, not ours.
	// Close, not DropAll: a dial still on its way is refused or dropped
	// too, and Close waits for the proxy's goroutines.
	hung.Close()
	settle(t, goroutines, fds)
}

// use exercises a connection: a shell left open, an exec, and SFTP.
func use(t *testing.T, p *Pool, tg hosts.Target) {
	t.Helper()
	c := mustConn(t, p, tg)
	sh, err := c.Shell(testCtx(t, 30*time.Second), "", 0, 0)
	if err != nil {
		t.Fatalf("Shell: %v", err)
	}
	if _, err := sh.Write([]byte("echo hi\n")); err != nil {
		t.Fatalf("shell write: %v", err)
	}
	if code, err := c.Exec(testCtx(t, 30*time.Second), "true", nil, nil, nil); code != 0 || err != nil {
		t.Fatalf("Exec = %d, %v", code, err)
	}
	if _, err := c.ReadFile(testCtx(t, 30*time.Second), "/etc/hostname", ReadOptions{}); err != nil {
		t.Fatalf("ReadFile over SFTP: %v", err)
	}
}
