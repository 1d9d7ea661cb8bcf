package devices

import (
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
)

// TestManagerDetectProfile: with no profile named, the SSH identification
// (IOS) or the login banner (Junos, whose server is OpenSSH) picks it, and
// no shell preparation is typed into the device.
func TestManagerDetectProfile(t *testing.T) {
	for _, tc := range []struct{ platform, profile, cmd, want string }{
		{"ios", "cisco_ios", "show version", "Cisco IOS"},
		{"junos", "junos", "show version", "JUNOS"},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			h := newDeviceHarness(t, devsim.Options{Platform: tc.platform}, "")
			info, out := h.run(t, tc.cmd, RunOptions{})
			if info.Profile != tc.profile || info.Status != StatusCompleted || !strings.Contains(out, tc.want) || strings.Contains(out, "mcpssh") {
				t.Errorf("%s: profile %q status %s output %q; want %s, completed, %q in it", tc.platform, info.Profile, info.Status, tail(out, 300), tc.profile, tc.want)
			}
		})
	}
}
