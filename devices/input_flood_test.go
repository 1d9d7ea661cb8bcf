package devices

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// floodInput sends megabytes of lines to c, a program that reads none:
// they fill the terminal, sshd's buffer and the channel's window, and the
// write blocks.
// Each line, were a shell ever to run it, would create marker.
func floodInput(t *testing.T, c *Command, marker string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := c.SendInput(ctx, strings.Repeat("touch "+marker+"\n", 3<<20/(len(marker)+7))); err == nil {
		t.Fatal("3.5 MiB of input to a program that reads none went through; the test needs a blocked write")
	}
}

// TestInputFloodInterrupt: after input that cannot be delivered, Ctrl+C
// cannot reach the command either; interrupting it hangs its shell up, and
// the next command gets a new shell in the same directory, with none of
// the flooded lines run as commands.
func TestInputFloodInterrupt(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	marker := fmt.Sprintf("/tmp/mcpssh-flooded-%d", time.Now().UnixNano())
	t.Cleanup(func() { os.Remove(marker) })
	h.start(t, "bash", "flood", "cd /usr", RunOptions{})
	c := h.start(t, "bash", "flood", "sleep 600", RunOptions{})
	waitStatus(t, c, StatusRunning)
	floodInput(t, c, marker)

	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	if err := c.Interrupt(ctx); err != nil {
		t.Fatalf("Interrupt after a blocked write: %v", err)
	}
	info := waitDoneWithin(t, c, 15*time.Second)
	if info.Status != StatusInterrupted || !errors.Is(info.Err, ErrClosed) || !strings.Contains(info.Err.Error(), "hung up") {
		t.Errorf("interrupted flood: status %s err %v; want interrupted, the shell hung up", info.Status, info.Err)
	}
	next := h.start(t, "bash", "flood", "echo after", RunOptions{})
	info = waitDone(t, next)
	if out := output(t, next); info.Status != StatusCompleted || out != "after\n" || info.Cwd != "/usr" {
		t.Errorf("next command: status %s output %q cwd %q; want completed, \"after\", cwd /usr", info.Status, out, info.Cwd)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("a flooded line ran as a command: %s exists", marker)
	}
}

// TestInputFloodClose: closing a session whose input is stuck returns
// promptly and ends its command.
func TestInputFloodClose(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	c := h.start(t, "bash", "flood", "sleep 600", RunOptions{})
	waitStatus(t, c, StatusRunning)
	floodInput(t, c, fmt.Sprintf("/tmp/mcpssh-flooded-%d", time.Now().UnixNano()))
	ctx, cancel := context.WithTimeout(t.Context(), waitBound)
	defer cancel()
	if _, err := h.m.CloseSession(ctx, hosts.Request{Host: "bash"}, "flood"); err != nil {
		t.Errorf("CloseSession with stuck input: %v", err)
	}
	if info := waitDoneWithin(t, c, 5*time.Second); info.Status != StatusInterrupted {
		t.Errorf("command of the closed session: %s, want interrupted", info.Status)
	}
}
