package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2EMikroTikRouterOS drives a simulated RouterOS router through the
// binary: detected by its login logo, paged output answered with D, menus
// entered and left, and a login name with console options ("+ct...h")
// that turns the pager off, as the profile advises.
func TestE2EMikroTikRouterOS(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "routeros", Hostname: "gw7", Password: devicePassword})
	plain := deviceHost("gw7", dev)
	options := plain
	options.Alias, options.User = "gw7-options", "admin+ct511w4098h"
	s := startServer(t, []mcptest.Host{plain, options})
	ctx := testContext(t, 3*time.Minute)
	ros := func(t *testing.T, host, command string) callResult {
		t.Helper()
		return s.call(t, ctx, "execute_command", map[string]any{"host": host, "command": command,
			"profile": "mikrotik_routeros", "password": devicePassword})
	}
	const top, menu = "[admin@gw7] >", "[admin@gw7] /ip address>"

	t.Run("detected from the login", func(t *testing.T) {
		r := s.call(t, ctx, "execute_command", map[string]any{"host": "gw7", "command": "/system resource print",
			"password": devicePassword, "session": "detect"})
		wantMode(t, r, "cli", top)
		sameLines(t, "resource print", r.str("output"), simExec(t, dev, "/system resource print"))
		if l := s.call(t, ctx, "list_sessions", nil); !strings.Contains(l.Text, `session "detect", profile mikrotik_routeros`) {
			t.Errorf("the session was not given mikrotik_routeros:\n%s", l.Text)
		}
	})
	t.Run("bad command", func(t *testing.T) {
		r := ros(t, "gw7", "/system resource prnt")
		if code, _ := r.num("exit_code"); r.str("status") != "failed" || code != 1 || r.str("error_line") != "bad command name prnt (line 1 column 18)" {
			t.Errorf("status %q exit %d error_line %q, want failed, 1 and the router's line", r.str("status"), code, r.str("error_line"))
		}
	})
	t.Run("long output through the pager", func(t *testing.T) {
		want := simExec(t, dev, "/export")
		if n := strings.Count(want, "\n"); n < 50 {
			t.Fatalf("the canned export has %d lines; too short to page at 24", n)
		}
		r := ros(t, "gw7", "/export")
		wantMode(t, r, "cli", top)
		if strings.Contains(r.str("output"), "Q quit") {
			t.Errorf("the pager line is in the output:\n%s", r.str("output"))
		}
		sameLines(t, "/export", r.str("output"), want)
		r = ros(t, "gw7-options", "/export")
		wantMode(t, r, "cli", top)
		sameLines(t, "/export with console options", r.str("output"), want)
	})
	t.Run("menu in and out", func(t *testing.T) {
		wantMode(t, ros(t, "gw7", "/ip address"), "cli", menu)
		wantMode(t, ros(t, "gw7", "add address=198.51.100.1/24 interface=ether2"), "cli", menu)
		r := ros(t, "gw7", "add address=198.51.100.1/24 interface=ether2")
		if r.str("status") != "failed" || r.str("error_line") != "failure: already have such address" {
			t.Errorf("a duplicate address: status %q error_line %q", r.str("status"), r.str("error_line"))
		}
		wantMode(t, ros(t, "gw7", ".."), "cli", top)
		r = ros(t, "gw7", "/ip address print")
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), "198.51.100.1/24  198.51.100.0   ether2") {
			t.Errorf("output %q, want the new address", r.str("output"))
		}
	})
	s.assertNoSecrets(devicePassword)
}
