package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2ECiscoXR drives a simulated IOS XR router through the binary. Its
// SSH server says "Cisco" like an IOS one, but its first prompt names the
// node (RP/0/RP0/CPU0:), so one session is opened without a profile and
// must be given cisco_xr.
func TestE2ECiscoXR(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "xr", Hostname: "pe7", Password: devicePassword})
	s := startServer(t, []mcptest.Host{deviceHost("pe7", dev)})
	ctx := testContext(t, 3*time.Minute)
	const p = "RP/0/RP0/CPU0:pe7"
	xr := func(t *testing.T, command string) callResult {
		t.Helper()
		return s.call(t, ctx, "execute_command", map[string]any{"host": "pe7", "command": command,
			"profile": "cisco_xr", "password": devicePassword})
	}

	t.Run("detected from the login", func(t *testing.T) {
		r := s.call(t, ctx, "execute_command", map[string]any{"host": "pe7", "command": "show version",
			"password": devicePassword, "session": "detect"})
		wantMode(t, r, "exec", p+"#")
		sameLines(t, "show version", r.str("output"), simExec(t, dev, "show version"))
		if l := s.call(t, ctx, "list_sessions", nil); !strings.Contains(l.Text, `session "detect", profile cisco_xr`) {
			t.Errorf("the session was not given cisco_xr:\n%s", l.Text)
		}
	})
	t.Run("invalid input", func(t *testing.T) {
		r := xr(t, "show interfacez")
		if code, _ := r.num("exit_code"); r.str("status") != "failed" || code != 1 || r.str("error_line") != "% Invalid input detected at '^' marker." {
			t.Errorf("status %q exit %d error_line %q, want failed, 1 and the router's line", r.str("status"), code, r.str("error_line"))
		}
	})
	t.Run("long output through the pager", func(t *testing.T) {
		wantMode(t, xr(t, "terminal length 20"), "exec", p+"#")
		want := simExec(t, dev, "show running-config")
		if n := strings.Count(want, "\n"); n < 60 {
			t.Fatalf("the canned configuration has %d lines; too short to page at 20", n)
		}
		r := xr(t, "show running-config")
		wantMode(t, r, "exec", p+"#")
		if strings.Contains(r.str("output"), "More") {
			t.Errorf("the pager prompt is in the output:\n%s", r.str("output"))
		}
		sameLines(t, "show running-config", r.str("output"), want)
	})
	t.Run("configuration mode and commit", func(t *testing.T) {
		wantMode(t, xr(t, "configure terminal"), "configuration", p+"(config)#")
		if r := xr(t, "commit"); r.str("status") != "completed" || r.str("error_line") != "" {
			t.Errorf("an empty commit: status %q error_line %q, want completed with no error", r.str("status"), r.str("error_line"))
		}
		wantMode(t, xr(t, "interface GigabitEthernet0/0/0/5"), "configuration", p+"(config-if)#")
		wantMode(t, xr(t, "description to pe5"), "configuration", p+"(config-if)#")
		// A call with an enable secret stays where it is: there is no
		// enable on IOS XR, and leaving would ask about the candidate.
		r := s.call(t, ctx, "execute_command", map[string]any{"host": "pe7", "command": "show configuration",
			"profile": "cisco_xr", "password": devicePassword, "enable_password": "unused"})
		wantMode(t, r, "configuration", p+"(config-if)#")
		r = xr(t, "end")
		wantStatus(t, r, "awaiting_input")
		if !strings.Contains(r.str("input_prompt"), "Uncommitted changes found") {
			t.Errorf("input_prompt = %q, want the uncommitted-changes question", r.str("input_prompt"))
		}
		id := r.str("command_id")
		s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": "cancel\n"})
		if r := s.waitStatus(t, ctx, id, finished); r.str("status") != "completed" || r.str("mode") != "configuration" {
			t.Errorf("after cancel: status %q mode %q, want completed in configuration", r.str("status"), r.str("mode"))
		}
		wantMode(t, xr(t, "commit"), "configuration", p+"(config-if)#")
		wantMode(t, xr(t, "end"), "exec", p+"#")
		r = xr(t, "show running-config | include to pe5")
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), " description to pe5") {
			t.Errorf("output %q, want the committed description", r.str("output"))
		}
	})
	s.assertNoSecrets(devicePassword)
}
