package devices

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// TestSendSecretFromConfig: a secret named in the host's config entry is
// typed at a live prompt without the caller seeing it: the program gets
// it, the wire log shows it redacted, and where the terminal echoes it the
// output and the command's lines show it masked. An unknown name is an
// error that lists the host's names and no value.
func TestSendSecretFromConfig(t *testing.T) {
	const value = "tq-Secret-4711xyz"
	acct := devicetest.TestAccount(t, "bash")
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	sshConfig := fmt.Sprintf("Host lab\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		s.Host, s.Port, acct.Name, s.ClientKey.Path, s.KnownHostsPath)
	config := "hosts:\n  - match: [lab]\n    secrets:\n      tacacs_password: {env: MCPT_TACACS}\n      other-key: {env: MCPT_UNSET}\n"
	wire := &tailBuffer{max: 1 << 20}
	m := newConfigManager(t, sshConfig, config, map[string]string{"MCPT_TACACS": value}, ManagerOptions{WireLog: wire})
	ctx := testCtx(t, waitBound)

	c, err := m.Start(ctx, hosts.Request{Host: "lab"}, "", `read -rs -p 'Password: ' pw; echo "${#pw}"`, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitPartial(t, c, "Password:")
	err = c.SendSecret(ctx, "no_such")
	if !errors.Is(err, hosts.ErrUnknownSecret) || !strings.Contains(err.Error(), "other-key, tacacs_password") {
		t.Errorf("SendSecret(no_such): %v; want ErrUnknownSecret listing other-key, tacacs_password", err)
	}
	if err := c.SendSecret(ctx, "other-key"); !errors.Is(err, hosts.ErrSecret) || !strings.Contains(err.Error(), "MCPT_UNSET") {
		t.Errorf("SendSecret(other-key): %v; want ErrSecret naming MCPT_UNSET", err)
	}
	if err := c.SendSecret(ctx, "tacacs_password"); err != nil {
		t.Fatalf("SendSecret(tacacs_password): %v", err)
	}
	info := waitDone(t, c)
	if out := output(t, c); info.Status != StatusCompleted || out != fmt.Sprintf("Password: %d\n", len(value)) {
		t.Errorf("read -s answered with the secret: %s, output %q; want completed, %q", info.Status, out, fmt.Sprintf("Password: %d\n", len(value)))
	}

	// With echo on the terminal shows what was typed: masked.
	c, err = m.Start(ctx, hosts.Request{Host: "lab"}, "", `read -r -p 'Key: ' k; echo "got $k."`, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitPartial(t, c, "Key:")
	if err := c.SendSecret(ctx, "tacacs_password"); err != nil {
		t.Fatalf("SendSecret: %v", err)
	}
	info = waitDone(t, c)
	stars := strings.Repeat("*", len(value))
	out := output(t, c)
	if !strings.Contains(out, "got "+stars+".") || strings.Contains(out, value) {
		t.Errorf("echoed secret: output %q; want it masked as %q", out, stars)
	}
	for off := int64(0); off < int64(len(out)); off++ { // windows that cut the secret
		part, _, _ := c.Output(off, 7)
		for i := 0; i+4 <= len(value); i++ {
			if strings.Contains(part, value[i:i+4]) {
				t.Fatalf("Output(%d, 7) = %q shows part of the secret", off, part)
			}
		}
	}
	later, err := m.Start(ctx, hosts.Request{Host: "lab"}, "", `echo "later:$k"`, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, later)
	if out := output(t, later); out != "later:"+stars+"\n" {
		t.Errorf("a later command printing the secret: %q; want it masked", out)
	}
	if strings.Contains(info.LastLine, value) || strings.Contains(wire.String(), value) || !strings.Contains(wire.String(), "<redacted>") {
		t.Errorf("secret visible: last line %q, wire log has it %v, wire log redacted %v",
			info.LastLine, strings.Contains(wire.String(), value), strings.Contains(wire.String(), "<redacted>"))
	}
}

// waitPartial waits until c's unfinished last line, or the prompt it
// awaits input at, contains s.
func waitPartial(t testing.TB, c *Command, s string) {
	t.Helper()
	deadline := testCtx(t, waitBound)
	for {
		ch := c.Changed()
		if i := c.Info(); strings.Contains(i.PartialLine, s) || strings.Contains(i.InputPrompt, s) {
			return
		}
		select {
		case <-ch:
		case <-deadline.Done():
			t.Fatalf("command %q: no prompt %q: %+v", c.Info().Command, s, c.Info())
		}
	}
}
