package devices

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// Sentinel errors of the connection layer; match them with errors.Is.
var (
	// ErrClosed means the connection (or the pool) was closed by its owner.
	ErrClosed = errors.New("devices: connection closed")
	// ErrTimeout means a deadline passed; DialError says at which stage.
	ErrTimeout = errors.New("devices: timed out")
	// ErrDial means the host could not be reached or the SSH handshake failed.
	ErrDial = errors.New("devices: cannot connect")
)

const (
	connectTimeoutDefault = 15 * time.Second
	defaultPort           = 22
)

// DialStage names the step of a dial that failed.
type DialStage string

// The stages of a dial, in order.
const (
	StageConnect   DialStage = "connect"   // TCP connect (or the jump host's forward)
	StageHandshake DialStage = "handshake" // SSH version exchange and key exchange
	StageAuth      DialStage = "auth"      // user authentication
)

// DialError reports a dial that failed for a reason other than a refused
// host key (HostKeyError) or refused credentials (AuthError). It matches
// ErrTimeout when the deadline passed and ErrDial otherwise.
type DialError struct {
	Addr    string    // host:port dialed
	Via     string    // key of the jump host it was dialed through; "" when direct
	Stage   DialStage // where it failed
	Elapsed time.Duration
	Timeout bool // the ConnectTimeout or the caller's deadline passed
	Err     error
}

func (e *DialError) Error() string {
	via := ""
	if e.Via != "" {
		via = " via " + e.Via
	}
	what := "failed"
	if e.Timeout {
		what = "timed out"
	}
	return fmt.Sprintf("ssh %s%s: %s %s after %s: %v", e.Addr, via, e.Stage, what,
		e.Elapsed.Round(time.Millisecond), e.Err)
}

// Unwrap exposes both the sentinel (ErrTimeout or ErrDial) and the cause.
func (e *DialError) Unwrap() []error {
	if e.Timeout {
		return []error{ErrTimeout, e.Err}
	}
	return []error{ErrDial, e.Err}
}

// Conn is one live SSH connection to a target, shared by that target's
// shells, exec channels and SFTP client. It is safe for concurrent use. A
// Conn never comes back to life: once Done is closed, ask the Pool for a
// new one.
type Conn struct {
	target hosts.Target
	client *ssh.Client
	hops   []*ssh.Client // jump host clients, first hop first
	logger *slog.Logger

	done      chan struct{}
	closeOnce sync.Once
	err       atomic.Pointer[error]
	wg        sync.WaitGroup // every goroutine this Conn started
	trackMu   sync.Mutex     // orders wg.Add against the end (see track); guards shells
	ended     bool
	shells    map[*Shell]struct{} // open shells, whose output pipes Close must unblock

	sftpMu sync.Mutex
	sftp   *sftpConn // nil until first use and after the client ended
}

func newConn(t hosts.Target, client *ssh.Client, hops []*ssh.Client, logger *slog.Logger) *Conn {
	c := &Conn{target: t, client: client, hops: hops, logger: logger, done: make(chan struct{})}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		err := client.Wait()
		if err == nil {
			err = io.EOF
		}
		c.closeWith(fmt.Errorf("connection lost: %w", err))
	}()
	c.startKeepalive()
	return c
}

// Target returns the target this connection was dialed for.
func (c *Conn) Target() hosts.Target { return c.target }

// Client returns the underlying SSH client. Closing it ends the Conn.
func (c *Conn) Client() *ssh.Client { return c.client }

// Done returns a channel closed when the connection died or was closed.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err says why the connection ended (for example a keepalive timeout or
// the server closing it); nil while it is alive, ErrClosed after Close.
func (c *Conn) Err() error {
	if p := c.err.Load(); p != nil {
		return *p
	}
	return nil
}

// alive reports whether the connection has not ended yet.
func (c *Conn) alive() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// Close ends the connection and every channel on it, and waits for the
// goroutines the Conn started. It is safe to call more than once.
func (c *Conn) Close() error {
	c.closeWith(ErrClosed)
	// A shell whose output nobody reads keeps its copy goroutine blocked
	// on the pipe; closing the pipes lets every goroutine end.
	c.trackMu.Lock()
	for sh := range c.shells {
		sh.out.CloseWithError(ErrClosed)
	}
	c.trackMu.Unlock()
	done := make(chan struct{})
	go func() {
		c.wg.Wait()
		close(done)
	}()
	t := time.NewTimer(closeWaitLimit)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		// x/crypto can leave a channel open request waiting for ever when
		// the connection dies at the moment it is sent; that goroutine is
		// beyond our reach, and Close must not hang on it.
		c.logger.Warn("connection closed with a channel request still pending in the SSH library", "key", c.target.Key())
	}
	return nil
}

