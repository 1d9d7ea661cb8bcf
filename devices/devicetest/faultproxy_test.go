package devicetest

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// quiet is how long a read waits for bytes that must not arrive. A read
// deadline, not a timing assertion: a late byte would still be an error
// at the next read.
const quiet = 300 * time.Millisecond

// startEcho serves a TCP echo on 127.0.0.1 until cleanup, which waits for
// its goroutines.
func startEcho(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				io.Copy(c, c)
				c.Close()
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

func dialTCP(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip writes msg and reads the same number of bytes back.
func roundTrip(t testing.TB, c net.Conn, msg string) {
	t.Helper()
	write(t, c, msg)
	if got := readN(t, c, len(msg)); got != msg {
		t.Fatalf("echo of %q = %q", msg, got)
	}
}

func write(t testing.TB, c net.Conn, msg string) {
	t.Helper()
	c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatalf("write %q: %v", msg, err)
	}
}

func readN(t testing.TB, c net.Conn, n int) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, n)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	return string(buf)
}

// expectSilence fails unless a read on c times out with nothing read.
func expectSilence(t testing.TB, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(quiet))
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read during fault = %q, %v; want nothing until the deadline", buf[:n], err)
	}
}

// expectClosed fails unless c is closed by its peer (EOF or reset).
func expectClosed(t testing.TB, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := c.Read(make([]byte, 64))
	if n > 0 || err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read = %d bytes, %v; want EOF or a reset", n, err)
	}
}

func TestProxyForwards(t *testing.T) {
	t.Parallel()
	p := StartProxy(t, startEcho(t))
	c := dialTCP(t, p.Addr)
	roundTrip(t, c, "hello")
	if p.Host != "127.0.0.1" || !strings.HasPrefix(p.Addr, "127.0.0.1:") || p.Port == 0 {
		t.Errorf("proxy address Host %q Addr %q Port %d", p.Host, p.Addr, p.Port)
	}
	if p.Conns() != 1 || p.Accepted() != 1 {
		t.Errorf("Conns %d Accepted %d, want 1 1", p.Conns(), p.Accepted())
	}
}

func TestProxyPauseHoldsThenDelivers(t *testing.T) {
	t.Parallel()
	p := StartProxy(t, startEcho(t))
	c := dialTCP(t, p.Addr)
	roundTrip(t, c, "before")
	p.Pause()
	write(t, c, "held bytes")
	expectSilence(t, c)
	p.Resume()
	if got := readN(t, c, len("held bytes")); got != "held bytes" {
		t.Errorf("after Resume read %q, want the held %q", got, "held bytes")
	}
	roundTrip(t, c, "after")
}

func TestProxyPauseAppliesToNewConnections(t *testing.T) {
	t.Parallel()
	p := StartProxy(t, startEcho(t))
	p.Pause()
	c := dialTCP(t, p.Addr)
	write(t, c, "x")
	expectSilence(t, c)
	p.Heal()
	if got := readN(t, c, 1); got != "x" {
		t.Errorf("after Heal read %q, want %q", got, "x")
	}
}

func TestProxyBlackholeDiscards(t *testing.T) {
	t.Parallel()
	p := StartProxy(t, startEcho(t))
	c := dialTCP(t, p.Addr)
	roundTrip(t, c, "before")
	p.Blackhole()
	write(t, c, "lost") // accepted: the writer cannot tell
	expectSilence(t, c)
	p.Resume() // a Resume does not end a black hole
	expectSilence(t, c)
	p.Heal()
	// What went into the hole is gone: the next echo is only the new bytes.
	roundTrip(t, c, "next")
}

func TestProxyDropAll(t *testing.T) {
	t.Parallel()
	p := StartProxy(t, startEcho(t))
	a, b := dialTCP(t, p.Addr), dialTCP(t, p.Addr)
	roundTrip(t, a, "a")
	roundTrip(t, b, "b")
	p.DropAll()
	expectClosed(t, a)
	expectClosed(t, b)
	roundTrip(t, dialTCP(t, p.Addr), "new connections still work")
}

func TestProxyDropAllWhilePaused(t *testing.T) {
	t.Parallel()
	p := StartProxy(t, startEcho(t))
	c := dialTCP(t, p.Addr)
	roundTrip(t, c, "a")
	p.Pause()
	write(t, c, "held")
	p.DropAll()
	expectClosed(t, c)
}

