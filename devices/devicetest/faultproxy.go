package devicetest

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// proxyMode is what the copy loops do with the bytes they read.
type proxyMode int

const (
	modeForward   proxyMode = iota // deliver
	modePause                      // hold until the mode changes
	modeBlackhole                  // discard
)

// proxyDialTimeout bounds the connection from the proxy to its target.
const proxyDialTimeout = 10 * time.Second

// Proxy is a TCP proxy on 127.0.0.1 in front of a test server that can
// simulate network faults: a pause, a black hole, dropped connections and
// refused connections. It needs no privileges and touches no real network.
// Its methods are safe for concurrent use; a fault applies to current
// connections and to the ones that arrive while it lasts.
type Proxy struct {
	Addr string // "127.0.0.1:port" to dial instead of the target
	Host string // "127.0.0.1"
	Port int

	target string
	ln     net.Listener
	ctx    context.Context // ended by Close; bounds dials to the target
	cancel context.CancelFunc
	wg     sync.WaitGroup // the accept loop and every connection's goroutines

	mu       sync.Mutex
	mode     proxyMode
	refuse   bool
	changed  chan struct{} // closed and replaced on every mode change
	conns    map[*proxyConn]struct{}
	accepted int
	closed   bool
}

// proxyConn is one client connection and its connection to the target.
// It is registered as soon as it is accepted, so that DropAll also ends a
// connection whose dial to the target is still in progress.
type proxyConn struct {
	client net.Conn
	done   chan struct{} // closed by close

	mu     sync.Mutex
	server net.Conn // nil until the dial to the target succeeds
	closed bool
}

func (c *proxyConn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	close(c.done)
	c.client.Close()
	if c.server != nil {
		c.server.Close()
	}
}

// attach records the connection to the target, or closes it and reports
// false when the client connection was closed during the dial.
func (c *proxyConn) attach(server net.Conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		server.Close()
		return false
	}
	c.server = server
	return true
}

// StartProxy listens on 127.0.0.1:0 and forwards each connection to
// target, a host:port that must be a loopback address. Failures are fatal.
// The proxy is closed by t.Cleanup.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	host, _, err := net.SplitHostPort(target)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		t.Fatalf("StartProxy: target %q is not a loopback host:port such as 127.0.0.1:2222", target)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("StartProxy: listen on 127.0.0.1: %v", err)
	}
	p := &Proxy{
		Addr:    ln.Addr().String(),
		Host:    "127.0.0.1",
		Port:    ln.Addr().(*net.TCPAddr).Port,
		target:  target,
		ln:      ln,
		changed: make(chan struct{}),
		conns:   map[*proxyConn]struct{}{},
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.wg.Add(1)
	go p.acceptLoop()
	t.Cleanup(p.Close)
	return p
}

// Pause stops forwarding in both directions. Bytes already sent are held
// (by the proxy or in socket buffers) and delivered after Resume or Heal.
func (p *Proxy) Pause() { p.setMode(modePause) }

// Resume ends a Pause and delivers what was held. It does not end a
// Blackhole.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == modePause {
		p.setModeLocked(modeForward)
	}
}

// Blackhole makes the proxy accept bytes in both directions and deliver
// none, until Heal: what is discarded is lost, as on a path that drops
// every packet after the sender's TCP acknowledged them. Connections stay
// open, so only a deadline or a keepalive notices.
func (p *Proxy) Blackhole() { p.setMode(modeBlackhole) }

// Refuse makes new connections close as soon as they are accepted, while
// the listening port stays taken and current connections keep working.
func (p *Proxy) Refuse() {
	p.mu.Lock()
	p.refuse = true
	p.mu.Unlock()
}

// Heal ends every fault: forwarding resumes (held bytes are delivered) and
// new connections are accepted. Connections dropped before stay dropped.
func (p *Proxy) Heal() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuse = false
	p.setModeLocked(modeForward)
}

// DropAll closes every current connection on both sides; held bytes are
// lost. New connections are not affected.
func (p *Proxy) DropAll() {
	p.mu.Lock()
	conns := make([]*proxyConn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// Conns returns the number of connections currently open through the
// proxy.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// Accepted returns the number of connections accepted since StartProxy,
// refused ones included: a test can tell that a client dialed again.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Close stops listening, closes every connection and waits for all the
// proxy's goroutines. It is idempotent.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cancel()
	p.ln.Close()
	p.DropAll()
	p.wg.Wait()
}

func (p *Proxy) setMode(m proxyMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setModeLocked(m)
}

func (p *Proxy) setModeLocked(m proxyMode) {
	p.mode = m
	close(p.changed) // wake copy loops waiting out a pause
	p.changed = make(chan struct{})
}

func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// One failed accept (out of descriptors, say) is not the end
			// of the listener; pause so the retry does not spin.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		c := &proxyConn{client: client, done: make(chan struct{})}
		p.mu.Lock()
		p.accepted++
		if p.refuse || p.closed {
			p.mu.Unlock()
			client.Close()
			continue
		}
		p.conns[c] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.serve(c)
	}
}

// serve connects c to the target and runs both copy loops.
func (p *Proxy) serve(c *proxyConn) {
	defer p.wg.Done()
	defer func() {
		c.close()
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
	}()
	d := net.Dialer{Timeout: proxyDialTimeout}
	server, err := d.DialContext(p.ctx, "tcp", p.target)
	if err != nil || !c.attach(server) {
		return
	}
	var both sync.WaitGroup
	both.Add(2)
	go func() { defer both.Done(); p.pump(c, c.client, server) }()
	go func() { defer both.Done(); p.pump(c, server, c.client) }()
	both.Wait()
}

// pump copies src to dst through the fault gate. The end of src passes
// through the gate too, so a pause or a black hole also holds a FIN or a
// reset back: on a dead path, nothing about the far side gets through.
func (p *Proxy) pump(c *proxyConn, src, dst net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			write := func() bool { _, err := dst.Write(buf[:n]); return err == nil }
			if !p.gate(c, write, true) {
				c.close()
				return
			}
		}
		if err == nil {
			continue
		}
		if tcp, ok := dst.(*net.TCPConn); ok && errors.Is(err, io.EOF) {
			// Pass the half-close on; the other direction may go on.
			p.gate(c, func() bool { tcp.CloseWrite(); return true }, false)
			return
		}
		p.gate(c, func() bool { return false }, false)
		c.close()
		return
	}
}

// gate runs deliver when the proxy forwards, waits while it is paused, and
// in a black hole drops what is discardable (data) and holds the rest (the
// end of a stream). It reports false when the connection was closed
// meanwhile or deliver failed.
func (p *Proxy) gate(c *proxyConn, deliver func() bool, discardable bool) bool {
	for {
		p.mu.Lock()
		mode, changed := p.mode, p.changed
		p.mu.Unlock()
		if mode == modeForward {
			return deliver()
		}
		if mode == modeBlackhole && discardable {
			return true
		}
		select {
		case <-changed:
		case <-c.done:
			return false
		}
	}
}

// String describes the proxy for failure messages.
func (p *Proxy) String() string {
	return "fault proxy " + p.Addr + " -> " + p.target + " (" + strconv.Itoa(p.Conns()) + " connections)"
}
