package devices

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestFaultPromptChanges: a command changes what the session's completion
// relies on (the prompt, bash's PROMPT_COMMAND, zsh's precmd). Either the
// change is harmless and the next command completes exactly, or the
// change is refused and the result says so (failed, with the shell's
// message); it must never leave the session waiting for a marker that
// will not come.
func TestFaultPromptChanges(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash", "dash", "zsh")
	leaks := startLeakCheck()
	cases := []struct{ alias, cmd string }{
		{"bash", "PS1='changed$ '"},
		{"bash", `PS1='\u@\h:\w\$ '; PS2='> '`},
		{"bash", "PROMPT_COMMAND='echo hi'"},
		{"bash", "unset PROMPT_COMMAND"},
		{"bash", `PROMPT_COMMAND="history -a; $PROMPT_COMMAND"`},
		{"dash", "PS1='$ '"},
		{"zsh", "PS1='%% '"},
		{"zsh", "precmd() { :; }"},
	}
	during := 0
	for i, tc := range cases {
		session := fmt.Sprintf("p%d", i)
		info, out, ok := h.runIn(t, tc.alias, session, tc.cmd)
		during = max(during, runtime.NumGoroutine())
		if !ok {
			continue
		}
		if info.Status == StatusFailed && strings.TrimSpace(out) == "" && info.Err == nil {
			t.Errorf("%s %q: failed without saying why", tc.alias, tc.cmd)
		}
		if info.Status != StatusCompleted && info.Status != StatusFailed {
			t.Errorf("%s %q: status %s err %v output %q; want completed (harmless) or failed (refused)", tc.alias, tc.cmd, info.Status, info.Err, out)
		}
		info, out, ok = h.runIn(t, tc.alias, session, "echo next")
		if ok {
			wantDone(t, info, out, StatusCompleted, 0, "next\n")
		}
	}
	leaks.done(t, h.m, during)
}

// TestFaultSttyEcho: a command turns the terminal's echo back on. The
// next commands' output must still be exactly what they print: the typed
// command must not show up in it.
func TestFaultSttyEcho(t *testing.T) {
	kinds := []string{"bash", "dash", "zsh"}
	h := newHarness(t, harnessOptions{}, kinds...)
	leaks := startLeakCheck()
	during := 0
	for _, kind := range kinds {
		info, out, ok := h.runIn(t, kind, "", "stty echo")
		during = max(during, runtime.NumGoroutine())
		if !ok {
			continue
		}
		wantDone(t, info, out, StatusCompleted, 0, "")
		for _, cmd := range []string{"echo next", "printf 'a\\nb\\n'"} {
			info, out, ok := h.runIn(t, kind, "", cmd)
			if ok {
				want := strings.NewReplacer(`printf 'a\nb\n'`, "a\nb\n", "echo next", "next\n").Replace(cmd)
				wantDone(t, info, out, StatusCompleted, 0, want)
			}
		}
	}
	leaks.done(t, h.m, during)
}

// TestFaultCarriageReturn: output that ends in a carriage return without
// a newline (a progress line, or the last screen of a full-screen
// program) leaves the cursor at the start of the line the prompt shares.
// The command must still complete, with the text of the line and nothing
// of the session's own markers.
func TestFaultCarriageReturn(t *testing.T) {
	h := newSSHDFaultHarness(t)
	leaks := startLeakCheck()
	cases := []struct{ cmd, want string }{
		{`printf 'abc\r'`, "abc"},
		{`printf '10%%\r20%%\r'`, "20%"},
		{`printf 'abc\rxy\n'`, "xyc\n"},
		{`printf 'one\ntwo\r'`, "one\ntwo"},
	}
	during := 0
	for i, tc := range cases {
		info, out, ok := h.runIn(t, "bash", fmt.Sprintf("cr%d", i), tc.cmd)
		during = max(during, runtime.NumGoroutine())
		if !ok {
			continue
		}
		if strings.TrimSuffix(out, "\n") != strings.TrimSuffix(tc.want, "\n") || strings.ContainsAny(out, "\x1e\x1f") {
			t.Errorf("%q: output %q, want %q without marker bytes", tc.cmd, out, tc.want)
		}
		if info.Status != StatusCompleted || info.ExitCode == nil || *info.ExitCode != 0 {
			t.Errorf("%q: status %s exit %v err %v; want completed, 0", tc.cmd, info.Status, info.ExitCode, info.Err)
		}
	}
	leaks.done(t, h.m, during)
}
