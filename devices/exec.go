package devices

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// interruptGrace is how long Exec waits for a command to exit after SIGINT
// before it closes the channel.
const interruptGrace = 2 * time.Second

// Exec runs cmd in an exec channel and returns its exit status. stdin may
// be nil (the command reads EOF); it must reach EOF by itself, since the
// channel waits for it. stdout and stderr may be nil (discarded) and
// receive nothing after Exec returns. A command that exits on a signal
// returns 128+signal, as a shell reports it. The error is nil whenever the
// command ran and exited; it is set when the channel failed, the server sent
// no exit status, or ctx ended (then the command got SIGINT, and the channel
// is closed if it did not exit within a short grace).
func (c *Conn) Exec(ctx context.Context, cmd string, stdin io.Reader, stdout, stderr io.Writer) (exitCode int, err error) {
	sess, err := await(ctx, c, c.client.NewSession, func(s *ssh.Session) { s.Close() })
	if err != nil {
		return -1, fmt.Errorf("exec on %s: open channel: %w", c.target.Key(), channelErr(err))
	}
	defer sess.Close()
	out, errw := &gatedWriter{w: stdout}, &gatedWriter{w: stderr}
	defer out.shut()
	defer errw.shut()
	sess.Stdin, sess.Stdout, sess.Stderr = stdin, out, errw
	if _, err := await(ctx, c, func() (struct{}, error) { return struct{}{}, sess.Start(cmd) }, nil); err != nil {
		return -1, fmt.Errorf("exec on %s: start: %w", c.target.Key(), err)
	}
	if !c.track() {
		return -1, c.deadErr()
	}
	waited := make(chan error, 1)
	go func() {
		defer c.wg.Done()
		waited <- sess.Wait()
	}()
	select {
	case err := <-waited:
		return exitStatus(err)
	case <-ctx.Done():
	}
	// Interrupt as Ctrl+C would and give the command a moment to exit;
	// then the deferred Close gives up on the channel.
	sess.Signal(ssh.SIGINT)
	timer := time.NewTimer(interruptGrace)
	defer timer.Stop()
	code := -1
	select {
	case err := <-waited:
		code, _ = exitStatus(err)
	case <-timer.C:
	case <-c.done:
	}
	return code, fmt.Errorf("exec on %s: %w", c.target.Key(), context.Cause(ctx))
}

// exitStatus turns the error of ssh.Session.Wait into an exit status.
func exitStatus(err error) (int, error) {
	var exit *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		return exit.ExitStatus(), nil
	case errors.As(err, &missing):
		return -1, errors.New("the server closed the channel without an exit status")
	}
	return -1, err
}

// await runs fn in a goroutine owned by c and returns its result, or
// ctx's error when ctx ends first, or an error wrapping ErrClosed when c
// ends first. A request on a silent connection blocks
// until the connection dies, so the goroutine is left to finish then;
// cleanup (when not nil) receives a result nobody waited for.
func await[T any](ctx context.Context, c *Conn, fn func() (T, error), cleanup func(T)) (T, error) {
	var zero T
	if !c.track() {
		return zero, c.deadErr()
	}
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	var mu sync.Mutex
	abandoned := false
	go func() {
		defer c.wg.Done()
		v, err := fn()
		mu.Lock()
		defer mu.Unlock()
		if abandoned {
			if err == nil && cleanup != nil {
				cleanup(v)
			}
			return
		}
		ch <- result{v, err}
	}()
	// A request on a connection that dies meanwhile can stay unanswered
	// for ever in x/crypto, so the connection's end also ends the wait.
	var cause error
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		cause = context.Cause(ctx)
	case <-c.done:
		cause = c.deadErr()
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case r := <-ch: // finished while we were deciding
		return r.v, r.err
	default:
	}
	abandoned = true
	return zero, cause
}

// track counts a new goroutine in c.wg unless the connection has ended,
// so that Close's Wait never races with a late Add.
func (c *Conn) track() bool {
	c.trackMu.Lock()
	defer c.trackMu.Unlock()
	if c.ended {
		return false
	}
	c.wg.Add(1)
	return true
}

// deadErr is the error for work asked of a connection that has ended.
func (c *Conn) deadErr() error {
	if err := c.Err(); err != nil && !errors.Is(err, ErrClosed) {
		return fmt.Errorf("%w: %v", ErrClosed, err)
	}
	return ErrClosed
}

