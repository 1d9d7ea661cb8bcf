package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2ECiscoNXOS drives a simulated Nexus switch through the binary.
// NX-OS prints its copyright header at login, so one session is opened
// without a profile and must be recognized; the others name it.
func TestE2ECiscoNXOS(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "nxos", Hostname: "nx7", Password: devicePassword})
	s := startServer(t, []mcptest.Host{deviceHost("nx7", dev)})
	ctx := testContext(t, 3*time.Minute)
	nxos := s.deviceRunner(ctx, map[string]any{"host": "nx7", "profile": "cisco_nxos", "password": devicePassword})

	t.Run("detected from the login", func(t *testing.T) {
		r := s.call(t, ctx, "execute_command", map[string]any{"host": "nx7", "command": "show version",
			"password": devicePassword, "session": "detect"})
		wantMode(t, r, "privileged", "nx7#")
		sameLines(t, "show version", r.str("output"), simExec(t, dev, "show version"))
		l := s.call(t, ctx, "list_sessions", nil)
		if !strings.Contains(l.Text, `session "detect", profile cisco_nxos`) {
			t.Errorf("the session was not given cisco_nxos:\n%s", l.Text)
		}
	})
	t.Run("invalid command", func(t *testing.T) {
		r := nxos(t, "show interfacez brief", nil)
		wantStatus(t, r, "failed")
		if code, _ := r.num("exit_code"); code != 1 || r.str("error_line") != "% Invalid command at '^' marker." {
			t.Errorf("exit %d error_line %q, want 1 and the switch's line", code, r.str("error_line"))
		}
	})
	t.Run("long output through the pager", func(t *testing.T) {
		wantMode(t, nxos(t, "terminal length 25", nil), "privileged", "nx7#")
		want := simExec(t, dev, "show running-config")
		if n := strings.Count(want, "\n"); n < 75 {
			t.Fatalf("the canned configuration has %d lines; too short to page at 25", n)
		}
		r := nxos(t, "show running-config", nil)
		wantMode(t, r, "privileged", "nx7#")
		if strings.Contains(r.str("output"), "More") {
			t.Errorf("the pager prompt is in the output:\n%s", r.str("output"))
		}
		sameLines(t, "show running-config", r.str("output"), want)
	})
	t.Run("configuration mode", func(t *testing.T) {
		r := nxos(t, "configure terminal", nil)
		wantMode(t, r, "configuration", "nx7(config)#")
		wantMode(t, nxos(t, "interface ethernet1/7", nil), "configuration", "nx7(config-if)#")
		r = nxos(t, "mtu 99999", nil)
		if r.str("status") != "failed" || r.str("error_line") != "% Invalid parameter detected at '^' marker." {
			t.Errorf("a bad value: status %q error_line %q", r.str("status"), r.str("error_line"))
		}
		wantMode(t, nxos(t, "description to server7", nil), "configuration", "nx7(config-if)#")
		wantMode(t, nxos(t, "end", nil), "privileged", "nx7#")
		r = nxos(t, "show running-config | section Ethernet1/7", nil)
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), "  description to server7") {
			t.Errorf("output %q, want the new description", r.str("output"))
		}
	})
	t.Run("reload question", func(t *testing.T) {
		r := nxos(t, "reload", map[string]any{"timeout": 10})
		wantStatus(t, r, "awaiting_input")
		if p := r.str("input_prompt"); !strings.Contains(p, "(y/n)?  [n]") {
			t.Errorf("input_prompt = %q, want the reload question", p)
		}
		id := r.str("command_id")
		s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": "n\n"})
		if r := s.waitStatus(t, ctx, id, finished); r.str("status") != "completed" {
			t.Errorf("declined reload ended %q:\n%s", r.str("status"), r.Text)
		}
	})
	s.assertNoSecrets(devicePassword)
}
