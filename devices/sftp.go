package devices

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// SFTP returns the connection's SFTP client, starting the sftp subsystem
// on first use and again after the client died. The client is shared by
// every caller of this Conn: do not Close it (Conn.Close ends it). Callers
// waiting for a client being started wait at most until their own ctx ends
// or the starting caller's does.
func (c *Conn) SFTP(ctx context.Context) (*sftp.Client, error) {
	sc, err := c.sftpConn(ctx)
	if err != nil {
		return nil, err
	}
	return sc.cl, nil
}

// sftpConn is an SFTP client with the channel it runs on and the pipe
// that carries the channel's output to the client.
type sftpConn struct {
	cl      *sftp.Client
	sess    *ssh.Session
	out     *io.PipeReader
	aborted atomic.Bool // the next call must not use it, even before Wait notices
}

// abort ends the client at once. Closing the client alone only closes its
// input and waits for the server's output to end, and closing the channel
// does not end that output either while the server lives: a server stuck
// in a call (an open of a FIFO) would keep the channel, and every call
// waiting on it, until it is unstuck, which may be never. So abort kills
// the server, ends the pipe the client reads so that every waiting call
// fails whatever the server does, and then closes the channel and the
// client.
func (s *sftpConn) abort() {
	s.aborted.Store(true)
	s.sess.Signal(ssh.SIGKILL)
	s.out.CloseWithError(ErrClosed)
	s.sess.Close()
	s.cl.Close()
}

func (c *Conn) sftpConn(ctx context.Context) (*sftpConn, error) {
	c.sftpMu.Lock()
	defer c.sftpMu.Unlock()
	if c.sftp != nil && !c.sftp.aborted.Load() {
		return c.sftp, nil
	}
	sc, err := await(ctx, c, func() (*sftpConn, error) { return startSFTP(c.client) }, (*sftpConn).abort)
	if err != nil {
		return nil, fmt.Errorf("sftp on %s: %w", c.target.Key(), err)
	}
	if !c.track() {
		sc.abort()
		return nil, c.deadErr()
	}
	c.sftp = sc
	// Forget the client once it ends (the server closed the subsystem, a
	// cancelled file operation closed it, or the connection died), so
	// the next call starts a fresh one.
	go func() {
		defer c.wg.Done()
		sc.cl.Wait()
		sc.sess.Close()
		c.sftpMu.Lock()
		if c.sftp == sc {
			c.sftp = nil
		}
		c.sftpMu.Unlock()
	}()
	return sc, nil
}

// startSFTP is sftp.NewClient keeping the channel and putting a pipe we
// can close between the channel's output and the client (see abort).
func startSFTP(client *ssh.Client) (*sftpConn, error) {
	sess, err := client.NewSession()
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*sftpConn, error) {
		sess.Close()
		return nil, err
	}
	w, err := sess.StdinPipe()
	if err != nil {
		return fail(err)
	}
	r, err := sess.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	if err := sess.RequestSubsystem("sftp"); err != nil {
		return fail(err)
	}
	// The copy ends with the channel, or once abort closed the pipe.
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, r)
		pw.CloseWithError(err)
	}()
	cl, err := sftp.NewClientPipe(pr, w)
	if err != nil {
		pr.Close()
		return fail(err)
	}
	return &sftpConn{cl: cl, sess: sess, out: pr}, nil
}

// sftpCallLimit bounds a file call whose context has no deadline: the
// SFTP server answers one request at a time, so a call it never answers
// (a name swapped for a FIFO after it was checked, a hung file system)
// would hold every file call to the host. It is long enough for the
// largest transfer (DefaultMaxFileBytes) over a slow link.
const sftpCallLimit = 5 * time.Minute

// withSFTP runs fn with the SFTP client, aborting the client if ctx ends
// first (or sftpCallLimit passes, when ctx has no deadline): pkg/sftp calls
// take no context, and aborting is the only way to stop one. The next call
// starts a new client.
func (c *Conn) withSFTP(ctx context.Context, fn func(cl *sftp.Client) error) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, sftpCallLimit,
			fmt.Errorf("%w: no answer from the SFTP server within %s (a file that blocks, or a hung file system?)", ErrTimeout, sftpCallLimit))
		defer cancel()
	}
	sc, err := c.sftpConn(ctx)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, sc.abort)
	err = fn(sc.cl)
	if !stop() {
		return fmt.Errorf("sftp on %s: %w", c.target.Key(), context.Cause(ctx))
	}
	return err
}
