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
	p := platformTest{s: s, ctx: ctx, dev: dev, host: "leaf7", run: eos}
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
		p.pagesLikeExec(t, "terminal length 20", "show running-config", "privileged", "leaf7#", "More", 60)
	})
	t.Run("configuration mode", func(t *testing.T) {
		p.walkConfig(t, configWalk{
			enter: "configure terminal", mode: "configuration", prompt: "leaf7(config)#",
			iface: "interface Ethernet3", ifPrompt: "leaf7(config-if-Et3)#",
			set:   "description to server3",
			leave: "end", leftMode: "privileged", leftPrompt: "leaf7#",
			show: "show running-config | section Ethernet3", want: "   description to server3",
		})
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
