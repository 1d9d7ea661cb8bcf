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
		r := asa(t, "show interfacez ip brief", nil)
		wantStatus(t, r, "failed")
		if code, _ := r.num("exit_code"); code != 1 || r.str("error_line") != "ERROR: % Invalid input detected at '^' marker." {
			t.Errorf("exit %d error_line %q, want 1 and the firewall's line", code, r.str("error_line"))
		}
	})
	t.Run("long output through the pager", func(t *testing.T) {
		wantMode(t, asa(t, "terminal pager 20", nil), "privileged", "fw7#")
		want := simExec(t, dev, "show running-config")
		if n := strings.Count(want, "\n"); n < 60 {
			t.Fatalf("the canned configuration has %d lines; too short to page at 20", n)
		}
		r := asa(t, "show running-config", nil)
		wantMode(t, r, "privileged", "fw7#")
		if strings.Contains(r.str("output"), "More") {
			t.Errorf("the pager prompt is in the output:\n%s", r.str("output"))
		}
		sameLines(t, "show running-config", r.str("output"), want)
	})
	t.Run("configuration mode", func(t *testing.T) {
		wantMode(t, asa(t, "configure terminal", nil), "configuration", "fw7(config)#")
		wantMode(t, asa(t, "interface GigabitEthernet0/4", nil), "configuration", "fw7(config-if)#")
		r := asa(t, "security-level 500", nil)
		if r.str("status") != "failed" || r.str("error_line") != "ERROR: % Invalid input detected at '^' marker." {
			t.Errorf("a bad value: status %q error_line %q", r.str("status"), r.str("error_line"))
		}
		wantMode(t, asa(t, "nameif dmz4", nil), "configuration", "fw7(config-if)#")
		wantMode(t, asa(t, "end", nil), "privileged", "fw7#")
		r = asa(t, "show running-config | begin GigabitEthernet0/4", nil)
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), " nameif dmz4") {
			t.Errorf("output %q, want the new nameif", r.str("output"))
		}
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
