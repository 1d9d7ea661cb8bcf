package devices

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"
)

// finishWithin waits at most d for c to finish. Unlike waitDoneWithin it
// reports a command that is still going as an error and lets the caller
// go on with the next case; ok is false then.
func finishWithin(t testing.TB, c *Command, d time.Duration) (info CommandInfo, ok bool) {
	t.Helper()
	select {
	case <-c.Done():
		return c.Info(), true
	case <-time.After(d):
	}
	i := c.Info()
	out, _, _ := c.Output(max(i.OutputBytes-300, 0), 300)
	t.Errorf("%q still %s after %s (input prompt %q); output ends %q", i.Command, i.Status, d, i.InputPrompt, out)
	return i, false
}

// runIn runs cmd on a named session and checks that it finishes within
// faultSlack; ok is false (and the test marked failed) when it did not.
func (h *harness) runIn(t testing.TB, alias, session, cmd string) (CommandInfo, string, bool) {
	t.Helper()
	c := h.start(t, alias, session, cmd, RunOptions{})
	info, ok := finishWithin(t, c, faultSlack)
	return info, output(t, c), ok
}

// TestFaultShellEnds: the shell a session runs in ends or is replaced
// by the command itself. Each case must end in a clear status: lost
// (ErrClosed) when the shell is gone, or a normal result when a new
// shell took its place and still answers; either way the next command
// on that session runs, in the same working directory.
func TestFaultShellEnds(t *testing.T) {
	h := newSSHDFaultHarness(t)
	leaks := startLeakCheck()
	cases := []struct {
		cmd  string
		want Status // lost: the shell is gone; completed: replaced in place
	}{
		{"exit", StatusLost},
		{"exit 7", StatusLost},
		{"kill -9 $$", StatusLost},
		{"exec bash", StatusCompleted},
		{"exec bash --norc --noprofile", StatusCompleted},
		// an sh started by exec inherits no marker: it has to be
		// recognized or refused, never waited on for ever
		{"exec sh", ""},
	}
	var during int
	for i, tc := range cases {
		session := fmt.Sprintf("s%d", i)
		h.runIn(t, "bash", session, "cd /usr/lib")
		during = max(during, runtime.NumGoroutine())
		info, out, ok := h.runIn(t, "bash", session, tc.cmd)
		if !ok {
			continue
		}
		switch {
		case tc.want == StatusLost && (info.Status != StatusLost || !errors.Is(info.Err, ErrClosed)):
			t.Errorf("%q: status %s err %v output %q; want lost, ErrClosed", tc.cmd, info.Status, info.Err, out)
		case tc.want == StatusCompleted && (info.Status != StatusCompleted || out != ""):
			t.Errorf("%q: status %s err %v output %q; want completed with no output", tc.cmd, info.Status, info.Err, out)
		}
		info, out, ok = h.runIn(t, "bash", session, "pwd")
		if !ok {
			continue
		}
		wantDone(t, info, out, StatusCompleted, 0, "/usr/lib\n")
		if lost := tc.want == StatusLost; tc.want != "" && (lost != info.Reconnected || lost != slices.Contains(info.Restored, "cwd /usr/lib")) {
			t.Errorf("after %q: Reconnected %v Restored %q; want a new shell with its cwd restored exactly when the old one was lost", tc.cmd, info.Reconnected, info.Restored)
		}
	}
	leaks.done(t, h.m, during)
}
