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

func TestSudoReadsStdin(t *testing.T) {
	for args, want := range map[string]bool{
		"sudo -S true": true, "sudo -kS true": true, "sudo --stdin id": true, "sudo -u root -S id": true,
		"sudo -u S id": false, "sudo -uS id": false, "sudo id -S": false, "sudo -k true": false, "sudo -- -S": false,
		"sudo --user S id": false, "sudo -p x -S id": true,
	} {
		if got := sudoReadsStdin(strings.Fields(args)); got != want {
			t.Errorf("%q: reads stdin %v, want %v", args, got, want)
		}
	}
}
