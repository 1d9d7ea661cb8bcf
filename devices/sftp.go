package devices

import (
	"context"
	"fmt"

	"github.com/pkg/sftp"
)

// SFTP returns the connection's SFTP client, starting the sftp subsystem
// on first use and again after the client died. The client is shared by
// every caller of this Conn: do not Close it (Conn.Close ends it). Callers
// waiting for a client being started wait at most until their own ctx ends
// or the starting caller's does.
func (c *Conn) SFTP(ctx context.Context) (*sftp.Client, error) {
	c.sftpMu.Lock()
	defer c.sftpMu.Unlock()
	if c.sftp != nil {
		return c.sftp, nil
	}
	cl, err := await(ctx, c, func() (*sftp.Client, error) { return sftp.NewClient(c.client) },
		func(cl *sftp.Client) { cl.Close() })
	if err != nil {
		return nil, fmt.Errorf("sftp on %s: %w", c.target.Key(), err)
	}
	if !c.track() {
		cl.Close()
		return nil, c.deadErr()
	}
	c.sftp = cl
	// Forget the client once it ends (the server closed the subsystem, a
	// cancelled file operation closed it, or the connection died), so
	// the next call starts a fresh one.
	go func() {
		defer c.wg.Done()
		cl.Wait()
		c.sftpMu.Lock()
		if c.sftp == cl {
			c.sftp = nil
		}
		c.sftpMu.Unlock()
	}()
	return cl, nil
}

// withSFTP runs fn with the SFTP client, closing the client if ctx ends
// first: pkg/sftp calls take no context, and closing is the only way to
// stop one. The next call starts a new client.
func (c *Conn) withSFTP(ctx context.Context, fn func(cl *sftp.Client) error) error {
	cl, err := c.SFTP(ctx)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { cl.Close() })
	err = fn(cl)
	if !stop() {
		return fmt.Errorf("sftp on %s: %w", c.target.Key(), context.Cause(ctx))
	}
	return err
}
