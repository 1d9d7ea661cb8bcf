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
	vyos := func(t *testing.T, command string) callResult {
		t.Helper()
		return s.call(t, ctx, "execute_command", map[string]any{"host": "vyos7", "command": command,
			"profile": "vyos", "password": devicePassword})
	}
	wantError := func(t *testing.T, r callResult, line string) {
		t.Helper()
		if code, _ := r.num("exit_code"); r.str("status") != "failed" || code != 1 || strings.TrimSpace(r.str("error_line")) != line {
			t.Errorf("status %q exit %d error_line %q, want failed, 1 and %q", r.str("status"), code, r.str("error_line"), line)
		}
	}

	t.Run("detected from the login", func(t *testing.T) {
		r := s.call(t, ctx, "execute_command", map[string]any{"host": "vyos7", "command": "show version",
			"password": devicePassword, "session": "detect"})
		wantMode(t, r, "operational", "admin@vyos7:~$")
		sameLines(t, "show version", r.str("output"), simExec(t, dev, "show version"))
		if l := s.call(t, ctx, "list_sessions", nil); !strings.Contains(l.Text, `session "detect", profile vyos`) {
			t.Errorf("the session was not given vyos:\n%s", l.Text)
		}
	})
	t.Run("invalid command", func(t *testing.T) {
		wantError(t, vyos(t, "show interfacess"), "Invalid command: show [interfacess]")
	})
	t.Run("long output through less", func(t *testing.T) {
		wantMode(t, vyos(t, "set terminal length 20"), "operational", "admin@vyos7:~$")
		want := simExec(t, dev, "show configuration")
		if n := strings.Count(want, "\n"); n < 60 {
			t.Fatalf("the canned configuration has %d lines; too short to page at 20", n)
		}
		r := vyos(t, "show configuration")
		wantMode(t, r, "operational", "admin@vyos7:~$")
		sameLines(t, "show configuration", r.str("output"), want)
	})
	t.Run("configuration mode", func(t *testing.T) {
		wantMode(t, vyos(t, "configure"), "configuration", "admin@vyos7#")
		wantError(t, vyos(t, "set interfaces foo"), "Configuration path: [interfaces foo] is not valid")
		wantMode(t, vyos(t, "set interfaces ethernet eth3 address 198.51.100.3/24"), "configuration", "admin@vyos7#")
		r := vyos(t, "exit")
		wantError(t, r, "Cannot exit: configuration modified.")
		if r.str("mode") != "configuration" {
			t.Errorf("after a refused exit: mode %q, want configuration", r.str("mode"))
		}
		r = vyos(t, "commit")
		wantMode(t, r, "configuration", "admin@vyos7#")
		if strings.Contains(r.str("output"), "[edit]") {
			t.Errorf("the edit level is in the output: %q", r.str("output"))
		}
		wantMode(t, vyos(t, "exit"), "operational", "admin@vyos7:~$")
		r = vyos(t, "show configuration commands | match eth3")
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), "set interfaces ethernet eth3 address '198.51.100.3/24'") {
			t.Errorf("output %q, want the committed address", r.str("output"))
		}
	})
	s.assertNoSecrets(devicePassword)
}
