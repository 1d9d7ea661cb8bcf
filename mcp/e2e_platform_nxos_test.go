package mcp

import (
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
	p := platformTest{s: s, ctx: ctx, dev: dev, host: "nx7", run: nxos}

	t.Run("detected from the login", func(t *testing.T) { p.detected(t, "show version", "privileged", "nx7#", "cisco_nxos") })
	t.Run("invalid command", func(t *testing.T) { p.failsWith(t, "show interfacez brief", "% Invalid command at '^' marker.") })
	t.Run("long output through the pager", func(t *testing.T) {
		p.pagesLikeExec(t, "terminal length 25", "show running-config", "privileged", "nx7#", "More", 75)
	})
	t.Run("configuration mode", func(t *testing.T) {
		p.walkConfig(t, configWalk{
			enter: "configure terminal", mode: "configuration", prompt: "nx7(config)#",
			iface: "interface ethernet1/7", ifPrompt: "nx7(config-if)#",
			bad: "mtu 99999", badLine: "% Invalid parameter detected at '^' marker.",
			set:   "description to server7",
			leave: "end", leftMode: "privileged", leftPrompt: "nx7#",
			show: "show running-config | section Ethernet1/7", want: "  description to server7",
		})
	})
	t.Run("reload question", func(t *testing.T) {
		p.declines(t, "reload", "(y/n)?  [n]")
	})
	s.assertNoSecrets(devicePassword)
}
