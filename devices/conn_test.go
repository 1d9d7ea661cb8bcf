package devices

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// keyTarget is a Target for s's current user with its client key, pinned
// to its known_hosts file and without any agent.
func keyTarget(s *devicetest.SSHD) hosts.Target {
	return hosts.Target{
		Alias:                 "sshd-" + s.Addr,
		HostName:              s.Host,
		Port:                  s.Port,
		User:                  s.User,
		IdentityFiles:         []string{s.ClientKey.Path},
		IdentityAgent:         "none",
		KnownHostsFiles:       []string{s.KnownHostsPath},
		StrictHostKeyChecking: "yes",
		ConnectTimeout:        10 * time.Second,
	}
}

// newTestPool returns a pool closed when the test ends, logging to the
// test log.
func newTestPool(t testing.TB, opts PoolOptions) *Pool {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	p := NewPool(opts)
	t.Cleanup(func() { p.Close() })
	return p
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// testCtx is a context that ends with the test, bounded so a hang fails.
func testCtx(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// mustConn dials t through p and fails the test on error.
func mustConn(tb testing.TB, p *Pool, t hosts.Target) *Conn {
	tb.Helper()
	c, _, err := p.Conn(testCtx(tb, 20*time.Second), t)
	if err != nil {
		tb.Fatalf("Pool.Conn(%q): %v", t.Key(), err)
	}
	return c
}

func TestPoolReusesConnection(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	p := newTestPool(t, PoolOptions{})
	tg := keyTarget(s)
	c1, re1, err := p.Conn(testCtx(t, 20*time.Second), tg)
	if err != nil || re1 {
		t.Fatalf("first Conn: reconnected=%v err=%v", re1, err)
	}
	c2, re2, err := p.Conn(testCtx(t, 20*time.Second), tg)
	if err != nil || re2 {
		t.Fatalf("second Conn: reconnected=%v err=%v", re2, err)
	}
	if c1 != c2 {
		t.Fatalf("second Conn for %q dialed again; want the same connection", tg.Key())
	}
	if got := p.Keys(); len(got) != 1 || got[0] != tg.Key() {
		t.Fatalf("Keys() = %q, want [%q]", got, tg.Key())
	}
	if err := p.CloseKey(tg.Key()); err != nil {
		t.Fatalf("CloseKey: %v", err)
	}
	select {
	case <-c1.Done():
	default:
		t.Fatalf("connection still alive after CloseKey")
	}
	if !errors.Is(c1.Err(), ErrClosed) {
		t.Fatalf("Err after CloseKey = %v, want ErrClosed", c1.Err())
	}
	if _, err := c1.Exec(testCtx(t, 30*time.Second), "true", nil, nil, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Exec on a closed Conn: err = %v, want ErrClosed", err)
	}
}

func TestPoolClosedRefusesConn(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	p := NewPool(PoolOptions{})
	c := mustConn(t, p, keyTarget(s))
	if err := p.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	<-c.Done()
	if _, _, err := p.Conn(testCtx(t, 5*time.Second), keyTarget(s)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Conn after Close: err = %v, want ErrClosed", err)
	}
}

func TestDialErrorsNameTheStage(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	p := newTestPool(t, PoolOptions{})
	tg := keyTarget(s)
	s.Stop()
	_, _, err := p.Conn(testCtx(t, 20*time.Second), tg)
	var de *DialError
	if !errors.As(err, &de) || de.Stage != StageConnect || !errors.Is(err, ErrDial) {
		t.Fatalf("dial to a stopped sshd: err = %v, want DialError at %q matching ErrDial", err, StageConnect)
	}
	tg.User = ""
	if _, _, err := p.Conn(testCtx(t, 5*time.Second), tg); err == nil || !strings.Contains(err.Error(), "no user") {
		t.Fatalf("dial without user: err = %v, want it to say there is no user", err)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and polling readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t testing.TB, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
