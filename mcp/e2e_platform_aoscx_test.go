package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2EArubaAOSCX drives a simulated AOS-CX switch through the binary.
// AOS-CX counts the user's recent logins right above the first prompt, so
// one session is opened without a profile and must be recognized; the
// others name it. An administrator lands at the manager prompt: no enable.
func TestE2EArubaAOSCX(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "aoscx", Hostname: "sw7", Password: devicePassword})
	s := startServer(t, []mcptest.Host{deviceHost("sw7", dev)})
	ctx := testContext(t, 3*time.Minute)
	cx := s.deviceRunner(ctx, map[string]any{"host": "sw7", "profile": "aruba_aoscx", "password": devicePassword})

	t.Run("detected from the login", func(t *testing.T) {
		r := s.call(t, ctx, "execute_command", map[string]any{"host": "sw7", "command": "show version",
			"password": devicePassword, "session": "detect"})
		wantMode(t, r, "manager", "sw7#")
		sameLines(t, "show version", r.str("output"), simExec(t, dev, "show version"))
		l := s.call(t, ctx, "list_sessions", nil)
		if !strings.Contains(l.Text, `session "detect", profile aruba_aoscx`) {
			t.Errorf("the session was not given aruba_aoscx:\n%s", l.Text)
		}
	})
	t.Run("invalid input", func(t *testing.T) {
		r := cx(t, "show interfacez brief", nil)
		wantStatus(t, r, "failed")
		if code, _ := r.num("exit_code"); code != 1 || r.str("error_line") != "Invalid input: interfacez" {
			t.Errorf("exit %d error_line %q, want 1 and the switch's line", code, r.str("error_line"))
		}
	})
	t.Run("long output through the pager", func(t *testing.T) {
		wantMode(t, cx(t, "page 20", nil), "manager", "sw7#")
		want := simExec(t, dev, "show running-config")
		if n := strings.Count(want, "\n"); n < 60 {
			t.Fatalf("the canned configuration has %d lines; too short to page at 20", n)
		}
		r := cx(t, "show running-config", nil)
		wantMode(t, r, "manager", "sw7#")
		if strings.Contains(r.str("output"), "More") {
			t.Errorf("the pager prompt is in the output:\n%s", r.str("output"))
		}
		sameLines(t, "show running-config", r.str("output"), want)
	})
	t.Run("configuration mode", func(t *testing.T) {
		wantMode(t, cx(t, "configure terminal", nil), "configuration", "sw7(config)#")
		wantMode(t, cx(t, "interface 1/1/7", nil), "configuration", "sw7(config-if)#")
		r := cx(t, "mtu 99999", nil)
		if r.str("status") != "failed" || r.str("error_line") != "Invalid input: 99999" {
			t.Errorf("a bad value: status %q error_line %q", r.str("status"), r.str("error_line"))
		}
		wantMode(t, cx(t, "description to server7", nil), "configuration", "sw7(config-if)#")
		wantMode(t, cx(t, "end", nil), "manager", "sw7#")
		r = cx(t, "show running-config | begin 1/1/7", nil)
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), "    description to server7") {
			t.Errorf("output %q, want the new description", r.str("output"))
		}
	})
	s.assertNoSecrets(devicePassword)
}
