package devices

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// waitInputPrompt waits until c is awaiting input at a prompt containing
// want.
func waitInputPrompt(t testing.TB, c *Command, want string) CommandInfo {
	t.Helper()
	for {
		i := waitStatus(t, c, StatusAwaitingInput)
		if strings.Contains(i.InputPrompt, want) {
			return i
		}
		// an earlier prompt still showing: wait for the next change
		select {
		case <-c.Changed():
		case <-c.Done():
			t.Fatalf("%q finished as %s while waiting for the prompt %q", i.Command, c.Info().Status, want)
		}
	}
}

// TestFaultDeviceReload: the device ends the session itself (a confirmed
// IOS reload, after declining to save a changed configuration). The
// command ends lost, and the next command reconnects, back in privileged
// mode (the enable secret comes from the environment), at the device's
// current prompt.
func TestFaultDeviceReload(t *testing.T) {
	d := devicetest.StartDevice(t, devsim.Options{Platform: "ios"})
	leaks := startLeakCheck()
	m := newFaultManager(t, []faultHost{{Alias: "r1", HostName: d.Host, Port: d.Port, User: d.Options.Username, KnownHosts: d.KnownHostsPath}},
		map[string]string{"OVRD_r1_PASS": d.Options.Password, "OVRD_r1_ENABLE_PASS": d.Options.EnableSecret})
	h := &deviceHarness{dev: d, m: m, req: hosts.Request{Host: "r1", Profile: "cisco_ios"}}

	info, _ := h.run(t, "configure terminal\nhostname EDGE-9\nend", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if info.Mode != "privileged" || info.Prompt != "EDGE-9#" {
		t.Fatalf("after configuring: mode %q prompt %q, want privileged EDGE-9#", info.Mode, info.Prompt)
	}
	c, err := m.Start(t.Context(), h.req, "", "reload", RunOptions{})
	if err != nil {
		t.Fatalf("Start(reload): %v", err)
	}
	waitInputPrompt(t, c, "Save? [yes/no]")
	if err := c.SendInput(t.Context(), "no\n"); err != nil {
		t.Fatalf("SendInput(no): %v", err)
	}
	waitInputPrompt(t, c, "Proceed with reload? [confirm]")
	during := runtime.NumGoroutine()
	if err := c.SendInput(t.Context(), "\n"); err != nil {
		t.Fatalf("SendInput(confirm): %v", err)
	}
	lost := waitDoneWithin(t, c, faultSlack)
	if lost.Status != StatusLost || !errors.Is(lost.Err, ErrClosed) {
		t.Errorf("confirmed reload: status %s err %v; want lost, ErrClosed", lost.Status, lost.Err)
	}
	t.Logf("reload ended: %v; output %q", lost.Err, output(t, c))

	info, out := h.run(t, "show privilege", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "Current privilege level is 15") || info.Prompt != d.Hostname()+"#" {
		t.Errorf("after the reload: prompt %q output %q; want %s# and privilege level 15", info.Prompt, out, d.Hostname())
	}
	if !info.Reconnected || !slices.Contains(info.Restored, "privileged mode") {
		t.Errorf("after the reload: Reconnected %v Restored %q; want true and \"privileged mode\"", info.Reconnected, info.Restored)
	}
	leaks.done(t, m, during)
}
