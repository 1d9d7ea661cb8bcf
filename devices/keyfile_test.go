package devices

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

// An identity file that is not a regular file (a FIFO would block, a
// device such as /dev/zero never ends) or that is larger than any key is
// not read: the dial says why and goes on with the other credentials.
func TestIdentityFileMustBeRegularAndSmall(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo_key")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big_key")
	if err := os.WriteFile(big, make([]byte, 3<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{fifo, big} {
		tg := keyTarget(s)
		tg.IdentityFiles = []string{bad}
		done := make(chan error, 1)
		go func() {
			_, _, err := newTestPool(t, PoolOptions{}).Conn(testCtx(t, 20*time.Second), tg)
			done <- err
		}()
		select {
		case err := <-done:
			var ae *AuthError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), filepath.Base(bad)) ||
				!(strings.Contains(err.Error(), "not a regular file") || strings.Contains(err.Error(), "larger than")) {
				t.Errorf("dial with identity file %s: err = %v, want an AuthError saying why the file was not used", bad, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("dial with identity file %s still blocked after 10 s", bad)
		}
	}
	// Beside a good key, a bad one does no harm.
	tg := keyTarget(s)
	tg.IdentityFiles = []string{fifo, "/dev/zero", s.ClientKey.Path}
	mustConn(t, newTestPool(t, PoolOptions{}), tg)
}
