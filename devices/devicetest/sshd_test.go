package devicetest

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// run executes cmd in an exec channel and returns its trimmed stdout.
func run(t testing.TB, c *ssh.Client, cmd string) string {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput(cmd)
	if err != nil {
		t.Fatalf("run %q: %v; output %q", cmd, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestSSHDKeyLogin(t *testing.T) {
	t.Parallel()
	s := StartSSHD(t, SSHDOptions{})
	c := Dial(t, s.Addr, s.ClientConfig(s.User))
	if got := run(t, c, "id -un"); got != s.User {
		t.Errorf("id -un = %q, want %q", got, s.User)
	}
	if s.Host != "127.0.0.1" || !strings.HasSuffix(s.Addr, ":"+strconv.Itoa(s.Port)) {
		t.Errorf("Host %q Addr %q Port %d disagree", s.Host, s.Addr, s.Port)
	}
}

func TestSSHDKnownHostsFile(t *testing.T) {
	t.Parallel()
	s := StartSSHD(t, SSHDOptions{})
	cb, err := knownhosts.New(s.KnownHostsPath)
	if err != nil {
		t.Fatalf("parse %s: %v", s.KnownHostsPath, err)
	}
	cfg := s.ClientConfig(s.User)
	cfg.HostKeyCallback = cb
	c := Dial(t, s.Addr, cfg)
	run(t, c, "true")
	b, _ := os.ReadFile(s.KnownHostsPath)
	if want := "[127.0.0.1]:"; !strings.HasPrefix(string(b), want) {
		t.Errorf("known_hosts = %q, want a plain line starting %q", b, want)
	}
}

func TestSSHDStopThenDialFails(t *testing.T) {
	t.Parallel()
	s := StartSSHD(t, SSHDOptions{})
	c := Dial(t, s.Addr, s.ClientConfig(s.User))
	shell := startSleeper(t, c)
	s.Stop()
	s.Stop() // idempotent
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c2, err := DialContext(ctx, s.Addr, s.ClientConfig(s.User)); err == nil {
		c2.Close()
		t.Fatalf("dial %s after Stop succeeded, want an error", s.Addr)
	}
	// Stop ends the connections sshd serves and what runs under them, as a
	// host going down would.
	waitEnded(t, c)
	waitGone(t, shell)
}

// waitEnded fails unless the server ends c within 10 s. The client is
// closed on failure, which also releases the waiting goroutine.
func waitEnded(t testing.TB, c *ssh.Client) {
	t.Helper()
	ended := make(chan error, 1)
	go func() { ended <- c.Wait() }()
	select {
	case err := <-ended:
		if err == nil {
			t.Errorf("connection ended cleanly, want an error from the lost transport")
		}
	case <-time.After(10 * time.Second):
		c.Close()
		<-ended
		t.Errorf("connection still open 10 s after the server went away")
	}
}

// startSleeper starts a long sleep in an exec channel and returns its PID.
func startSleeper(t testing.TB, c *ssh.Client) int {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatalf("stdout: %v", err)
	}
	if err := sess.Start("echo $$; exec sleep 600"); err != nil {
		t.Fatalf("start sleep: %v", err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	pid, convErr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || convErr != nil {
		t.Fatalf("read PID: %q, %v %v", line, err, convErr)
	}
	return pid
}

// waitGone polls until pid has exited (a zombie counts as exited).
func waitGone(t testing.TB, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, state, ok := procStat(pid)
		if !ok || state == "Z" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("process %d still alive (state %q) after Stop", pid, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSSHDRestartKeepsHostKeyAndPort(t *testing.T) {
	t.Parallel()
	s := StartSSHD(t, SSHDOptions{})
	before := s.Addr
	old := Dial(t, s.Addr, s.ClientConfig(s.User))
	s.Restart()
	if s.Addr != before {
		t.Fatalf("Addr changed across Restart: %q, want %q", s.Addr, before)
	}
	waitEnded(t, old)
	// ClientConfig pins the host key from before the restart.
	c := Dial(t, s.Addr, s.ClientConfig(s.User))
	if got := run(t, c, "echo ok"); got != "ok" {
		t.Errorf("after Restart: echo ok = %q", got)
	}
}

func TestSSHDExtraConfigWins(t *testing.T) {
	t.Parallel()
	s := StartSSHD(t, SSHDOptions{ExtraConfig: "PubkeyAuthentication no"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c, err := DialContext(ctx, s.Addr, s.ClientConfig(s.User)); err == nil {
		c.Close()
		t.Fatalf("key login succeeded with ExtraConfig %q", "PubkeyAuthentication no")
	}
}

func TestSSHDAuthorizedKeysOption(t *testing.T) {
	t.Parallel()
	other := NewKeyPair(t, t.TempDir(), "")
	s := StartSSHD(t, SSHDOptions{AuthorizedKeys: []ssh.PublicKey{other.Public}})
	c := Dial(t, s.Addr, s.ClientConfig(s.User, ssh.PublicKeys(other.Signer)))
	run(t, c, "true")
}

func TestSSHDKeyThenPasswordLogin(t *testing.T) {
	t.Parallel()
	s := StartSSHD(t, SSHDOptions{})
	key := Dial(t, s.Addr, s.ClientConfig(s.User))
	run(t, key, "true")

	acct := TestAccount(t, "bash")
	pw := Dial(t, s.Addr, s.ClientConfig(acct.Name, ssh.Password(acct.Password)))
	if got := run(t, pw, "id -un"); got != acct.Name {
		t.Errorf("password login: id -un = %q, want %q", got, acct.Name)
	}
	// The client key is authorized for test accounts too.
	k2 := Dial(t, s.Addr, s.ClientConfig(acct.Name))
	if got := run(t, k2, "id -un"); got != acct.Name {
		t.Errorf("key login: id -un = %q, want %q", got, acct.Name)
	}
}

func TestSSHDWrongPasswordRefused(t *testing.T) {
	t.Parallel()
	acct := TestAccount(t, "bash")
	s := StartSSHD(t, SSHDOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, err := DialContext(ctx, s.Addr, s.ClientConfig(acct.Name, ssh.Password(acct.Password+"-wrong")))
	if err == nil {
		c.Close()
		t.Fatalf("login as %q with a wrong password succeeded", acct.Name)
	}
	if !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("dial error %q, want an authentication failure", err)
	}
	if !strings.Contains(s.Log(), "Failed password for "+acct.Name) {
		t.Errorf("sshd log lacks the failed password for %q:\n%s", acct.Name, s.Log())
	}
}

// answerAll answers every keyboard-interactive question with answer.
func answerAll(answer string) ssh.AuthMethod {
	return ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
		answers := make([]string, len(questions))
		for i := range answers {
			answers[i] = answer
		}
		return answers, nil
	})
}

func TestSSHDKeyboardInteractiveNeedsPAM(t *testing.T) {
	t.Parallel()
	acct := TestAccount(t, "bash")
	withPAM := StartSSHD(t, SSHDOptions{PAM: true})
	c := Dial(t, withPAM.Addr, withPAM.ClientConfig(acct.Name, answerAll(acct.Password)))
	if got := run(t, c, "id -un"); got != acct.Name {
		t.Errorf("keyboard-interactive login: id -un = %q, want %q", got, acct.Name)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if c, err := DialContext(ctx, withPAM.Addr, withPAM.ClientConfig(acct.Name, answerAll("wrong"))); err == nil {
		c.Close()
		t.Errorf("keyboard-interactive with a wrong password succeeded")
	}
	noPAM := StartSSHD(t, SSHDOptions{})
	if c, err := DialContext(ctx, noPAM.Addr, noPAM.ClientConfig(acct.Name, answerAll(acct.Password))); err == nil {
		c.Close()
		t.Errorf("keyboard-interactive succeeded without PAM; the option would be pointless")
	}
}

func TestSSHDSFTPSubsystem(t *testing.T) {
	t.Parallel()
	s := StartSSHD(t, SSHDOptions{})
	c := Dial(t, s.Addr, s.ClientConfig(s.User))
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	if err := sess.RequestSubsystem("sftp"); err != nil {
		t.Fatalf("sftp subsystem: %v", err)
	}
}

// TestSSHDForwardingAsJumpHost dials a second sshd through the first, as
// ProxyJump does.
func TestSSHDForwardingAsJumpHost(t *testing.T) {
	t.Parallel()
	jump := StartSSHD(t, SSHDOptions{})
	target := StartSSHD(t, SSHDOptions{})
	jc := Dial(t, jump.Addr, jump.ClientConfig(jump.User))
	conn, err := jc.Dial("tcp", target.Addr)
	if err != nil {
		t.Fatalf("direct-tcpip from %s to %s: %v", jump.Addr, target.Addr, err)
	}
	cc, chans, reqs, err := ssh.NewClientConn(conn, target.Addr, target.ClientConfig(target.User))
	if err != nil {
		t.Fatalf("ssh through the jump host: %v", err)
	}
	c := ssh.NewClient(cc, chans, reqs)
	defer c.Close()
	if got := run(t, c, "echo jumped"); got != "jumped" {
		t.Errorf("through the jump host: %q", got)
	}
}

// BenchmarkStartSSHD measures what a test pays for its own sshd: start,
// one key login, stop.
func BenchmarkStartSSHD(b *testing.B) {
	for b.Loop() {
		s := StartSSHD(b, SSHDOptions{})
		c := Dial(b, s.Addr, s.ClientConfig(s.User))
		c.Close()
		s.Stop()
	}
}

func TestSSHDBadExtraConfigSaysWhy(t *testing.T) {
	t.Parallel()
	r := callRecorded(t, func(tb testing.TB) { StartSSHD(tb, SSHDOptions{ExtraConfig: "NoSuchKeyword yes"}) })
	if !r.fatal || !strings.Contains(r.msg, "rejected") || !strings.Contains(r.msg, "NoSuchKeyword") {
		t.Errorf("StartSSHD with a bad option: fatal %v, message %q; want sshd's complaint about the option", r.fatal, r.msg)
	}
}