// gatedWriter forwards writes until shut, then drops them, so that the
// copy goroutines of an abandoned session never touch the caller's writer
// after Exec returned.
type gatedWriter struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w == nil || g.closed {
		return len(p), nil
	}
	return g.w.Write(p)
}

func (g *gatedWriter) shut() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// Shell is an interactive shell channel with a PTY. Read returns the
// session's output (stdout and stderr together, as the PTY merges them
// anyway) until the shell ends; Write types into it. Reads and writes may
// run in different goroutines; Write is not meant for concurrent callers
// (their bytes could interleave).
type Shell struct {
	sess  *ssh.Session
	out   *io.PipeReader
	stdin io.WriteCloser
	done  chan struct{}
	err   error // set before done is closed
}

// Shell opens an interactive shell with a PTY of type term ("" means
// "xterm") and size cols×rows (zero means 512×50: wide, so that long
// commands do not wrap).
func (c *Conn) Shell(ctx context.Context, term string, cols, rows int) (*Shell, error) {
	if term == "" {
		term = "xterm"
	}
	if cols <= 0 {
		cols = 512
	}
	if rows <= 0 {
		rows = 50
	}
	sess, err := await(ctx, c, c.client.NewSession, func(s *ssh.Session) { s.Close() })
	if err != nil {
		return nil, fmt.Errorf("shell on %s: open channel: %w", c.target.Key(), channelErr(err))
	}
	pr, pw := io.Pipe()
	sess.Stdout, sess.Stderr = pw, pw
	stdin, err := sess.StdinPipe()
	if err == nil {
		modes := ssh.TerminalModes{ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
		_, err = await(ctx, c, func() (struct{}, error) {
			if err := sess.RequestPty(term, rows, cols, modes); err != nil {
				return struct{}{}, fmt.Errorf("request pty: %w", err)
			}
			return struct{}{}, sess.Shell()
		}, nil)
	}
	sh := &Shell{sess: sess, out: pr, stdin: stdin, done: make(chan struct{})}
	if err == nil && !c.addShell(sh) {
		err = c.deadErr()
	}
	if err != nil {
		sess.Close()
		pr.Close()
		return nil, fmt.Errorf("shell on %s: %w", c.target.Key(), err)
	}
	go func() {
		defer c.wg.Done()
		sh.err = sess.Wait()
		pw.Close()
		c.trackMu.Lock()
		delete(c.shells, sh)
		c.trackMu.Unlock()
		close(sh.done)
	}()
	return sh, nil
}

// addShell registers sh and counts its goroutine, unless c has ended.
func (c *Conn) addShell(sh *Shell) bool {
	c.trackMu.Lock()
	defer c.trackMu.Unlock()
	if c.ended {
		return false
	}
	if c.shells == nil {
		c.shells = map[*Shell]struct{}{}
	}
	c.shells[sh] = struct{}{}
	c.wg.Add(1)
	return true
}

// Read reads the shell's output; it returns io.EOF after the shell ended
// and its output was read.
func (s *Shell) Read(p []byte) (int, error) { return s.out.Read(p) }

// Write sends input to the shell. It blocks while the remote side does not
// read (SSH flow control).
func (s *Shell) Write(p []byte) (int, error) { return s.stdin.Write(p) }

// Signal sends a signal to the remote process (OpenSSH delivers it to the
// shell's process). Ctrl+C is better typed as "\x03" into a PTY.
func (s *Shell) Signal(sig ssh.Signal) error { return s.sess.Signal(sig) }

// Resize tells the PTY its new size.
func (s *Shell) Resize(cols, rows int) error { return s.sess.WindowChange(rows, cols) }

// Done is closed when the shell has ended.
func (s *Shell) Done() <-chan struct{} { return s.done }

// Wait blocks until the shell ends and returns nil when it exited with
// status 0, an *ssh.ExitError with its status otherwise, or the channel's
// error. It returns when the connection dies too.
func (s *Shell) Wait() error {
	<-s.done
	return s.err
}

// Close closes the channel and makes pending Reads return. It does not
// wait for the shell to end: on a silent connection that happens only
// when the connection is closed.
func (s *Shell) Close() error {
	err := s.sess.Close()
	s.out.Close()
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return err
}

// channelErr classifies a failure to open a channel: x/crypto answers EOF
// when the connection under it is gone, which can happen before the
// connection's own reader has noticed; callers test for ErrClosed.
func channelErr(err error) error {
	if errors.Is(err, io.EOF) && !errors.Is(err, ErrClosed) {
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return err
}
