package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2ELoginPromptMismatch: a profile whose prompts the device never
// shows fails within the call's timeout (not the server's own login
// bound), names the line that came instead and the profile to fix, and
// does not call the host unreachable.
func TestE2ELoginPromptMismatch(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "ios", Password: devicePassword})
	s := startServer(t, []mcptest.Host{deviceHost("r1", dev)})
	ctx := testContext(t, time.Minute)
	start := time.Now()
	r := s.call(t, ctx, "execute_command", map[string]any{"host": "r1", "command": "show version", "profile": "junos",
		"password": devicePassword, "timeout": 6})
	elapsed := time.Since(start)
	if !r.IsError || !strings.Contains(r.Text, `the login prompt did not match profile junos: last line was "R1>"`) ||
		!strings.Contains(r.Text, "profile") || strings.Contains(r.Text, "reachable") {
		t.Errorf("result (error %v): %q; want the prompt that came, the profile to fix, and no reachability hint", r.IsError, r.Text)
	}
	if elapsed > 25*time.Second { // the old wait was a fixed 30 s
		t.Errorf("the call took %s with timeout 6", elapsed)
	}
}
