package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2EVyOS drives a simulated VyOS router through the binary. Its
// operational prompt looks like a Linux shell's, so detection must go by
// the "Welcome to VyOS" greeting; the other sessions name the profile.
func TestE2EVyOS(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "vyos", Hostname: "vyos7", Password: devicePassword})
	s := startServer(t, []mcptest.Host{deviceHost("vyos7", dev)})
	ctx := testContext(t, 3*time.Minute)
	vyos := s.deviceRunner(ctx, map[string]any{"host": "vyos7", "profile": "vyos", "password": devicePassword})
	p := platformTest{s: s, ctx: ctx, dev: dev, host: "vyos7", run: vyos}
	wantError := func(t *testing.T, r callResult, line string) {
		t.Helper()
		if code, _ := r.num("exit_code"); r.str("status") != "failed" || code != 1 || strings.TrimSpace(r.str("error_line")) != line {
			t.Errorf("status %q exit %d error_line %q, want failed, 1 and %q", r.str("status"), code, r.str("error_line"), line)
		}
	}

	t.Run("detected from the login", func(t *testing.T) { p.detected(t, "show version", "operational", "admin@vyos7:~$", "vyos") })
	t.Run("invalid command", func(t *testing.T) {
		wantError(t, vyos(t, "show interfacess", nil), "Invalid command: show [interfacess]")
	})
	t.Run("long output through less", func(t *testing.T) {
		p.pagesLikeExec(t, "set terminal length 20", "show configuration", "operational", "admin@vyos7:~$", "", 60)
	})
	t.Run("configuration mode", func(t *testing.T) {
		wantMode(t, vyos(t, "configure", nil), "configuration", "admin@vyos7#")
		wantError(t, vyos(t, "set interfaces foo", nil), "Configuration path: [interfaces foo] is not valid")
		wantMode(t, vyos(t, "set interfaces ethernet eth3 address 198.51.100.3/24", nil), "configuration", "admin@vyos7#")
		r := vyos(t, "exit", nil)
		wantError(t, r, "Cannot exit: configuration modified.")
		if r.str("mode") != "configuration" {
			t.Errorf("after a refused exit: mode %q, want configuration", r.str("mode"))
		}
		r = vyos(t, "commit", nil)
		wantMode(t, r, "configuration", "admin@vyos7#")
		if strings.Contains(r.str("output"), "[edit]") {
			t.Errorf("the edit level is in the output: %q", r.str("output"))
		}
		wantMode(t, vyos(t, "exit", nil), "operational", "admin@vyos7:~$")
		r = vyos(t, "show configuration commands | match eth3", nil)
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), "set interfaces ethernet eth3 address '198.51.100.3/24'") {
			t.Errorf("output %q, want the committed address", r.str("output"))
		}
	})
	s.assertNoSecrets(devicePassword)
}
