package devices

import (
	"os"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

// runStep runs one command of a nested-shell script on alias's default
// session and checks its status, exit code, output, cwd and note.
type nestedStep struct {
	cmd  string
	opts RunOptions
	st   Status
	code int
	out  string // exact output; "*" accepts any
	cwd  string // "" accepts any
	note string // a part of the note; "" wants none
}

func runNested(t *testing.T, h *harness, alias string, steps []nestedStep) {
	t.Helper()
	for _, s := range steps {
		info, out := h.run(t, alias, s.cmd, s.opts)
		if s.out == "*" {
			out = "*"
		}
		wantDone(t, info, out, s.st, s.code, s.out)
		if s.cwd != "" && info.Cwd != s.cwd {
			t.Errorf("%q: cwd %q, want %q", s.cmd, info.Cwd, s.cwd)
		}
		if (s.note == "") != (info.Note == "") || !strings.Contains(info.Note, s.note) {
			t.Errorf("%q: note %q, want one containing %q", s.cmd, info.Note, s.note)
		}
		if info.Fallback != "" {
			t.Errorf("%q: fell back to prompt matching: %s", s.cmd, info.Fallback)
		}
	}
}

// sessionShell returns the listing of alias's default session.
func sessionShell(t *testing.T, h *harness, alias string) SessionInfo {
	t.Helper()
	for _, s := range h.m.Sessions() {
		if s.Alias == alias && s.Name == "default" {
			return s
		}
	}
	t.Fatalf("no default session for %s in %+v", alias, h.m.Sessions())
	return SessionInfo{}
}

// TestNestedSudoI: sudo -i (the password typed at sudo's own prompt)
// enters root's login shell, which is prepared: commands in it are exact,
// and exit returns to the login user in the directory it had.
func TestNestedSudoI(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	sudo := RunOptions{SudoPassword: devicetest.AccountPassword}
	runNested(t, h, "bash", []nestedStep{
		{cmd: "cd /tmp", st: StatusCompleted, out: "", cwd: "/tmp"},
		{cmd: "sudo -i", opts: sudo, st: StatusCompleted, out: "*", note: "as root (depth 1)"},
		{cmd: "whoami; cd /root; false", st: StatusFailed, code: 1, out: "root\n", cwd: "/root"},
	})
	if s := sessionShell(t, h, "bash"); s.Depth != 1 || s.User != "root" || s.Shell == "" {
		t.Errorf("listing inside sudo -i: depth %d user %q shell %q; want depth 1 as root", s.Depth, s.User, s.Shell)
	}
	runNested(t, h, "bash", []nestedStep{
		// exit passes on the status of the last command there (false)
		{cmd: "exit", st: StatusFailed, code: 1, out: "*", cwd: "/tmp", note: "back in mcpt-bash's"},
		{cmd: "whoami; sh -c 'exit 4'", st: StatusFailed, code: 4, out: "mcpt-bash\n", cwd: "/tmp"},
	})
	if s := sessionShell(t, h, "bash"); s.Depth != 0 || s.User != "mcpt-bash" {
		t.Errorf("listing after exit: depth %d user %q; want depth 0 as mcpt-bash", s.Depth, s.User)
	}
}

// TestNestedSuWithoutSudo: an account without sudo becomes another user
// with su -, its password typed at su's own prompt from su_password.
func TestNestedSuWithoutSudo(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "nosudo", "bash")
	su := RunOptions{SuPassword: devicetest.AccountPassword}
	runNested(t, h, "nosudo", []nestedStep{
		{cmd: "cd /tmp", st: StatusCompleted, out: "", cwd: "/tmp"},
		{cmd: "su - " + h.accounts["bash"].Name, opts: su, st: StatusCompleted, out: "*", note: "as mcpt-bash (depth 1)"},
		{cmd: "whoami; cd /usr; false", st: StatusFailed, code: 1, out: "mcpt-bash\n", cwd: "/usr"},
		{cmd: "exit 5", st: StatusFailed, code: 5, out: "*", cwd: "/tmp", note: "back in mcpt-nosudo's"},
		{cmd: "whoami", st: StatusCompleted, out: "mcpt-nosudo\n", cwd: "/tmp"},
	})
	// a wrong password: su refuses, and the session stays where it was
	bad := RunOptions{SuPassword: "not-the-password"}
	info, _ := h.run(t, "nosudo", "su - "+h.accounts["bash"].Name, bad)
	if info.Status != StatusFailed || info.Note != "" {
		t.Errorf("su with a wrong password: status %s note %q; want failed, no nested shell", info.Status, info.Note)
	}
	runNested(t, h, "nosudo", []nestedStep{{cmd: "whoami", st: StatusCompleted, out: "mcpt-nosudo\n", cwd: "/tmp"}})
}

