package devices

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// passwordTarget is a Target for a test account that logs in with its
// password only.
func passwordTarget(s *devicetest.SSHD, acct devicetest.Account, password string) hosts.Target {
	tg := keyTarget(s)
	tg.User = acct.Name
	tg.IdentityFiles = nil
	tg.Secrets.Password = password
	return tg
}

// authErr dials tg and returns the AuthError it must fail with.
func authErr(t *testing.T, tg hosts.Target) *AuthError {
	t.Helper()
	return authErrPool(t, newTestPool(t, PoolOptions{}), tg)
}

func authErrPool(t *testing.T, p *Pool, tg hosts.Target) *AuthError {
	t.Helper()
	_, _, err := p.Conn(testCtx(t, 20*time.Second), tg)
	var ae *AuthError
	if !errors.As(err, &ae) || !errors.Is(err, ErrAuth) {
		t.Fatalf("dial %q: err = %v, want an AuthError matching ErrAuth", tg.Key(), err)
	}
	t.Logf("dial %q: %v", tg.Key(), err)
	return ae
}

// outcome returns the outcome recorded for the first method whose name
// starts with prefix.
func outcome(ae *AuthError, prefix string) string {
	for _, m := range ae.Methods {
		if strings.HasPrefix(m.Method, prefix) {
			return m.Outcome
		}
	}
	return ""
}

func TestAuthPassword(t *testing.T) {
	acct := devicetest.TestAccount(t, "nosudo")
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	c := mustConn(t, newTestPool(t, PoolOptions{}), passwordTarget(s, acct, acct.Password))
	var out strings.Builder
	if code, err := c.Exec(testCtx(t, 30*time.Second), "id -un", nil, &out, nil); code != 0 || err != nil {
		t.Fatalf("Exec(id -un) = %d, %v", code, err)
	}
	if got := strings.TrimSpace(out.String()); got != acct.Name {
		t.Fatalf("logged in as %q, want %q", got, acct.Name)
	}
}

func TestAuthWrongPasswordSaysWhy(t *testing.T) {
	acct := devicetest.TestAccount(t, "nosudo")
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	const wrong = "not-the-Password-42"
	ae := authErr(t, passwordTarget(s, acct, wrong))
	if got := outcome(ae, "password"); got != "server rejected the password" {
		t.Errorf("password outcome = %q, want %q (all: %+v)", got, "server rejected the password", ae.Methods)
	}
	if strings.Contains(ae.Error(), wrong) {
		t.Errorf("AuthError text contains the password: %q", ae.Error())
	}
	if !strings.Contains(ae.Error(), "password") || !strings.Contains(ae.Error(), acct.Name) {
		t.Errorf("AuthError text %q should name the user and the method", ae.Error())
	}
}

func TestAuthKeyboardInteractive(t *testing.T) {
	acct := devicetest.TestAccount(t, "nosudo")
	_, err := os.Stat("/etc/pam.d/sshd")
	devicetest.Require(t, err == nil, "keyboard-interactive needs sshd's PAM configuration /etc/pam.d/sshd (openssh-server)")
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{ExtraConfig: "UsePAM yes\nPasswordAuthentication no"})
	mustConn(t, newTestPool(t, PoolOptions{}), passwordTarget(s, acct, acct.Password))

	ae := authErr(t, passwordTarget(s, acct, "wrong-Password-1"))
	if got := outcome(ae, "keyboard-interactive"); got != "server rejected the password" {
		t.Errorf("keyboard-interactive outcome = %q (all: %+v)", got, ae.Methods)
	}
	if got := outcome(ae, "password"); !strings.HasPrefix(got, "not offered") {
		t.Errorf("password outcome = %q, want it not offered (all: %+v)", got, ae.Methods)
	}
}

func TestAuthPasswordDoesNotDisableKeys(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	tg := keyTarget(s)
	tg.Secrets.Password = "wrong-but-unused"
	mustConn(t, newTestPool(t, PoolOptions{}), tg)
}

