package devices

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

func TestExecExitCodesAndStreams(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	c := mustConn(t, newTestPool(t, PoolOptions{}), keyTarget(s))
	cases := []struct {
		cmd            string
		code           int
		stdout, stderr string
	}{
		{"echo out; echo err >&2", 0, "out\n", "err\n"},
		{"printf 'a\\0b'; exit 1", 1, "a\x00b", ""},
		{"echo bad >&2; exit 2", 2, "", "bad\n"},
		{"no-such-command-mcpssh", 127, "", "no-such-command-mcpssh"},
		{"kill -INT $$", 130, "", ""},
	}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		code, err := c.Exec(testCtx(t, 30*time.Second), tc.cmd, nil, &out, &errb)
		if err != nil {
			t.Errorf("Exec(%q): %v", tc.cmd, err)
			continue
		}
		if code != tc.code || out.String() != tc.stdout || !strings.Contains(errb.String(), tc.stderr) {
			t.Errorf("Exec(%q) = %d, stdout %q, stderr %q; want %d, %q, stderr containing %q",
				tc.cmd, code, out.String(), errb.String(), tc.code, tc.stdout, tc.stderr)
		}
	}
}

func TestExecStdin(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	c := mustConn(t, newTestPool(t, PoolOptions{}), keyTarget(s))
	in := bytes.Repeat([]byte("line of input\n"), 10000)
	var out bytes.Buffer
	code, err := c.Exec(testCtx(t, 20*time.Second), "cat", bytes.NewReader(in), &out, nil)
	if err != nil || code != 0 {
		t.Fatalf("Exec(cat) = %d, %v", code, err)
	}
	if !bytes.Equal(out.Bytes(), in) {
		t.Fatalf("cat returned %d bytes, want the %d sent", out.Len(), len(in))
	}
}

func TestExecCancelInterrupts(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	c := mustConn(t, newTestPool(t, PoolOptions{}), keyTarget(s))
	ctx, cancel := context.WithCancel(testCtx(t, 30*time.Second))
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		_, err := c.Exec(ctx, "echo started; sleep 60", nil, &out, nil)
		done <- err
	}()
	waitFor(t, 10*time.Second, func() bool { return strings.Contains(out.String(), "started") })
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Exec: err = %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("Exec did not return after its context was cancelled")
	}
	// The connection stays usable.
	if code, err := c.Exec(testCtx(t, 30*time.Second), "exit 7", nil, nil, nil); code != 7 || err != nil {
		t.Fatalf("Exec after a cancelled one = %d, %v; want 7, nil", code, err)
	}
}

func TestShellRoundTrip(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	c := mustConn(t, newTestPool(t, PoolOptions{}), keyTarget(s))
	sh, err := c.Shell(testCtx(t, 30*time.Second), "dumb", 0, 0)
	if err != nil {
		t.Fatalf("Shell: %v", err)
	}
	defer sh.Close()
	if _, err := io.WriteString(sh, "stty -echo; echo \"cols=$(tput cols 2>/dev/null || stty size)\"; echo err >&2; exit 3\n"); err != nil {
		t.Fatalf("write to shell: %v", err)
	}
	out, err := io.ReadAll(sh)
	if err != nil {
		t.Fatalf("read shell output: %v", err)
	}
	if !strings.Contains(string(out), "err") || !strings.Contains(string(out), "512") {
		t.Fatalf("shell output %q: want the stderr line and the 512-column width", out)
	}
	var exit *ssh.ExitError
	if err := sh.Wait(); !errors.As(err, &exit) || exit.ExitStatus() != 3 {
		t.Fatalf("Shell.Wait() = %v, want exit status 3", err)
	}
	select {
	case <-sh.Done():
	default:
		t.Fatalf("Done not closed after Wait returned")
	}
}