// closeWaitLimit bounds how long Close waits for the goroutines of a
// connection that is already torn down.
const closeWaitLimit = 10 * time.Second

// closeWith records why the connection ended (first reason wins) and
// releases the network resources. It does not wait, so the Conn's own
// goroutines may call it.
func (c *Conn) closeWith(reason error) {
	c.closeOnce.Do(func() {
		c.trackMu.Lock()
		c.ended = true
		c.trackMu.Unlock()
		c.err.Store(&reason)
		close(c.done)
		c.client.Close()
		for i := len(c.hops) - 1; i >= 0; i-- {
			c.hops[i].Close()
		}
		if !errors.Is(reason, ErrClosed) {
			c.logger.Info("connection ended", "key", c.target.Key(), "reason", reason)
		}
	})
}

// dialEnv is what a dial needs besides the target.
type dialEnv struct {
	logger *slog.Logger
	agent  agentFunc
}

// dialClient connects to t, through via when it is not nil, and returns an
// authenticated client. TCP connect, handshake and authentication share
// one deadline: t.ConnectTimeout (default 15 s) or ctx's, whichever is
// earlier.
func (env dialEnv) dialClient(ctx context.Context, via *ssh.Client, t hosts.Target) (*ssh.Client, error) {
	d := &dialAttempt{start: time.Now(), addr: targetAddr(t), via: via}
	switch {
	case t.HostName == "":
		return nil, d.fail(ctx, StageConnect, errors.New("no host name to dial: pass host or set HostName in ~/.ssh/config"))
	case t.User == "":
		return nil, d.fail(ctx, StageConnect, errors.New("no user name: set User in ~/.ssh/config or pass username"))
	}
	timeout := t.ConnectTimeout
	if timeout <= 0 {
		timeout = connectTimeoutDefault
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	hk, err := newHostKeys(ctx, t, env.logger)
	if err != nil {
		return nil, err
	}
	nc, err := dialTCP(ctx, via, d.addr)
	if err != nil {
		return nil, d.fail(ctx, StageConnect, err)
	}
	// x/crypto's own Timeout covers only the TCP connect, and a forwarded
	// channel has no deadlines at all: closing the conn when the context
	// ends is what bounds the handshake on both paths.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	auth := newAuthPlan(ctx, t, env)
	defer auth.close()
	cfg := &ssh.ClientConfig{
		Config:            ssh.Config{Ciphers: t.Ciphers, KeyExchanges: t.KexAlgorithms, MACs: t.MACs},
		User:              t.User,
		Auth:              auth.methods(),
		AuthCallback:      auth.observe,
		HostKeyCallback:   hk.check,
		HostKeyAlgorithms: t.HostKeyAlgorithms,
	}
	if cfg.HostKeyAlgorithms == nil {
		cfg.HostKeyAlgorithms = hk.algorithms(d.addr)
	}
	sc, chans, reqs, err := ssh.NewClientConn(nc, d.addr, cfg)
	if !stop() && err == nil {
		sc.Close()
		err = context.Cause(ctx)
	}
	if err == nil {
		return ssh.NewClient(sc, chans, reqs), nil
	}
	nc.Close()
	var hkErr *HostKeyError
	switch {
	case errors.As(err, &hkErr):
		return nil, hkErr
	case !hk.accepted():
		return nil, d.fail(ctx, StageHandshake, err)
	case ctx.Err() == nil && auth.attempted():
		return nil, auth.failure(d.addr, err)
	}
	return nil, d.fail(ctx, StageAuth, err)
}

// dialAttempt carries what a DialError reports.
type dialAttempt struct {
	start time.Time
	addr  string
	via   *ssh.Client
}

// fail builds the DialError for a failure at stage. When ctx ended, its
// cause replaces the "use of closed connection" that closing produced.
func (d *dialAttempt) fail(ctx context.Context, stage DialStage, err error) error {
	e := &DialError{Addr: d.addr, Stage: stage, Elapsed: time.Since(d.start), Err: err}
	if ctx.Err() != nil {
		e.Err = context.Cause(ctx)
		e.Timeout = errors.Is(e.Err, context.DeadlineExceeded)
	}
	if d.via != nil {
		e.Via = fmt.Sprintf("%s@%s", d.via.User(), d.via.RemoteAddr())
	}
	return e
}

func dialTCP(ctx context.Context, via *ssh.Client, addr string) (net.Conn, error) {
	if via != nil {
		return via.DialContext(ctx, "tcp", addr)
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return quickAck(nc), nil
}

// targetAddr is the host:port that is dialed and checked in known_hosts.
func targetAddr(t hosts.Target) string {
	port := t.Port
	if port == 0 {
		port = defaultPort
	}
	return net.JoinHostPort(t.HostName, strconv.Itoa(port))
}
