package devices

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// TestPosixShells runs the same commands on every supported login shell:
// the output is exact (no echo, marker or prompt), exit statuses are the
// shell's, and cwd and environment persist between commands.
func TestPosixShells(t *testing.T) {
	kinds := []string{"bash", "dash", "zsh", "busybox"}
	h := newHarness(t, harnessOptions{}, kinds...)
	cases := []struct {
		cmd  string
		st   Status
		code int
		want string
	}{
		{"echo hi", StatusCompleted, 0, "hi\n"},
		{"printf foo", StatusCompleted, 0, "foo"},
		{"false", StatusFailed, 1, ""},
		{"sh -c 'exit 2'", StatusFailed, 2, ""},
		{"no-such-command-mcpssh 2>/dev/null", StatusFailed, 127, ""},
		{"cd /tmp", StatusCompleted, 0, ""},
		{"pwd", StatusCompleted, 0, "/tmp\n"},
		{"export MCPSSH_X='a b'", StatusCompleted, 0, ""},
		{`echo "[$MCPSSH_X]"`, StatusCompleted, 0, "[a b]\n"},
		{"echo $PAGER", StatusCompleted, 0, "cat\n"},
		{"for i in 1 2 3\ndo\n  echo \"n$i\"\ndone", StatusCompleted, 0, "n1\nn2\nn3\n"},
		{"cat <<'EOF'\nx  y\n$HOME\nEOF", StatusCompleted, 0, "x  y\n$HOME\n"},
		{"echo kept # a trailing comment", StatusCompleted, 0, "kept\n"},
		{"echo a\n\necho b", StatusCompleted, 0, "a\nb\n"},
		{"false\necho last line decides", StatusCompleted, 0, "last line decides\n"},
		{"echo one line\n", StatusCompleted, 0, "one line\n"},
		{"echo c\n\n", StatusCompleted, 0, "c\n"},
		// a line that looks like a marker but lacks the session's token
		{`printf '\036deadbeef:0:/\037\n'; echo after`, StatusCompleted, 0, "\x1edeadbeef:0:/\x1f\nafter\n"},
		{"echo err >&2; echo out", StatusCompleted, 0, "err\nout\n"},
	}
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			for _, tc := range cases {
				info, out := h.run(t, kind, tc.cmd, RunOptions{})
				wantDone(t, info, out, tc.st, tc.code, tc.want)
			}
			info, _ := h.run(t, kind, "true", RunOptions{})
			if info.Cwd != "/tmp" || info.Fallback != "" || info.Reconnected {
				t.Errorf("after cd: Cwd %q Fallback %q Reconnected %v; want /tmp, \"\", false", info.Cwd, info.Fallback, info.Reconnected)
			}
		})
	}
}

// TestPosixPreparationText: the typed preparation fits busybox's line
// limit however much environment the profile sets, carries all of it, and
// contains none of the texts the session later waits for, so its echo can
// never be taken for them.
func TestPosixPreparationText(t *testing.T) {
	env := map[string]string{"BAD NAME": "x", "QUOTE": "it's"}
	for i := range 60 {
		env[fmt.Sprintf("MCPSSH_VAR_%02d", i)] = strings.Repeat("v", 30)
	}
	m := newPosixMarkers()
	text := posixPreparation(m, env, 2)
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if len(line) > posixLineMax || !strings.HasPrefix(line, " ") {
			t.Errorf("line of %d bytes (max %d), must start with a space: %q", len(line), posixLineMax, line[:min(len(line), 60)])
		}
	}
	for k, v := range env {
		if want := k + "=" + shellQuote(v); strings.Contains(k, " ") == strings.Contains(text, want) {
			t.Errorf("assignment %q: present %v", want, strings.Contains(text, want))
		}
	}
	sudoShown := "[mcpssh-sudo:" + m.sudo + ":root] "
	if strings.ContainsAny(text, "\x1e\x1f") || m.sudoPrompt.MatchString(text) || strings.Contains(text, sudoShown[:len(sudoShown)-7]) {
		t.Errorf("the preparation contains a marker byte or the sudo prompt:\n%s", text)
	}
	if !m.sudoPrompt.MatchString("x\n" + sudoShown) {
		t.Errorf("sudo prompt pattern %v does not match %q", m.sudoPrompt, sudoShown)
	}
}

