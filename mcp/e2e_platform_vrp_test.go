package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2EHuaweiVRP drives a simulated VRP switch through the binary. A
// VTY login prints its "Info: The max number of VTY users" lines, so one
// session is opened without a profile and must be recognized; the others
// name it. VRP has no enable: the system view is its configuration mode.
func TestE2EHuaweiVRP(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "vrp", Hostname: "sw7", Password: devicePassword})
	s := startServer(t, []mcptest.Host{deviceHost("sw7", dev)})
	ctx := testContext(t, 3*time.Minute)
	vrp := s.deviceRunner(ctx, map[string]any{"host": "sw7", "profile": "huawei_vrp", "password": devicePassword})

	t.Run("detected from the login", func(t *testing.T) {
		r := s.call(t, ctx, "execute_command", map[string]any{"host": "sw7", "command": "display version",
			"password": devicePassword, "session": "detect"})
		wantMode(t, r, "user", "<sw7>")
		sameLines(t, "display version", r.str("output"), simExec(t, dev, "display version"))
		l := s.call(t, ctx, "list_sessions", nil)
		if !strings.Contains(l.Text, `session "detect", profile huawei_vrp`) {
			t.Errorf("the session was not given huawei_vrp:\n%s", l.Text)
		}
	})
	t.Run("unknown command", func(t *testing.T) {
		r := vrp(t, "display interfacez brief", nil)
		wantStatus(t, r, "failed")
		if code, _ := r.num("exit_code"); code != 1 || r.str("error_line") != "Error: Unrecognized command found at '^' position." {
			t.Errorf("exit %d error_line %q, want 1 and the switch's line", code, r.str("error_line"))
		}
	})
	t.Run("long output through the pager", func(t *testing.T) {
		// The configuration holds lines that read like this switch's own
		// prompts ("<sw7>", "[sw7]" in a login header).
		wantMode(t, vrp(t, "screen-length 20 temporary", nil), "user", "<sw7>")
		want := simExec(t, dev, "display current-configuration")
		if n := strings.Count(want, "\n"); n < 60 {
			t.Fatalf("the canned configuration has %d lines; too short to page at 20", n)
		}
		r := vrp(t, "display current-configuration", nil)
		wantMode(t, r, "user", "<sw7>")
		if strings.Contains(r.str("output"), "More") {
			t.Errorf("the pager prompt is in the output:\n%s", r.str("output"))
		}
		sameLines(t, "display current-configuration", r.str("output"), want)
	})
	t.Run("system view", func(t *testing.T) {
		wantMode(t, vrp(t, "system-view", nil), "system", "[sw7]")
		wantMode(t, vrp(t, "interface GigabitEthernet0/0/7", nil), "system", "[sw7-GigabitEthernet0/0/7]")
		r := vrp(t, "mtu 99999", nil)
		if r.str("status") != "failed" || r.str("error_line") != "Error: Wrong parameter found at '^' position." {
			t.Errorf("a bad value: status %q error_line %q", r.str("status"), r.str("error_line"))
		}
		wantMode(t, vrp(t, "description to server7", nil), "system", "[sw7-GigabitEthernet0/0/7]")
		wantMode(t, vrp(t, "return", nil), "user", "<sw7>")
		r = vrp(t, "display current-configuration | begin GigabitEthernet0/0/7", nil)
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), " description to server7") {
			t.Errorf("output %q, want the new description", r.str("output"))
		}
	})
	t.Run("save question", func(t *testing.T) {
		r := vrp(t, "save", map[string]any{"timeout": 10})
		wantStatus(t, r, "awaiting_input")
		if p := r.str("input_prompt"); !strings.Contains(p, "[Y/N]:") {
			t.Errorf("input_prompt = %q, want the save question", p)
		}
		id := r.str("command_id")
		s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": "n\n"})
		if r := s.waitStatus(t, ctx, id, finished); r.str("status") != "completed" {
			t.Errorf("declined save ended %q:\n%s", r.str("status"), r.Text)
		}
	})
	s.assertNoSecrets(devicePassword)
}