func TestProxyRefuse(t *testing.T) {
	t.Parallel()
	p := StartProxy(t, startEcho(t))
	old := dialTCP(t, p.Addr)
	roundTrip(t, old, "old")
	p.Refuse()
	expectClosed(t, dialTCP(t, p.Addr))
	roundTrip(t, old, "old still works")
	p.Heal()
	roundTrip(t, dialTCP(t, p.Addr), "healed")
	if p.Accepted() != 3 {
		t.Errorf("Accepted = %d, want 3", p.Accepted())
	}
}

func TestProxyCloseEndsEverything(t *testing.T) {
	t.Parallel()
	p := StartProxy(t, startEcho(t))
	c := dialTCP(t, p.Addr)
	roundTrip(t, c, "a")
	p.Pause()
	write(t, c, "held")
	p.Close() // must not wait for the paused copy loop forever
	p.Close()
	expectClosed(t, c)
	if conn, err := net.DialTimeout("tcp", p.Addr, 10*time.Second); err == nil {
		conn.Close()
		t.Errorf("dial %s after Close succeeded", p.Addr)
	}
}

func TestProxyRejectsNonLoopbackTarget(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"192.0.2.1:22", "example.com:22", "127.0.0.1"} {
		r := callRecorded(t, func(tb testing.TB) { StartProxy(tb, target) })
		if !r.fatal || !strings.Contains(r.msg, target) {
			t.Errorf("StartProxy(%q): fatal %v message %q, want a fatal naming the target", target, r.fatal, r.msg)
		}
	}
}

// TestProxySSH observes the faults with an SSH client to a real sshd.
func TestProxySSH(t *testing.T) {
	t.Parallel()
	s := StartSSHD(t, SSHDOptions{})
	p := StartProxy(t, s.Addr)
	c := Dial(t, p.Addr, s.ClientConfig(s.User))
	if got := run(t, c, "echo via proxy"); got != "via proxy" {
		t.Fatalf("through the proxy: %q", got)
	}

	p.Refuse()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c2, err := DialContext(ctx, p.Addr, s.ClientConfig(s.User)); err == nil {
		c2.Close()
		t.Fatalf("dial through a refusing proxy succeeded")
	}
	if got := run(t, c, "echo still"); got != "still" {
		t.Errorf("existing connection while refusing: %q", got)
	}

	p.Heal()
	p.DropAll()
	waitEnded(t, c)
	c3 := Dial(t, p.Addr, s.ClientConfig(s.User))
	if got := run(t, c3, "echo again"); got != "again" {
		t.Errorf("after DropAll a new connection: %q", got)
	}
}

func TestProxySSHBlackholeSilencesKeepalive(t *testing.T) {
	t.Parallel()
	s := StartSSHD(t, SSHDOptions{})
	p := StartProxy(t, s.Addr)
	c := Dial(t, p.Addr, s.ClientConfig(s.User))
	if _, _, err := c.SendRequest("keepalive@openssh.com", true, nil); err != nil {
		t.Fatalf("keepalive before the fault: %v", err)
	}
	p.Blackhole()
	replied := make(chan error, 1)
	go func() {
		_, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
		replied <- err
	}()
	select {
	case err := <-replied:
		t.Fatalf("keepalive answered through a black hole (err %v)", err)
	case <-time.After(quiet):
	}
	p.DropAll() // the only way out for the waiting request, as on a real dead path
	if err := <-replied; err == nil {
		t.Errorf("keepalive succeeded after DropAll")
	}
}

// TestProxyBlackholeHidesTheFarEnd checks that a server closing its side
// during a black hole is not seen by the client until Heal.
func TestProxyBlackholeHidesTheFarEnd(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer ln.Close()
	p := StartProxy(t, ln.Addr().String())
	c := dialTCP(t, p.Addr)
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	server, err := ln.Accept()
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	write(t, server, "hi")
	if got := readN(t, c, 2); got != "hi" {
		t.Fatalf("before the fault read %q", got)
	}
	p.Blackhole()
	server.Close()
	expectSilence(t, c)
	p.Heal()
	expectClosed(t, c)
}