func TestAuthKeyFiles(t *testing.T) {
	dir := t.TempDir()
	encrypted := devicetest.NewKeyPair(t, dir, "Key-Phrase-9")
	stranger := devicetest.NewKeyPair(t, dir, "")
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{AuthorizedKeys: []ssh.PublicKey{encrypted.Public}})

	tg := keyTarget(s)
	tg.IdentityFiles = []string{filepath.Join(dir, "missing_key"), stranger.Path, encrypted.Path}
	ae := authErr(t, tg)
	if got := outcome(ae, "key "+stranger.Path); got != "server refused the key" {
		t.Errorf("unauthorized key outcome = %q (all: %+v)", got, ae.Methods)
	}
	wantEnc := "key " + encrypted.Path + " is encrypted: set key_passphrase in config.yaml (a secret reference)"
	if got := outcome(ae, "key "+encrypted.Path); got != wantEnc {
		t.Errorf("encrypted key outcome = %q, want %q", got, wantEnc)
	}
	if strings.Contains(ae.Error(), "missing_key") {
		t.Errorf("a missing identity file is skipped silently as OpenSSH does, got %q", ae.Error())
	}

	tg.Secrets.KeyPassphrase = "wrong phrase"
	ae = authErr(t, tg)
	if got := outcome(ae, "key "+encrypted.Path); !strings.Contains(got, "key_passphrase from config.yaml is wrong") {
		t.Errorf("wrong passphrase outcome = %q", got)
	}
	if strings.Contains(ae.Error(), "wrong phrase") {
		t.Errorf("AuthError text contains the passphrase: %q", ae.Error())
	}

	tg.Secrets.KeyPassphrase = encrypted.Passphrase
	mustConn(t, newTestPool(t, PoolOptions{}), tg)
}

// serveAgent serves keyring on a unix socket in a temp dir until the test
// ends, and returns the socket path.
func serveAgent(t *testing.T, keyring agent.Agent) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatalf("listen on %q: %v", sock, err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				agent.ServeAgent(keyring, c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return sock
}

// agentWith returns a keyring holding the private keys of the given files.
func agentWith(t *testing.T, keys ...devicetest.KeyPair) agent.Agent {
	t.Helper()
	keyring := agent.NewKeyring()
	for _, k := range keys {
		data, err := os.ReadFile(k.Path)
		if err != nil {
			t.Fatalf("read %q: %v", k.Path, err)
		}
		raw, err := ssh.ParseRawPrivateKeyWithPassphrase(data, []byte(k.Passphrase))
		if k.Passphrase == "" {
			raw, err = ssh.ParseRawPrivateKey(data)
		}
		if err != nil {
			t.Fatalf("parse %q: %v", k.Path, err)
		}
		if err := keyring.Add(agent.AddedKey{PrivateKey: raw}); err != nil {
			t.Fatalf("add key to agent: %v", err)
		}
	}
	return keyring
}

func TestAuthAgent(t *testing.T) {
	dir := t.TempDir()
	other := devicetest.NewKeyPair(t, dir, "")
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	sock := serveAgent(t, agentWith(t, other, s.ClientKey))

	tg := keyTarget(s)
	tg.IdentityFiles = nil
	tg.IdentityAgent = sock
	mustConn(t, newTestPool(t, PoolOptions{}), tg)

	// IdentitiesOnly keeps only agent keys that match an identity file:
	// here the unauthorized one, so the login must fail on that key alone.
	tg.IdentitiesOnly = true
	tg.IdentityFiles = []string{other.Path}
	ae := authErr(t, tg)
	if len(ae.Methods) != 1 || !strings.HasPrefix(ae.Methods[0].Method, "agent key") ||
		!strings.Contains(ae.Methods[0].Method, ssh.FingerprintSHA256(other.Public)) {
		t.Errorf("with IdentitiesOnly the agent should offer only %s, got %+v",
			ssh.FingerprintSHA256(other.Public), ae.Methods)
	}

	// An encrypted identity file whose key the agent holds needs no
	// passphrase: the agent signs.
	enc := devicetest.NewKeyPair(t, dir, "Agent-Phrase-3")
	s2 := devicetest.StartSSHD(t, devicetest.SSHDOptions{AuthorizedKeys: []ssh.PublicKey{enc.Public}})
	tg2 := keyTarget(s2)
	tg2.IdentityFiles = []string{enc.Path}
	tg2.IdentitiesOnly = true
	tg2.IdentityAgent = serveAgent(t, agentWith(t, enc))
	mustConn(t, newTestPool(t, PoolOptions{}), tg2)
}

func TestAuthAgentNoneAndHook(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	keyring := agentWith(t, s.ClientKey)
	calls := 0
	var mu sync.Mutex
	p := newTestPool(t, PoolOptions{Agent: func() (agent.ExtendedAgent, io.Closer, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return keyring.(agent.ExtendedAgent), io.NopCloser(nil), nil
	}})
	tg := keyTarget(s)
	tg.IdentityFiles = nil
	tg.IdentityAgent = "" // the hook replaces SSH_AUTH_SOCK
	mustConn(t, p, tg)
	if calls != 1 {
		t.Fatalf("agent hook called %d times, want 1", calls)
	}
	tg.IdentityAgent = "none"
	p2 := newTestPool(t, PoolOptions{Agent: func() (agent.ExtendedAgent, io.Closer, error) {
		t.Errorf("agent hook called although IdentityAgent is none")
		return nil, nil, errors.New("unexpected")
	}})
	ae := authErrPool(t, p2, tg)
	if len(ae.Methods) != 0 {
		t.Errorf("with no agent and no keys nothing should be tried, got %+v", ae.Methods)
	}
}
