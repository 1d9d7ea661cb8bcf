package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2ECiscoASA drives a simulated ASA through the binary. The ASA's
// login ends with its "Type help or '?'" line, so one session is opened
// without a profile and must be recognized; the others name it and give
// the enable secret, after which the profile turns the pager off.
func TestE2ECiscoASA(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "asa", Hostname: "fw7",
		Password: devicePassword, EnableSecret: enableSecret})
	s := startServer(t, []mcptest.Host{deviceHost("fw7", dev)})
	ctx := testContext(t, 3*time.Minute)
	asa := s.deviceRunner(ctx, map[string]any{"host": "fw7", "profile": "cisco_asa", "password": devicePassword, "enable_password": enableSecret})
	p := platformTest{s: s, ctx: ctx, dev: dev, host: "fw7", run: asa}

	t.Run("detected from the login, paged show version", func(t *testing.T) {
		// Unprivileged, the pager is still on: show version is longer
		// than a page and must come through whole.
		r := s.call(t, ctx, "execute_command", map[string]any{"host": "fw7", "command": "show version",
			"password": devicePassword, "session": "detect"})
		wantMode(t, r, "exec", "fw7>")
		if strings.Contains(r.str("output"), "More") {
			t.Errorf("the pager prompt is in the output:\n%s", r.str("output"))
		}
		sameLines(t, "show version", r.str("output"), simExec(t, dev, "show version"))
		l := s.call(t, ctx, "list_sessions", nil)
		if !strings.Contains(l.Text, `session "detect", profile cisco_asa`) {
			t.Errorf("the session was not given cisco_asa:\n%s", l.Text)
		}
	})
	t.Run("enable with a secret", func(t *testing.T) {
		r := asa(t, "show hostname", nil)
		wantMode(t, r, "privileged", "fw7#")
		if strings.TrimSpace(r.str("output")) != "fw7" {
			t.Errorf("output %q, want the hostname", r.str("output"))
		}
	})
	t.Run("invalid command", func(t *testing.T) {
		p.failsWith(t, "show interfacez ip brief", "ERROR: % Invalid input detected at '^' marker.")
	})
	t.Run("long output through the pager", func(t *testing.T) {
		p.pagesLikeExec(t, "terminal pager 20", "show running-config", "privileged", "fw7#", "More", 60)
	})
	t.Run("configuration mode", func(t *testing.T) {
		p.walkConfig(t, configWalk{
			enter: "configure terminal", mode: "configuration", prompt: "fw7(config)#",
			iface: "interface GigabitEthernet0/4", ifPrompt: "fw7(config-if)#",
			bad: "security-level 500", badLine: "ERROR: % Invalid input detected at '^' marker.",
			set:   "nameif dmz4",
			leave: "end", leftMode: "privileged", leftPrompt: "fw7#",
			show: "show running-config | begin GigabitEthernet0/4", want: " nameif dmz4",
		})
	})
	t.Run("wrong enable secret", func(t *testing.T) {
		r := asa(t, "show hostname", map[string]any{"session": "wrong", "enable_password": "not-" + enableSecret})
		if !r.IsError && r.str("status") != "failed" {
			t.Errorf("a wrong enable secret was not reported: %s", r.Text)
		}
		if !strings.Contains(r.Text, "enable") {
			t.Errorf("the failure does not mention enable:\n%s", r.Text)
		}
	})
	s.assertNoSecrets(devicePassword, enableSecret)
}
