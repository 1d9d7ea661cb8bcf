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
	p := platformTest{s: s, ctx: ctx, dev: dev, host: "gw7",
		run: s.deviceRunner(ctx, map[string]any{"host": "gw7", "profile": "mikrotik_routeros", "password": devicePassword})}

	t.Run("detected from the login", func(t *testing.T) { p.detected(t, "/system resource print", "cli", top, "mikrotik_routeros") })
	t.Run("bad command", func(t *testing.T) {
		p.failsWith(t, "/system resource prnt", "bad command name prnt (line 1 column 18)")
	})
	t.Run("long output through the pager", func(t *testing.T) {
		p.pagesLikeExec(t, "", "/export", "cli", top, "Q quit", 50)
		// The login name's console options (no colours, no terminal
		// detection, 511 columns) change none of the lines.
		r := ros(t, "gw7-options", "/export")
		wantMode(t, r, "cli", top)
		sameLines(t, "/export with console options", r.str("output"), simExec(t, dev, "/export"))
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