// TestPosixPromptGuard: a command that would remove the marker fails with
// the shell's message, and the session goes on.
func TestPosixPromptGuard(t *testing.T) {
	kinds := []string{"bash", "dash", "busybox", "zsh"}
	h := newHarness(t, harnessOptions{}, kinds...)
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			cmd := map[string]string{"bash": "PROMPT_COMMAND=", "zsh": "precmd_functions=()"}[kind]
			if cmd == "" {
				cmd = "PS1='$ '"
			}
			info, out := h.run(t, kind, cmd, RunOptions{})
			if info.Status != StatusFailed || !strings.Contains(strings.ToLower(out), "read") {
				t.Errorf("%q: status %s output %q; want failed with a read-only message", cmd, info.Status, out)
			}
			info, out = h.run(t, kind, "echo still marked", RunOptions{})
			wantDone(t, info, out, StatusCompleted, 0, "still marked\n")
		})
	}
}

// TestPosixSttyEcho: a command that turns the terminal's echo on does not
// make later commands' output carry their own text.
func TestPosixSttyEcho(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	for _, step := range []struct{ cmd, want string }{
		{"stty echo", ""},
		{"echo after", "after\n"},
		{"stty sane", ""},
		{"echo again", "again\n"},
	} {
		info, out := h.run(t, "bash", step.cmd, RunOptions{})
		wantDone(t, info, out, StatusCompleted, 0, step.want)
	}
}

// TestPosixInterrupt: Ctrl+C ends a running command with the shell's 130
// and the shell goes on.
func TestPosixInterrupt(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	c := h.start(t, "bash", "", "sleep 100", RunOptions{})
	waitStatus(t, c, StatusRunning)
	if err := c.Interrupt(t.Context()); err != nil {
		t.Fatalf("Interrupt: %v", err)
	}
	info := waitDone(t, c)
	// bash ends the line of a job killed by SIGINT itself; a Ctrl+C that
	// bash took before sleep started, and the one repeated after it, add
	// one more line end
	out := output(t, c)
	if strings.Trim(out, "\n") != "" || len(out) > 2 {
		t.Errorf("output %q, want one or two line ends", out)
	}
	wantDone(t, info, "\n", StatusInterrupted, 130, "\n")
	if err := c.Interrupt(t.Context()); err != ErrFinished {
		t.Errorf("Interrupt after the end: %v, want ErrFinished", err)
	}
	info, out = h.run(t, "bash", "echo still here", RunOptions{})
	wantDone(t, info, out, StatusCompleted, 0, "still here\n")
}

// TestPosixNestedShell: a bash started from the session's bash, or a bash
// or sh put in its place by exec, keeps completing commands.
func TestPosixNestedShell(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	for _, step := range []struct{ cmd, want string }{
		{"cd /tmp", ""},
		{"bash --norc", ""},
		{"echo $SHLVL", "2\n"},
		{"exit", "exit\n"}, // an interactive bash says so as it leaves
		{"echo $SHLVL; pwd", "1\n/tmp\n"},
		{"PS1='(venv) '", ""},
		{"echo after a prompt change", "after a prompt change\n"},
		{"exec bash --norc", ""},
		{"echo replaced $SHLVL", "replaced 1\n"},
		{"exec sh", ""},
		{"echo in $0; cd /usr", "in sh\n"},
		{"pwd", "/usr\n"},
	} {
		info, out := h.run(t, "bash", step.cmd, RunOptions{})
		wantDone(t, info, out, StatusCompleted, 0, step.want)
	}
}

