package devices

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// A secret reference in config.yaml that gives nothing (an unset
// variable) fails only what needs that secret, and says which variable:
// the host stays usable for everything else.
func TestUnsetConfigSecretFailsOnlyItsUse(t *testing.T) {
	acct := devicetest.TestAccount(t, "bash")
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	sshConfig := fmt.Sprintf("Host lab\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		s.Host, s.Port, acct.Name, s.ClientKey.Path, s.KnownHostsPath)
	m := newConfigManager(t, sshConfig, "hosts:\n  - match: [lab]\n    sudo_password: {env: MCPT_UNSET_SUDO}\n    enable_secret: {env: MCPT_UNSET_ENABLE}\n", nil, ManagerOptions{})
	ctx := testCtx(t, 60*time.Second)
	c, err := m.Start(ctx, hosts.Request{Host: "lab"}, "", "echo plain-$((6*7))", RunOptions{})
	if err != nil {
		t.Fatalf("a command that needs no secret: %v", err)
	}
	if info := waitDone(t, c); info.Status != StatusCompleted || !strings.Contains(output(t, c), "plain-42") {
		t.Fatalf("a command that needs no secret: %s, %q", info.Status, output(t, c))
	}
	file := filepath.Join(acct.Home, ".mcpt-lazy")
	t.Cleanup(func() { os.Remove(file) })
	if _, err := m.WriteFile(ctx, hosts.Request{Host: "lab"}, file, []byte("x"), WriteOptions{}); err != nil {
		t.Fatalf("a file call that needs no secret: %v", err)
	}
	c, err = m.Start(ctx, hosts.Request{Host: "lab"}, "", "sudo -k; sudo id -un", RunOptions{})
	if err != nil {
		t.Fatalf("a sudo command: %v", err)
	}
	info := waitStatus(t, c, StatusAwaitingInput)
	t.Logf("sudo prompt: %s", info.InputPrompt)
	if !strings.Contains(info.InputPrompt, "MCPT_UNSET_SUDO") {
		t.Errorf("sudo prompt %q should name the unset variable MCPT_UNSET_SUDO", info.InputPrompt)
	}
}
