package devices

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// An enable secret whose config reference gives nothing (an unset
// variable) fails a device command that would have raised the privilege
// level, naming the reference and the variable, instead of running it
// unprivileged. A password given in the call still works.
func TestUnsetEnableSecretNamesItsVariable(t *testing.T) {
	d := devicetest.StartDevice(t, devsim.Options{Platform: "ios"})
	sshConfig := fmt.Sprintf("Host r1\n  HostName %s\n  Port %d\n  User %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		d.Host, d.Port, d.Options.Username, d.KnownHostsPath)
	config := "hosts:\n  - match: [r1]\n    profile: cisco_ios\n    password: {env: MCPT_DEV_PASS}\n    enable_secret: {env: MCPT_UNSET_ENABLE}\n"
	m := newConfigManager(t, sshConfig, config, map[string]string{"MCPT_DEV_PASS": d.Options.Password}, ManagerOptions{})
	h := &deviceHarness{dev: d, m: m, req: hosts.Request{Host: "r1"}}

	info, out := h.run(t, "show privilege", RunOptions{})
	if info.Status != StatusFailed || !errors.Is(info.Err, ErrPrivilege) || !errors.Is(info.Err, hosts.ErrSecret) {
		t.Fatalf("show privilege with an unset enable secret: status %s err %v output %q; want failed, ErrPrivilege and hosts.ErrSecret", info.Status, info.Err, out)
	}
	t.Logf("error: %v", info.Err)
	for _, want := range []string{"MCPT_UNSET_ENABLE", "config.yaml:5", "enable_secret"} {
		if !strings.Contains(info.Err.Error(), want) {
			t.Errorf("error %q should name %q", info.Err, want)
		}
	}
	if strings.Contains(out, "privilege level is 1") {
		t.Errorf("the command ran unprivileged: %q", out)
	}

	info, out = h.run(t, "show privilege", RunOptions{EnablePassword: d.Options.EnableSecret})
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "Current privilege level is 15") {
		t.Errorf("with enable_password: output %q, want privilege level 15", out)
	}
}
