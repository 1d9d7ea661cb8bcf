package devices

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// TestFaultFullScreen: a full-screen program started by mistake, then
// interrupted. Where Ctrl+C does not end it (vim, less), the program's
// own quit keys are sent as input, as an agent would with send_input.
// The program must end in a final status within the bound, and the next
// command must get exactly its own output.
func TestFaultFullScreen(t *testing.T) {
	h := newSSHDFaultHarness(t)
	leaks := startLeakCheck()
	cases := []struct {
		program, cmd string
		quit         string // sent after Ctrl+C; "" when Ctrl+C ends it
	}{
		{"vim", "vim", ":q!\r"},
		{"vim", "vim /etc/hostname", "\x1b:q!\r"},
		{"less", "less /etc/services", "q"},
		{"top", "top", ""},
	}
	during := 0
	for i, tc := range cases {
		requireProgram(t, tc.program, tc.program+" (Debian package "+map[string]string{"vim": "vim", "less": "less", "top": "procps"}[tc.program]+")")
		session := fmt.Sprintf("f%d", i)
		c := h.start(t, "bash", session, tc.cmd, RunOptions{})
		// It has drawn something (or asks to press RETURN on a dumb
		// terminal): it is up and reading its keyboard.
		waitInfo(t, c, func(i CommandInfo) bool { return i.OutputBytes > 0 || i.Status == StatusAwaitingInput })
		during = max(during, runtime.NumGoroutine())
		if err := c.Interrupt(t.Context()); err != nil {
			t.Errorf("%q: Interrupt: %v", tc.cmd, err)
		}
		if tc.quit != "" {
			quitUntilDone(t, c, tc.quit)
		}
		info, ok := finishWithin(t, c, faultSlack)
		if !ok {
			continue
		}
		if info.Status != StatusCompleted && info.Status != StatusInterrupted {
			t.Errorf("%q: status %s err %v; want completed or interrupted", tc.cmd, info.Status, info.Err)
		}
		info, out, ok := h.runIn(t, "bash", session, "echo next")
		if ok {
			wantDone(t, info, out, StatusCompleted, 0, "next\n")
		}
	}
	leaks.done(t, h.m, during)
}

// quitUntilDone sends a program's quit keys as a person would: again
// while it keeps running (less on a dumb terminal takes the first key as
// "continue"), at most three times, a second apart, until it finished.
func quitUntilDone(t testing.TB, c *Command, keys string) {
	t.Helper()
	for range 3 {
		if err := c.SendInput(t.Context(), keys); errors.Is(err, ErrFinished) {
			return
		} else if err != nil {
			t.Errorf("%q: SendInput(%q): %v", c.Info().Command, keys, err)
			return
		}
		select {
		case <-c.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// waitInfo waits (bounded) until cond holds for c's info, or c finished.
func waitInfo(t testing.TB, c *Command, cond func(CommandInfo) bool) CommandInfo {
	t.Helper()
	deadline := time.After(waitBound)
	for {
		ch := c.Changed()
		if i := c.Info(); cond(i) || i.Status.Finished() {
			return i
		}
		select {
		case <-ch:
		case <-deadline:
			i := c.Info()
			t.Fatalf("%q: status %s with %d bytes of output after %s: not the state waited for", i.Command, i.Status, i.OutputBytes, waitBound)
		}
	}
}