// TestPosixInput: programs reading stdin get exactly what SendInput sends,
// because nothing else is typed after a command.
func TestPosixInput(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	t.Run("read", func(t *testing.T) {
		c := h.start(t, "bash", "", `read x; echo "got $x"`, RunOptions{})
		waitStatus(t, c, StatusRunning)
		if err := c.SendInput(t.Context(), "hello\n"); err != nil {
			t.Fatalf("SendInput: %v", err)
		}
		wantDone(t, waitDone(t, c), output(t, c), StatusCompleted, 0, "got hello\n")
		if err := c.SendInput(t.Context(), "late\n"); err != ErrFinished {
			t.Errorf("SendInput after the end: %v, want ErrFinished", err)
		}
	})
	t.Run("prompt", func(t *testing.T) {
		c := h.start(t, "bash", "", `printf 'Remove file? [y/N] '; read x; echo "answer $x"`, RunOptions{})
		info := waitStatus(t, c, StatusAwaitingInput)
		if info.InputPrompt != "Remove file? [y/N]" {
			t.Errorf("InputPrompt %q, want %q", info.InputPrompt, "Remove file? [y/N]")
		}
		if err := c.SendInput(t.Context(), "y\n"); err != nil {
			t.Fatalf("SendInput: %v", err)
		}
		wantDone(t, waitDone(t, c), output(t, c), StatusCompleted, 0, "Remove file? [y/N] answer y\n")
	})
	t.Run("partial line", func(t *testing.T) {
		// a REPL's prompt ends with no newline and matches no input
		// prompt pattern: it shows as the partial line, not as output
		c := h.start(t, "bash", "", `printf 'calc> '; read x; echo "= $x"`, RunOptions{})
		deadline := time.Now().Add(waitBound)
		for c.Info().PartialLine != "calc> " {
			if time.Now().After(deadline) {
				i := c.Info()
				t.Fatalf("status %s partial line %q output %q; want running with the partial line \"calc> \"", i.Status, i.PartialLine, output(t, c))
			}
			time.Sleep(10 * time.Millisecond)
		}
		if info := c.Info(); info.Status != StatusRunning || info.OutputBytes != 0 {
			t.Errorf("at the REPL prompt: status %s, %d bytes of output; want running, none", info.Status, info.OutputBytes)
		}
		if err := c.SendInput(t.Context(), "42\n"); err != nil {
			t.Fatalf("SendInput: %v", err)
		}
		info := waitDone(t, c)
		wantDone(t, info, output(t, c), StatusCompleted, 0, "calc> = 42\n")
		if info.PartialLine != "" {
			t.Errorf("finished command's partial line %q, want empty", info.PartialLine)
		}
	})
	t.Run("unread", func(t *testing.T) {
		// the second line is left to the shell, which runs it after the
		// command (slowly, so it is still running when the next command
		// is typed): the next command must still get only its own output
		c := h.start(t, "bash", "", "read x; echo first $x", RunOptions{})
		waitStatus(t, c, StatusRunning)
		if err := c.SendInput(t.Context(), "a\nsleep 1; echo stray\n"); err != nil {
			t.Fatal(err)
		}
		// While the driver consumes what the shell printed for the
		// leftover line (its marker), none of it shows as the command's
		// partial line.
		for deadline := time.Now().Add(waitBound); ; time.Sleep(5 * time.Millisecond) {
			i := c.Info()
			if strings.ContainsRune(i.PartialLine, markerStart) || strings.Contains(i.PartialLine, privateSudoPrefix) {
				t.Fatalf("partial line %q shows the session's private text", i.PartialLine)
			}
			if i.Status.Finished() || time.Now().After(deadline) {
				break
			}
		}
		info := waitDone(t, c)
		if info.Status != StatusCompleted || !strings.HasPrefix(output(t, c), "first a\n") {
			t.Errorf("status %s err %v output %q; want completed, first a", info.Status, info.Err, output(t, c))
		}
		info, out := h.run(t, "bash", "echo next", RunOptions{})
		wantDone(t, info, out, StatusCompleted, 0, "next\n")
	})
	t.Run("python3", func(t *testing.T) {
		c := h.start(t, "bash", "", `python3 -c 'import sys; print(sys.stdin.readline().strip().upper())'`, RunOptions{})
		waitStatus(t, c, StatusRunning)
		if err := c.SendInput(t.Context(), "abc\n"); err != nil {
			t.Fatalf("SendInput: %v", err)
		}
		wantDone(t, waitDone(t, c), output(t, c), StatusCompleted, 0, "ABC\n")
	})
	t.Run("cat", func(t *testing.T) {
		c := h.start(t, "bash", "", "cat", RunOptions{})
		waitStatus(t, c, StatusRunning)
		if err := c.SendInput(t.Context(), "line one\n\x04"); err != nil {
			t.Fatalf("SendInput: %v", err)
		}
		wantDone(t, waitDone(t, c), output(t, c), StatusCompleted, 0, "line one\n")
	})
}

// TestPosixLargeOutput: 10 MiB completes, the count is exact and the
// capture respects the cap.
func TestPosixLargeOutput(t *testing.T) {
	const total = 10 << 20
	h := newHarness(t, harnessOptions{OutputCap: 1 << 20}, "bash")
	// the bound guards against a hang only; under the race detector on a
	// busy machine 10 MiB through the engine takes a while
	c := h.start(t, "bash", "", "yes | head -c 10485760", RunOptions{})
	info := waitDoneWithin(t, c, 5*time.Minute)
	if info.Status != StatusCompleted || info.OutputBytes != total {
		t.Fatalf("status %s (err %v), OutputBytes %d; want completed, %d", info.Status, info.Err, info.OutputBytes, total)
	}
	if info.Dropped != total-(1<<20) {
		t.Errorf("Dropped %d, want %d", info.Dropped, total-(1<<20))
	}
	info, out := h.run(t, "bash", "seq 1 1000", RunOptions{})
	if info.Status != StatusCompleted || info.Lines != 1000 || info.LastLine != "1000" || !strings.HasPrefix(out, "1\n2\n") {
		t.Errorf("seq 1 1000: status %s Lines %d LastLine %q output starts %q; want completed, 1000, \"1000\", \"1\\n2\\n\"", info.Status, info.Lines, info.LastLine, tail(out, 20))
	}
}

