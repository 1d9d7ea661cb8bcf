package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2EAristaEOS drives a simulated EOS switch through the binary with
// the built-in arista_eos profile. EOS shows nothing distinctive at login
// (OpenSSH, "Last login:", an IOS-like prompt), so the profile is named.
func TestE2EAristaEOS(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "eos", Hostname: "leaf7",
		Password: devicePassword, EnableSecret: enableSecret})
	s := startServer(t, []mcptest.Host{deviceHost("leaf7", dev)})
	ctx := testContext(t, 3*time.Minute)
	eos := s.deviceRunner(ctx, map[string]any{"host": "leaf7", "profile": "arista_eos", "password": devicePassword, "enable_password": enableSecret})
	unprivileged := map[string]any{"session": "ro", "enable_password": ""}

	t.Run("show version unprivileged", func(t *testing.T) {
		r := eos(t, "show version", unprivileged)
		wantMode(t, r, "exec", "leaf7>")
		sameLines(t, "show version", r.str("output"), simExec(t, dev, "show version"))
	})
	t.Run("invalid input", func(t *testing.T) {
		r := eos(t, "show interfacez", unprivileged)
		wantStatus(t, r, "failed")
		if code, _ := r.num("exit_code"); code != 1 || r.str("error_line") != "% Invalid input (at token 1: 'interfacez')" {
			t.Errorf("exit %d error_line %q, want 1 and the switch's line", code, r.str("error_line"))
		}
	})
	t.Run("enable", func(t *testing.T) {
		r := eos(t, "show privilege", nil)
		wantMode(t, r, "privileged", "leaf7#")
		if !strings.Contains(r.str("output"), "Current privilege level is 15") {
			t.Errorf("output %q, want privilege level 15", r.str("output"))
		}
	})
	t.Run("long output through the pager", func(t *testing.T) {
		wantMode(t, eos(t, "terminal length 20", nil), "privileged", "leaf7#")
		want := simExec(t, dev, "show running-config")
		if n := strings.Count(want, "\n"); n < 60 {
			t.Fatalf("the canned configuration has %d lines; too short to page at 20", n)
		}
		r := eos(t, "show running-config", nil)
		wantMode(t, r, "privileged", "leaf7#")
		if strings.Contains(r.str("output"), "More") {
			t.Errorf("the pager prompt is in the output:\n%s", r.str("output"))
		}
		sameLines(t, "show running-config", r.str("output"), want)
	})
	t.Run("configuration mode", func(t *testing.T) {
		wantMode(t, eos(t, "configure terminal", nil), "configuration", "leaf7(config)#")
		wantMode(t, eos(t, "interface Ethernet3", nil), "configuration", "leaf7(config-if-Et3)#")
		wantMode(t, eos(t, "description to server3", nil), "configuration", "leaf7(config-if-Et3)#")
		wantMode(t, eos(t, "end", nil), "privileged", "leaf7#")
		r := eos(t, "show running-config | section Ethernet3", nil)
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), "   description to server3") {
			t.Errorf("output %q, want the new description", r.str("output"))
		}
	})
	t.Run("wrong enable secret", func(t *testing.T) {
		r := eos(t, "show privilege", map[string]any{"session": "wrong", "enable_password": "not-" + enableSecret})
		if !r.IsError && r.str("status") != "failed" {
			t.Errorf("a wrong enable secret was not reported: %s", r.Text)
		}
		if !strings.Contains(r.Text, "enable") {
			t.Errorf("the failure does not mention enable:\n%s", r.Text)
		}
	})
	s.assertNoSecrets(devicePassword, enableSecret)
}
