package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2EDellOS10 drives a simulated OS10 switch through the binary with
// the built-in dell_os10 profile. OS10 logs in through Debian's OpenSSH
// and message of the day, which a Linux host prints too, so the profile
// is named; the login lands privileged, with no enable.
func TestE2EDellOS10(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "os10", Hostname: "leaf7", Password: devicePassword})
	s := startServer(t, []mcptest.Host{deviceHost("leaf7", dev)})
	ctx := testContext(t, 3*time.Minute)
	os10 := s.deviceRunner(ctx, map[string]any{"host": "leaf7", "profile": "dell_os10", "password": devicePassword})

	t.Run("show version", func(t *testing.T) {
		r := os10(t, "show version", nil)
		wantMode(t, r, "privileged", "leaf7#")
		sameLines(t, "show version", r.str("output"), simExec(t, dev, "show version"))
	})
	t.Run("unknown command", func(t *testing.T) {
		r := os10(t, "show interfacez status", nil)
		wantStatus(t, r, "failed")
		if code, _ := r.num("exit_code"); code != 1 || r.str("error_line") != "% Error: Unrecognized command." {
			t.Errorf("exit %d error_line %q, want 1 and the switch's line", code, r.str("error_line"))
		}
	})
	t.Run("long output through the pager", func(t *testing.T) {
		wantMode(t, os10(t, "terminal length 20", nil), "privileged", "leaf7#")
		want := simExec(t, dev, "show running-configuration")
		if n := strings.Count(want, "\n"); n < 60 {
			t.Fatalf("the canned configuration has %d lines; too short to page at 20", n)
		}
		r := os10(t, "show running-configuration", nil)
		wantMode(t, r, "privileged", "leaf7#")
		if strings.Contains(r.str("output"), "more--") {
			t.Errorf("the pager prompt is in the output:\n%s", r.str("output"))
		}
		sameLines(t, "show running-configuration", r.str("output"), want)
	})
	t.Run("configuration mode", func(t *testing.T) {
		wantMode(t, os10(t, "configure terminal", nil), "configuration", "leaf7(config)#")
		wantMode(t, os10(t, "interface ethernet 1/1/7", nil), "configuration", "leaf7(conf-if-eth1/1/7)#")
		r := os10(t, "mtu 99", nil)
		if r.str("status") != "failed" || r.str("error_line") != "% Error: Illegal parameter." {
			t.Errorf("a bad value: status %q error_line %q", r.str("status"), r.str("error_line"))
		}
		wantMode(t, os10(t, "description to server7", nil), "configuration", "leaf7(conf-if-eth1/1/7)#")
		wantMode(t, os10(t, "end", nil), "privileged", "leaf7#")
		r = os10(t, "show running-configuration | find ethernet1/1/7", nil)
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), " description to server7") {
			t.Errorf("output %q, want the new description", r.str("output"))
		}
	})
	s.assertNoSecrets(devicePassword)
}
