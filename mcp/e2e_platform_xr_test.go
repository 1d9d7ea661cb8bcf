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
	const xp = "RP/0/RP0/CPU0:pe7"
	xr := s.deviceRunner(ctx, map[string]any{"host": "pe7", "profile": "cisco_xr", "password": devicePassword})
	p := platformTest{s: s, ctx: ctx, dev: dev, host: "pe7", run: xr}

	t.Run("detected from the login", func(t *testing.T) { p.detected(t, "show version", "exec", xp+"#", "cisco_xr") })
	t.Run("invalid input", func(t *testing.T) { p.failsWith(t, "show interfacez", "% Invalid input detected at '^' marker.") })
	t.Run("long output through the pager", func(t *testing.T) {
		p.pagesLikeExec(t, "terminal length 20", "show running-config", "exec", xp+"#", "More", 60)
	})
	t.Run("configuration mode and commit", func(t *testing.T) {
		wantMode(t, xr(t, "configure terminal", nil), "configuration", xp+"(config)#")
		if r := xr(t, "commit", nil); r.str("status") != "completed" || r.str("error_line") != "" {
			t.Errorf("an empty commit: status %q error_line %q, want completed with no error", r.str("status"), r.str("error_line"))
		}
		wantMode(t, xr(t, "interface GigabitEthernet0/0/0/5", nil), "configuration", xp+"(config-if)#")
		wantMode(t, xr(t, "description to pe5", nil), "configuration", xp+"(config-if)#")
		// A call with an enable secret stays where it is: there is no
		// enable on IOS XR, and leaving would ask about the candidate.
		r := s.call(t, ctx, "execute_command", map[string]any{"host": "pe7", "command": "show configuration",
			"profile": "cisco_xr", "password": devicePassword, "enable_password": "unused"})
		wantMode(t, r, "configuration", xp+"(config-if)#")
		r = xr(t, "end", nil)
		wantStatus(t, r, "awaiting_input")
		if !strings.Contains(r.str("input_prompt"), "Uncommitted changes found") {
			t.Errorf("input_prompt = %q, want the uncommitted-changes question", r.str("input_prompt"))
		}
		id := r.str("command_id")
		s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": "cancel\n"})
		if r := s.waitStatus(t, ctx, id, finished); r.str("status") != "completed" || r.str("mode") != "configuration" {
			t.Errorf("after cancel: status %q mode %q, want completed in configuration", r.str("status"), r.str("mode"))
		}
		wantMode(t, xr(t, "commit", nil), "configuration", xp+"(config-if)#")
		wantMode(t, xr(t, "end", nil), "exec", xp+"#")
		r = xr(t, "show running-config | include to pe5", nil)
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), " description to pe5") {
			t.Errorf("output %q, want the committed description", r.str("output"))
		}
	})
	s.assertNoSecrets(devicePassword)
}
