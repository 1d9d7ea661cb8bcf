package mcp

import (
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
	p := platformTest{s: s, ctx: ctx, dev: dev, host: "sw7", run: vrp}

	t.Run("detected from the login", func(t *testing.T) { p.detected(t, "display version", "user", "<sw7>", "huawei_vrp") })
	t.Run("unknown command", func(t *testing.T) {
		p.failsWith(t, "display interfacez brief", "Error: Unrecognized command found at '^' position.")
	})
	t.Run("long output through the pager", func(t *testing.T) {
		// The configuration holds lines that read like this switch's own
		// prompts ("<sw7>", "[sw7]" in a login header).
		p.pagesLikeExec(t, "screen-length 20 temporary", "display current-configuration", "user", "<sw7>", "More", 60)
	})
	t.Run("system view", func(t *testing.T) {
		p.walkConfig(t, configWalk{
			enter: "system-view", mode: "system", prompt: "[sw7]",
			iface: "interface GigabitEthernet0/0/7", ifPrompt: "[sw7-GigabitEthernet0/0/7]",
			bad: "mtu 99999", badLine: "Error: Wrong parameter found at '^' position.",
			set:   "description to server7",
			leave: "return", leftMode: "user", leftPrompt: "<sw7>",
			show: "display current-configuration | begin GigabitEthernet0/0/7", want: " description to server7",
		})
	})
	t.Run("save question", func(t *testing.T) {
		p.declines(t, "save", "[Y/N]:")
	})
	s.assertNoSecrets(devicePassword)
}
