package devices

import (
	"strings"
	"testing"
	"time"
)

// TestSudoPromptSpoofNotAnswered: a program that prints the session's
// private sudo prompt (it is in every program's environment) and reads
// what comes next gets nothing: the password is typed only when sudo
// itself asks from the terminal.
func TestSudoPromptSpoofNotAnswered(t *testing.T) {
	wire := &syncBuffer{}
	h := newHarness(t, harnessOptions{WireLog: wire}, "bash")
	pw := h.accounts["bash"].Password
	spoofs := map[string]string{
		"shell":  `printf '%s' "${SUDO_PROMPT%'%p] '}mcpt-bash] "; read -r got; echo "stolen:$got" | base64`,
		"python": `python3 -c 'import os,sys; p=os.environ["SUDO_PROMPT"].replace("%p","mcpt-bash"); sys.stdout.write(p); sys.stdout.flush(); print("stolen:"+sys.stdin.readline()[::-1])'`,
	}
	for name, cmd := range spoofs {
		t.Run(name, func(t *testing.T) {
			c := h.start(t, "bash", name, cmd, RunOptions{SudoPassword: pw})
			info := waitInputPrompt(t, c, "not answered")
			if !strings.Contains(info.InputPrompt, "did not come from sudo") {
				t.Errorf("input prompt %q; want it to say the prompt did not come from sudo", info.InputPrompt)
			}
			if err := c.SendInput(t.Context(), "nothing\n"); err != nil {
				t.Fatal(err)
			}
			info = waitDone(t, c)
			if out := output(t, c); strings.Contains(out, pw) || strings.Contains(out, "stolen:"+pw) {
				t.Errorf("the spoofing program got the password: %q", out)
			}
		})
	}
	// sudo itself, in the same session, is still answered
	info, out := h.run(t, "bash", "sudo -k; sudo id -un", RunOptions{SudoPassword: pw})
	wantDone(t, info, out, StatusCompleted, 0, "root\n")
	if log := wire.String(); strings.Contains(log, pw) {
		t.Error("the password is in the wire log")
	}
}

// TestSudoStdinNotAnswered: sudo -S prints its prompt on the terminal but
// reads standard input, so a password typed there would stay in the
// terminal and run as a shell command; it is not typed, and the shell's
// history holds no password afterwards.
func TestSudoStdinNotAnswered(t *testing.T) {
	wire := &syncBuffer{}
	h := newHarness(t, harnessOptions{WireLog: wire}, "bash")
	pw := h.accounts["bash"].Password
	c := h.start(t, "bash", "", "echo x | sudo -S -k true", RunOptions{SudoPassword: pw})
	select {
	case <-c.Done():
	case <-time.After(waitBound):
		info := c.Info()
		if !strings.Contains(info.InputPrompt, "-S") {
			t.Fatalf("sudo -S still running: status %s prompt %q", info.Status, info.InputPrompt)
		}
		if err := c.Interrupt(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	waitDone(t, c)
	// the last commands of the history, read without naming the password
	info, out := h.run(t, "bash", "echo after; fc -ln -3", RunOptions{})
	if info.Status != StatusCompleted || !strings.HasPrefix(out, "after\n") || strings.Contains(out, pw) {
		t.Errorf("history after sudo -S: status %s output %q; want the commands and no password", info.Status, out)
	}
	if strings.Contains(wire.String(), "<redacted>") {
		t.Error("the password was typed for sudo -S")
	}
}

// TestSudoPromptSpoofNamedSudo: a program that names itself sudo (anyone
// can) and prints the session's sudo prompt does not get the password:
// only the real, set-user-ID sudo runs as root while it asks.
func TestSudoPromptSpoofNamedSudo(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	pw := h.accounts["bash"].Password
	spoof := `perl -e '$0="sudo"; ($p=$ENV{SUDO_PROMPT})=~s/%p/mcpt-bash/; $|=1; print $p; $l=<STDIN>; chomp $l; print "stolen:", scalar reverse($l), "\n"'`
	c := h.start(t, "bash", "", spoof, RunOptions{SudoPassword: pw})
	info := waitInputPrompt(t, c, "not answered")
	if err := c.SendInput(t.Context(), "nothing\n"); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c)
	if out := output(t, c); strings.Contains(out, pw) || strings.Contains(out, reverse(pw)) {
		t.Errorf("a process named sudo got the password (prompt %q): %q", info.InputPrompt, out)
	}
}

// TestSudoPromptSpoofInNestedShell: in a shell nested as another user
// (sudo -u other bash, where sudo keeps the outer terminal's foreground
// for as long as the nested shell lives), a program printing the sudo
// prompt does not get the login user's password.
func TestSudoPromptSpoofInNestedShell(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash", "nosudo")
	pw := h.accounts["bash"].Password
	info, _ := h.run(t, "bash", "sudo -u "+h.accounts["nosudo"].Name+" bash", RunOptions{SudoPassword: pw})
	if info.Status != StatusCompleted || !strings.Contains(info.Note, "as mcpt-nosudo") {
		t.Fatalf("sudo -u ... bash: status %s note %q err %v; want a nested shell", info.Status, info.Note, info.Err)
	}
	for _, who := range []string{"mcpt-bash", "mcpt-nosudo"} {
		spoof := `printf '%s' "${SUDO_PROMPT%'%p] '}` + who + `] "; read -r got; echo "stolen:$got" | rev`
		c := h.start(t, "bash", "", spoof, RunOptions{SudoPassword: pw})
		waitInputPrompt(t, c, "not answered")
		if err := c.SendInput(t.Context(), "nothing\n"); err != nil {
			t.Fatal(err)
		}
		waitDone(t, c)
		if out := output(t, c); strings.Contains(out, reverse("stolen:"+pw)) {
			t.Errorf("prompt naming %s: a program of the nested shell got the login user's password", who)
		}
	}
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
