package mcp

import (
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
	p := platformTest{s: s, ctx: ctx, dev: dev, host: "sw7", run: cx}

	t.Run("detected from the login", func(t *testing.T) { p.detected(t, "show version", "manager", "sw7#", "aruba_aoscx") })
	t.Run("invalid input", func(t *testing.T) { p.failsWith(t, "show interfacez brief", "Invalid input: interfacez") })
	t.Run("long output through the pager", func(t *testing.T) {
		p.pagesLikeExec(t, "page 20", "show running-config", "manager", "sw7#", "More", 60)
	})
	t.Run("configuration mode", func(t *testing.T) {
		p.walkConfig(t, configWalk{
			enter: "configure terminal", mode: "configuration", prompt: "sw7(config)#",
			iface: "interface 1/1/7", ifPrompt: "sw7(config-if)#",
			bad: "mtu 99999", badLine: "Invalid input: 99999",
			set:   "description to server7",
			leave: "end", leftMode: "manager", leftPrompt: "sw7#",
			show: "show running-config | begin 1/1/7", want: "    description to server7",
		})
	})
	s.assertNoSecrets(devicePassword)
}
