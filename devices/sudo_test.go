package devices

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// TestSudo: the session's own sudo prompt is answered with the password
// given, a wrong one fails after one try, none leaves the command waiting
// for input, and the password shows up nowhere.
func TestSudo(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	pw := h.accounts["bash"].Password
	user := h.accounts["bash"].Name

	t.Run("right", func(t *testing.T) {
		info, out := h.run(t, "bash", "sudo whoami && echo done | sudo tee /dev/null && sh -c 'sudo -u root id -un'", RunOptions{SudoPassword: pw})
		wantDone(t, info, out, StatusCompleted, 0, "root\ndone\nroot\n")
	})
	t.Run("wrong", func(t *testing.T) {
		info, out := h.run(t, "bash", "sudo whoami", RunOptions{SudoPassword: "not-" + pw})
		if info.Status != StatusFailed || !errors.Is(info.Err, ErrSudo) || !strings.Contains(info.Err.Error(), "sudo rejected the password") {
			t.Errorf("wrong password: status %s err %v output %q; want failed, ErrSudo \"sudo rejected the password\"", info.Status, info.Err, out)
		}
		if n := strings.Count(out, "try again"); n > 1 {
			t.Errorf("sudo asked %d times after a wrong password, want one try: %q", n+1, out)
		}
	})
	t.Run("none", func(t *testing.T) {
		c := h.start(t, "bash", "", "sudo whoami", RunOptions{})
		info := waitStatus(t, c, StatusAwaitingInput)
		if want := "[sudo] password for " + user + ":"; info.InputPrompt != want {
			t.Errorf("InputPrompt %q, want %q", info.InputPrompt, want)
		}
		if err := c.SendInput(t.Context(), pw+"\n"); err != nil {
			t.Fatal(err)
		}
		info = waitDone(t, c)
		if out := output(t, c); info.Status != StatusCompleted || !strings.HasSuffix(out, "root\n") || strings.Contains(out, pw) {
			t.Errorf("answered by SendInput: status %s output %q; want completed, root", info.Status, out)
		}
	})
	t.Run("lookalike", func(t *testing.T) {
		// ordinary output that says "password for" is an input prompt
		// for the user to answer, never for us
		c := h.start(t, "bash", "", `printf '[sudo] password for root: '; read x; echo "got:$x"`, RunOptions{SudoPassword: pw})
		waitStatus(t, c, StatusAwaitingInput)
		if err := c.SendInput(t.Context(), "typed\n"); err != nil {
			t.Fatal(err)
		}
		info := waitDone(t, c)
		if out := output(t, c); info.Status != StatusCompleted || !strings.HasSuffix(out, "got:typed\n") {
			t.Errorf("lookalike prompt: status %s output %q; want completed, got:typed", info.Status, out)
		}
	})
	t.Run("env", func(t *testing.T) {
		// the prompt text in the environment is not the prompt sudo prints
		info, out := h.run(t, "bash", "env | grep -c '^SUDO_PROMPT=.*%p'", RunOptions{SudoPassword: pw})
		wantDone(t, info, out, StatusCompleted, 0, "1\n")
	})
}

// TestSudoLeaks: the password given for sudo is on no command line while
// sudo runs, and in no history afterwards.
func TestSudoLeaks(t *testing.T) {
	wire := &syncBuffer{}
	h := newHarness(t, harnessOptions{WireLog: wire}, "bash")
	pw := h.accounts["bash"].Password
	t.Cleanup(func() {
		// the wire log shows every byte but the answers to secret prompts
		if log := wire.String(); strings.Contains(log, pw) || !strings.Contains(log, "<redacted>") {
			t.Errorf("wire log: want the password redacted, got %d bytes with it present=%v", len(log), strings.Contains(log, pw))
		}
	})
	t.Run("argv", func(t *testing.T) {
		// while sudo runs with the password given, no command line shows it
		c := h.start(t, "bash", "", "sudo sh -c 'echo started; read x'", RunOptions{SudoPassword: pw})
		waitStatus(t, c, StatusRunning)
		waitOutput(t, c, "started")
		var ps bytes.Buffer
		if _, err := h.m.Exec(t.Context(), hosts.Request{Host: "bash"}, "ps -eo args", nil, &ps, &ps); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ps.String(), "sudo sh -c") || strings.Contains(ps.String(), pw) {
			t.Errorf("ps -eo args during sudo: want the sudo command and no password:\n%s", ps.String())
		}
		if err := c.SendInput(t.Context(), "\n"); err != nil {
			t.Fatal(err)
		}
		waitDone(t, c)
	})
	t.Run("history", func(t *testing.T) {
		info, out := h.run(t, "bash", "history", RunOptions{})
		if info.Status != StatusCompleted || strings.Contains(out, pw) || strings.Contains(out, "__mcpssh") || !strings.Contains(out, "sudo sh -c") {
			t.Errorf("history: status %s output %q; want the commands, no password, no preparation", info.Status, out)
		}
		if _, err := h.m.CloseSession(t.Context(), hosts.Request{Host: "bash"}, ""); err != nil {
			t.Fatal(err)
		}
		var file bytes.Buffer
		if _, err := h.m.Exec(t.Context(), hosts.Request{Host: "bash"}, "cat ~/.bash_history 2>/dev/null; true", nil, &file, &file); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(file.String(), pw) || strings.Contains(file.String(), "__mcpssh") {
			t.Errorf("~/.bash_history holds the password or the preparation:\n%s", file.String())
		}
	})
}

// TestSudoShells: the session's sudo prompt works whatever the login
// shell, since it travels in the environment.
func TestSudoShells(t *testing.T) {
	kinds := []string{"dash", "zsh", "busybox"}
	h := newHarness(t, harnessOptions{}, kinds...)
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			info, out := h.run(t, kind, "sudo id -un", RunOptions{SudoPassword: h.accounts[kind].Password})
			wantDone(t, info, out, StatusCompleted, 0, "root\n")
		})
	}
}

// TestInputAtPasswordPromptRedacted: what is typed with SendInput at a
// prompt asking for a password is redacted in the wire log, as sudo's
// answer is.
func TestInputAtPasswordPromptRedacted(t *testing.T) {
	wire := &syncBuffer{}
	h := newHarness(t, harnessOptions{WireLog: wire}, "bash")
	const typed = "typed-Secret-42"
	c := h.start(t, "bash", "", `read -rs -p 'Password: ' pw; echo; echo "got ${#pw} bytes"`, RunOptions{})
	waitInputPrompt(t, c, "Password:")
	if err := c.SendInput(t.Context(), typed+"\n"); err != nil {
		t.Fatal(err)
	}
	info := waitDone(t, c)
	wantDone(t, info, output(t, c), StatusCompleted, 0, "Password: \ngot 15 bytes\n")
	if log := wire.String(); strings.Contains(log, typed) || !strings.Contains(log, "<redacted>") {
		t.Errorf("wire log: want the typed password redacted; present=%v", strings.Contains(log, typed))
	}
}
