package devicetest

import (
	"context"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// TestDialContextBoundsTheHandshake dials a server that accepts and never
// speaks: ssh.Dial would wait forever, DialContext must give up at the
// context's deadline.
func TestDialContextBoundsTheHandshake(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer ln.Close()
	cfg := &ssh.ClientConfig{User: "nobody", HostKeyCallback: ssh.InsecureIgnoreHostKey()}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	c, err := DialContext(ctx, ln.Addr().String(), cfg)
	if err == nil {
		c.Close()
		t.Fatalf("DialContext to a silent server succeeded")
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("DialContext error %v, want a deadline error", err)
	}

	// Cancelling without a deadline ends it as well; cfg.Timeout is the
	// fallback deadline and would take 10 s.
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel2)
	if c, err := DialContext(ctx2, ln.Addr().String(), cfg); err == nil {
		c.Close()
		t.Fatalf("DialContext after cancel succeeded")
	}
}
