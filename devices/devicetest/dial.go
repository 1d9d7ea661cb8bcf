package devicetest

import (
	"context"
	"net"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Dial connects to addr with cfg and closes the client at cleanup.
// Failures are fatal. See DialContext for the deadline.
func Dial(t testing.TB, addr string, cfg *ssh.ClientConfig) *ssh.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout(cfg))
	defer cancel()
	c, err := DialContext(ctx, addr, cfg)
	if err != nil {
		t.Fatalf("ssh dial %s as %q: %v", addr, cfg.User, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// DialContext connects to addr with cfg. Unlike ssh.Dial, whose Timeout
// covers only the TCP connect, the key exchange and authentication are
// bounded too: by ctx's deadline, or cfg.Timeout (10 s when zero) when ctx
// has none, so a server that accepts and then stays silent cannot hang a
// test.
func DialContext(ctx context.Context, addr string, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(dialTimeout(cfg))
	}
	d := net.Dialer{Deadline: deadline}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	if !stop() && err == nil {
		// ctx ended just as the handshake finished: honour it.
		c.Close()
		return nil, ctx.Err()
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return ssh.NewClient(c, chans, reqs), nil
}

func dialTimeout(cfg *ssh.ClientConfig) time.Duration {
	if cfg.Timeout > 0 {
		return cfg.Timeout
	}
	return 10 * time.Second
}