// TestPosixQueue: commands given to a busy shell run after it, in order.
func TestPosixQueue(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	first := h.start(t, "bash", "", "read x; echo first $x", RunOptions{})
	second := h.start(t, "bash", "", "echo second", RunOptions{})
	third := h.start(t, "bash", "", "echo third", RunOptions{})
	if st := third.Info().Status; st != StatusQueued {
		t.Errorf("third command status %s while the first waits for input; want queued", st)
	}
	if err := third.SendInput(t.Context(), "x\n"); err != ErrNotRunning {
		t.Errorf("SendInput to a queued command: %v, want ErrNotRunning", err)
	}
	waitStatus(t, first, StatusRunning)
	if err := first.SendInput(t.Context(), "go\n"); err != nil {
		t.Fatal(err)
	}
	var prevEnd CommandInfo
	for i, c := range []*Command{first, second, third} {
		info := waitDone(t, c)
		want := []string{"first go\n", "second\n", "third\n"}[i]
		wantDone(t, info, output(t, c), StatusCompleted, 0, want)
		if i > 0 && info.StartedAt.Before(prevEnd.EndedAt) {
			t.Errorf("command %d started at %v before the previous one ended at %v", i, info.StartedAt, prevEnd.EndedAt)
		}
		prevEnd = info
	}
	if got := h.m.Sessions(); len(got) != 1 || got[0].Running != "" || len(got[0].Queued) != 0 || got[0].Cwd == "" {
		t.Errorf("Sessions() = %+v, want one idle session with a cwd", got)
	}
}

// TestPosixQueuedInterrupt: interrupting a queued command removes it.
func TestPosixQueuedInterrupt(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	first := h.start(t, "bash", "", "read x", RunOptions{})
	second := h.start(t, "bash", "", "echo never", RunOptions{})
	if err := second.Interrupt(t.Context()); err != nil {
		t.Fatal(err)
	}
	info := waitDone(t, second)
	if info.Status != StatusInterrupted || !info.StartedAt.IsZero() || output(t, second) != "" {
		t.Errorf("queued then interrupted: status %s started %v output %q", info.Status, info.StartedAt, output(t, second))
	}
	waitStatus(t, first, StatusRunning)
	if err := first.SendInput(t.Context(), "\n"); err != nil {
		t.Fatal(err)
	}
	waitDone(t, first)
}

// TestPosixParallelSessions: two named shells on one host run at the same
// time: the second completes while the first still waits for input.
func TestPosixParallelSessions(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	a := h.start(t, "bash", "a", "read x; echo a $x", RunOptions{})
	b := h.start(t, "bash", "b", "echo b", RunOptions{})
	wantDone(t, waitDone(t, b), output(t, b), StatusCompleted, 0, "b\n")
	if st := a.Info().Status; st != StatusRunning {
		t.Fatalf("session a: status %s, want running while b finished", st)
	}
	names := []string{}
	for _, s := range h.m.Sessions() {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"a", "b"}) {
		t.Errorf("sessions %q, want [a b]", names)
	}
	if err := a.SendInput(t.Context(), "done\n"); err != nil {
		t.Fatal(err)
	}
	wantDone(t, waitDone(t, a), output(t, a), StatusCompleted, 0, "a done\n")
}

// TestPosixCloseSession: closing a session ends its running command as
// interrupted with an error that says so.
func TestPosixCloseSession(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	c := h.start(t, "bash", "", "sleep 100", RunOptions{})
	q := h.start(t, "bash", "", "echo queued", RunOptions{})
	waitStatus(t, c, StatusRunning)
	n, err := h.m.CloseSession(t.Context(), hosts.Request{Host: "bash"}, "")
	if err != nil || n != 1 {
		t.Fatalf("CloseSession = %d, %v; want 1, nil", n, err)
	}
	for _, cmd := range []*Command{c, q} {
		info := waitDone(t, cmd)
		if info.Status != StatusInterrupted || info.Err == nil || !strings.Contains(info.Err.Error(), "session closed") {
			t.Errorf("%q after CloseSession: status %s err %v; want interrupted, session closed", info.Command, info.Status, info.Err)
		}
	}
	if s := h.m.Sessions(); len(s) != 0 {
		t.Errorf("Sessions() after close = %+v", s)
	}
}
