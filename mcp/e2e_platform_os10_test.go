package mcp

import (
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
	p := platformTest{s: s, ctx: ctx, dev: dev, host: "leaf7", run: os10}

	t.Run("show version", func(t *testing.T) {
		r := os10(t, "show version", nil)
		wantMode(t, r, "privileged", "leaf7#")
		sameLines(t, "show version", r.str("output"), simExec(t, dev, "show version"))
	})
	t.Run("unknown command", func(t *testing.T) { p.failsWith(t, "show interfacez status", "% Error: Unrecognized command.") })
	t.Run("long output through the pager", func(t *testing.T) {
		p.pagesLikeExec(t, "terminal length 20", "show running-configuration", "privileged", "leaf7#", "more--", 60)
	})
	t.Run("configuration mode", func(t *testing.T) {
		p.walkConfig(t, configWalk{
			enter: "configure terminal", mode: "configuration", prompt: "leaf7(config)#",
			iface: "interface ethernet 1/1/7", ifPrompt: "leaf7(conf-if-eth1/1/7)#",
			bad: "mtu 99", badLine: "% Error: Illegal parameter.",
			set:   "description to server7",
			leave: "end", leftMode: "privileged", leftPrompt: "leaf7#",
			show: "show running-configuration | find ethernet1/1/7", want: " description to server7",
		})
	})
	s.assertNoSecrets(devicePassword)
}
