package devices

import (
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

func TestSFTPReusedAndRecreated(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	c := mustConn(t, newTestPool(t, PoolOptions{}), keyTarget(s))
	ctx := testCtx(t, 30*time.Second)
	first, err := c.SFTP(ctx)
	if err != nil {
		t.Fatalf("SFTP: %v", err)
	}
	again, err := c.SFTP(ctx)
	if err != nil || again != first {
		t.Fatalf("second SFTP call = %p, %v; want the same client %p", again, err, first)
	}
	first.Close() // as if the subsystem died
	// The watcher forgets a dead client asynchronously; poll for it.
	waitFor(t, 10*time.Second, func() bool {
		cl, err := c.SFTP(ctx)
		return err == nil && cl != first
	})
	cl, err := c.SFTP(ctx)
	if err != nil {
		t.Fatalf("SFTP after the client died: %v", err)
	}
	if wd, err := cl.Getwd(); err != nil || wd == "" {
		t.Fatalf("new SFTP client Getwd = %q, %v", wd, err)
	}
}
