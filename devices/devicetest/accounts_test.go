package devicetest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// runStdin runs cmd in an exec channel with stdin and returns the output
// and the error of the run (an *ssh.ExitError for a non-zero status).
func runStdin(t testing.TB, c *ssh.Client, stdin, cmd string) (string, error) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	sess.Stdin = strings.NewReader(stdin)
	out, err := sess.CombinedOutput(cmd)
	return strings.TrimSpace(string(out)), err
}

func TestAccountShells(t *testing.T) {
	s := StartSSHD(t, SSHDOptions{})
	cases := []struct {
		kind, arg0, exe string
	}{
		{"bash", "bash", "bash"},
		{"nosudo", "bash", "bash"},
		{"dash", "dash", "dash"},
		{"zsh", "zsh", "zsh"},
		{"busybox", "ash", "busybox"},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			t.Parallel()
			acct := TestAccount(t, tc.kind)
			if fi, err := os.Stat(acct.Home); err != nil || !fi.IsDir() {
				t.Errorf("home %q of %q: %v", acct.Home, acct.Name, err)
			}
			c := Dial(t, s.Addr, s.ClientConfig(acct.Name, ssh.Password(acct.Password)))
			// sshd runs the login shell as "shell -c command", so $0 is the
			// name the shell was started by and /proc/$$/exe the binary.
			out, err := runStdin(t, c, "", `echo "$0"; readlink /proc/$$/exe; id -un; echo "$HOME"`)
			if err != nil {
				t.Fatalf("run as %q: %v; output %q", acct.Name, err, out)
			}
			got := strings.Split(out, "\n")
			if len(got) != 4 {
				t.Fatalf("output %q, want 4 lines", out)
			}
			if got[0] != tc.arg0 || filepath.Base(got[1]) != tc.exe {
				t.Errorf("$0 = %q, exe = %q; want %q and a binary named %q", got[0], got[1], tc.arg0, tc.exe)
			}
			if got[2] != acct.Name || got[3] != acct.Home {
				t.Errorf("user %q home %q, want %q %q", got[2], got[3], acct.Name, acct.Home)
			}
			// An interactive login gets a PTY and a login shell ("-name").
			if out := ptyLogin(t, c, `echo "<$0>"; exit`); !strings.Contains(out, "<-"+tc.arg0+">") {
				t.Errorf("interactive login printed %q, want %q", out, "<-"+tc.arg0+">")
			}
		})
	}
}

func TestAccountSudo(t *testing.T) {
	t.Parallel()
	acct := TestAccount(t, "bash")
	s := StartSSHD(t, SSHDOptions{})
	c := Dial(t, s.Addr, s.ClientConfig(acct.Name, ssh.Password(acct.Password)))

	// The right password works; the rule asks again on the next sudo
	// (sudo -n fails where a cached timestamp would let it pass).
	out, err := runStdin(t, c, acct.Password+"\n", `sudo -S -p '' id -u && sudo -n true`)
	// stdout and stderr are two streams: the second sudo's complaint may
	// arrive before id's output
	if !slices.Contains(strings.Split(out, "\n"), "0") {
		t.Errorf("sudo id -u with the right password: output %q, want it to start with %q", out, "0")
	}
	if err == nil || !strings.Contains(out, "password is required") {
		t.Errorf("second sudo -n: err %v, output %q; want it to ask for the password again", err, out)
	}
	if strings.Contains(out, acct.Password) {
		t.Errorf("output %q contains the password", out)
	}

	out, err = runStdin(t, c, "wrong-password\n", `sudo -S -p '' id -u`)
	var exit *ssh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() == 0 || strings.Contains(out, "\n0") || out == "0" {
		t.Errorf("sudo with a wrong password: err %v, output %q; want a refusal", err, out)
	}
}

func TestAccountNoSudo(t *testing.T) {
	t.Parallel()
	acct := TestAccount(t, "nosudo")
	if acct.Sudo {
		t.Errorf("nosudo account says Sudo true")
	}
	_, err := exec.LookPath("sudo")
	Require(t, err == nil, "sudo not installed: apt-get install sudo")
	s := StartSSHD(t, SSHDOptions{})
	c := Dial(t, s.Addr, s.ClientConfig(acct.Name, ssh.Password(acct.Password)))
	out, err := runStdin(t, c, acct.Password+"\n", `sudo -S -p '' id -u`)
	if err == nil || out == "0" {
		t.Errorf("sudo as %q: err %v, output %q; want a refusal", acct.Name, err, out)
	}
}

func TestAccountIdempotentAndSudoersValid(t *testing.T) {
	t.Parallel()
	a := TestAccount(t, "dash")
	b := TestAccount(t, "dash")
	if a != b {
		t.Errorf("second TestAccount = %+v, first %+v", b, a)
	}
	got, err := os.ReadFile(sudoersPath)
	if err != nil {
		t.Fatalf("read %s: %v", sudoersPath, err)
	}
	if string(got) != sudoersText() {
		t.Errorf("%s = %q, want %q", sudoersPath, got, sudoersText())
	}
	if out, err := exec.Command("visudo", "-cf", sudoersPath).CombinedOutput(); err != nil {
		t.Errorf("visudo -cf %s: %v: %s", sudoersPath, err, out)
	}
}

func TestAccountUnknownKind(t *testing.T) {
	t.Parallel()
	ft := callRecorded(t, func(tb testing.TB) { TestAccount(tb, "fish-that-does-not-exist") })
	if !strings.Contains(ft.msg, "unknown kind") || !strings.Contains(ft.msg, "bash") {
		t.Errorf("fatal message %q, want it to name the unknown kind and the valid ones", ft.msg)
	}
}

// TestAccountLockExcludes checks the lock that serializes account setup
// across test processes (flock conflicts between two opens in one process
// too, which is what makes this observable here).
func TestAccountLockExcludes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	unlock, err := lockAccounts(ctx)
	if err != nil {
		t.Fatalf("first lock: %v", err)
	}
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	if unlock2, err := lockAccounts(short); err == nil {
		unlock2()
		unlock()
		t.Fatalf("second lock taken while the first is held")
	} else if !strings.Contains(err.Error(), "another test process") {
		t.Errorf("second lock error %q, want it to say who holds the lock", err)
	}
	unlock()
	unlock3, err := lockAccounts(ctx)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock3()
}

// ptyLogin opens an interactive shell on a PTY, types line and returns
// everything the terminal showed until the shell exited.
func ptyLogin(t testing.TB, c *ssh.Client, line string) string {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm", 50, 200, ssh.TerminalModes{}); err != nil {
		t.Fatalf("pty: %v", err)
	}
	var out bytes.Buffer
	sess.Stdout = &out
	sess.Stdin = strings.NewReader(line + "\n")
	if err := sess.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	ended := make(chan error, 1)
	go func() { ended <- sess.Wait() }()
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("interactive shell ended with %v; terminal showed %q", err, out.String())
		}
	case <-time.After(20 * time.Second):
		sess.Close()
		<-ended
		t.Fatalf("interactive shell did not exit after %q", line)
	}
	return out.String()
}
