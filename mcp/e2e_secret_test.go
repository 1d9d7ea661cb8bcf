package mcp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2ESendInputSecret: send_input's secret types a secret the host's
// config entry names, which the agent never sees in any result or log;
// an unknown name lists the names there are, and input_text with secret
// is refused.
func TestE2ESendInputSecret(t *testing.T) {
	const value = "tq-Secret-4711xyz"
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "tacacs")
	config := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(secretFile, []byte(value+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte("hosts:\n  - match: [lab]\n    secrets:\n      tacacs_password: {command: \"cat "+secretFile+"\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, "--config", config)
	ctx := testContext(t, 2*time.Minute)

	r := run(t, ctx, s, `read -rs -p 'Password: ' pw; echo "len=${#pw}"`, map[string]any{"timeout": 0})
	id := r.str("command_id")
	r = s.waitStatus(t, ctx, id, func(st string) bool { return st == "awaiting_input" })
	if !strings.Contains(r.Text, "secret=NAME (tacacs_password)") {
		t.Errorf("a prompt on a host with secrets should name them; result:\n%s", r.Text)
	}

	r = s.call(t, ctx, "send_input", map[string]any{"command_id": id, "secret": "nope"})
	if !r.IsError || !strings.Contains(r.Text, "tacacs_password") || !strings.Contains(r.Text, "nothing was typed") {
		t.Errorf("an unknown secret name: isError %v, %s; want an error listing tacacs_password", r.IsError, r.Text)
	}
	r = s.call(t, ctx, "send_input", map[string]any{"command_id": id, "secret": "tacacs_password", "input_text": `x\n`})
	if !r.IsError || !strings.Contains(r.Text, "cannot be combined") {
		t.Errorf("secret with input_text: isError %v, %s; want refused", r.IsError, r.Text)
	}
	r = s.call(t, ctx, "send_input", map[string]any{"command_id": id, "secret": "tacacs_password"})
	if r.IsError || !strings.Contains(r.Text, `Secret "tacacs_password" typed`) {
		t.Errorf("send_input secret: isError %v, %s", r.IsError, r.Text)
	}
	r = s.waitStatus(t, ctx, id, finished)
	if r.str("status") != "completed" || !strings.Contains(r.str("output"), "len=17") {
		t.Errorf("read answered with the secret: status %q output %q; want completed, len=17", r.str("status"), r.str("output"))
	}
	s.assertNoSecrets(value)
}
