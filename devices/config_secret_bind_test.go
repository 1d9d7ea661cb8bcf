package devices

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// secretManager is a Manager with the given ssh_config, and a config.yaml
// that gives every "lab-*" alias a login password from LAB_PASS.
func secretManager(t *testing.T, sshConfig string) *Manager {
	t.Helper()
	return newConfigManager(t, sshConfig, "hosts:\n  - match: [\"lab-*\"]\n    password: {env: LAB_PASS}\n",
		map[string]string{"LAB_PASS": devicetest.AccountPassword}, ManagerOptions{})
}

// A config secret belongs to the destination the user configured: a port
// or user name from the call is refused for an entry that carries one,
// and the secret goes only to a host whose key is already known, never to
// one whose key accept-new would take on trust.
func TestConfigSecretBoundToDestination(t *testing.T) {
	acct := devicetest.TestAccount(t, "nosudo")
	good := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	rogue := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	fresh := filepath.Join(t.TempDir(), "known_hosts")
	writeFile(t, fresh, "")
	m := secretManager(t, fmt.Sprintf("Host lab-a\n  HostName %s\n  Port %d\n  User %s\n  IdentityAgent none\n  IdentityFile none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking accept-new\n"+
		"Host lab-new\n  HostName %s\n  Port %d\n  User %s\n  IdentityAgent none\n  IdentityFile none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking accept-new\n",
		good.Host, good.Port, acct.Name, good.KnownHostsPath, rogue.Host, rogue.Port, acct.Name, fresh))
	ctx := testCtx(t, 60*time.Second)

	if _, err := m.conn(ctx, hosts.Request{Host: "lab-a"}); err != nil {
		t.Fatalf("the configured host with its known key: %v", err)
	}
	for _, req := range []hosts.Request{
		{Host: "lab-a", Port: rogue.Port},
		{Host: "lab-a", Username: "mcpt-bash"},
		{Host: "mcpt-bash@lab-a"},
	} {
		_, err := m.conn(ctx, req)
		t.Logf("%+v: %v", req, err)
		if !errors.Is(err, hosts.ErrResolve) || !strings.Contains(err.Error(), "config.yaml") {
			t.Errorf("%+v: err = %v, want it refused because the entry carries a secret", req, err)
		}
	}
	_, err := m.conn(ctx, hosts.Request{Host: "lab-new"})
	t.Logf("lab-new: %v", err)
	var he *HostKeyError
	if !errors.As(err, &he) || he.Kind != HostKeyUnknown {
		t.Errorf("a config secret for a host with a new key: err = %v, want the new key refused", err)
	}
	if got := readFile(t, fresh); got != "" {
		t.Errorf("the new key was recorded: %q", got)
	}
	// Nor to one whose key StrictHostKeyChecking no would take unchecked.
	m2 := secretManager(t, fmt.Sprintf("Host lab-no\n  HostName %s\n  Port %d\n  User %s\n  IdentityAgent none\n  IdentityFile none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking no\n",
		rogue.Host, rogue.Port, acct.Name, fresh))
	if _, err := m2.conn(ctx, hosts.Request{Host: "lab-no"}); !errors.As(err, &he) {
		t.Errorf("a config secret for an unchecked key (StrictHostKeyChecking no): err = %v, want the key refused", err)
	}
	// Not even with a password of the call's own: the key recorded then
	// would be trusted with the config's secret by the next call.
	if _, err := m.conn(ctx, hosts.Request{Host: "lab-new", Password: acct.Password}); !errors.As(err, &he) {
		t.Errorf("a new key for a host the config gives secrets, with the call's own password: err = %v, want the key refused", err)
	}
	if got := readFile(t, fresh); got != "" {
		t.Errorf("the new key was recorded: %q", got)
	}
}