// TestNestedShells: a plain bash, sh or zsh started in the session nests;
// exec replaces the session's shell with another, prepared the same way.
func TestNestedShells(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash", "zsh")
	runNested(t, h, "bash", []nestedStep{
		{cmd: "cd /tmp", st: StatusCompleted, out: "", cwd: "/tmp"},
		{cmd: "bash", st: StatusCompleted, out: "*", note: "depth 1"},
		{cmd: "sh", st: StatusCompleted, out: "*", note: "depth 2"},
		{cmd: "cd /usr && echo $((6*7)); false", st: StatusFailed, code: 1, out: "42\n", cwd: "/usr"},
		{cmd: "exit 3", st: StatusFailed, code: 3, out: "*", cwd: "/tmp", note: "(depth 1)"},
		{cmd: "true; exit", st: StatusCompleted, out: "*", cwd: "/tmp", note: "(depth 0)"},
		// -f: the login user has no zsh startup files, and zsh would ask
		// through its new-user menu first (awaiting_input)
		{cmd: "exec zsh -f", st: StatusCompleted, out: "*", note: "replaced by zsh"},
		{cmd: "echo ${ZSH_VERSION:+zsh}; cd /usr; false", st: StatusFailed, code: 1, out: "zsh\n", cwd: "/usr"},
	})
	if s := sessionShell(t, h, "bash"); s.Depth != 0 || s.Shell != "zsh" {
		t.Errorf("after exec zsh: depth %d shell %q; want depth 0, zsh", s.Depth, s.Shell)
	}
	// from zsh to bash and back
	runNested(t, h, "zsh", []nestedStep{
		{cmd: "bash --norc", st: StatusCompleted, out: "*", note: "nested bash"},
		{cmd: "echo $BASH_VERSION | cut -c1; exit 2", st: StatusFailed, code: 2, out: "5\nexit\n", note: "zsh shell (depth 0)"},
	})
}

// TestMarkerNotInEnvironment: no program the session runs can read what
// ends a command (the marker's random text) from its environment, so none
// can forge "exit 0" or take the agent's next command as its input.
func TestMarkerNotInEnvironment(t *testing.T) {
	kinds := []string{"bash", "dash", "zsh", "busybox"}
	h := newHarness(t, harnessOptions{}, kinds...)
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			info, out := h.run(t, kind, `env; sh -c 'printf "%s|%s\n" "$PS1" "$PROMPT_COMMAND"'`, RunOptions{})
			if info.Status != StatusCompleted {
				t.Fatalf("status %s, output %q", info.Status, out)
			}
			if strings.ContainsAny(out, "\x1e\x1f") || strings.Contains(out, "__mcpssh") {
				t.Errorf("a child process sees the session's marker:\n%q", out)
			}
		})
	}
}

// TestSuPromptSpoofNotAnswered: a command that is su by its text but
// whose "Password:" comes from something else in the foreground (here a
// function named su) does not get su_password.
func TestSuPromptSpoofNotAnswered(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	const pw = "su-Secret-91"
	h.run(t, "bash", `su() { printf 'Password: '; read -r got; echo "stolen:$got" | rev; }`, RunOptions{})
	c := h.start(t, "bash", "", "su -", RunOptions{SuPassword: pw})
	info := waitInputPrompt(t, c, "not answered")
	if !strings.Contains(info.InputPrompt, "did not come from su") {
		t.Errorf("input prompt %q; want it to say the prompt did not come from su", info.InputPrompt)
	}
	if err := c.SendInput(t.Context(), "x\n"); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c)
	if out := output(t, c); strings.Contains(out, pw) || strings.Contains(out, "19-terceS-us") {
		t.Errorf("the imitation got su_password: %q", out)
	}
}

// TestNestedShellSlowToRead: a nested shell that shows a prompt-like line
// and then reads nothing for seconds (a loaded host, slow start-up files)
// is given up on at first, and adopted once it runs the preparation late.
func TestNestedShellSlowToRead(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	rc := "/tmp/mcpssh-slowrc-" + strings.ReplaceAll(t.Name(), "/", "-")
	t.Cleanup(func() { os.Remove(rc) })
	runNested(t, h, "bash", []nestedStep{
		{cmd: "printf '%s\\n' \"printf 'slow$ '; sleep 3\" > " + rc + "; export ENV=" + rc, st: StatusCompleted, out: ""},
		{cmd: "sh", st: StatusCompleted, out: "*", note: "nested sh shell"},
		{cmd: "unset ENV; cd /usr; false", st: StatusFailed, code: 1, out: "", cwd: "/usr"},
		{cmd: "exit 6", st: StatusFailed, code: 6, out: "*", note: "(depth 0)"},
	})
}
