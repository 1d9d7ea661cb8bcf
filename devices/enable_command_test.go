package devices

import (
	"context"
	"errors"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
)

// enable_command is sent to the device and answered with the enable
// secret, so only a command the profile declares is accepted: any other
// text ("telnet 10.66.66.66") could hand the secret to another host.
func TestEnableCommandMustBeDeclared(t *testing.T) {
	h := newDeviceHarness(t, devsim.Options{Platform: "ios"}, "cisco_ios")
	ctx, cancel := context.WithTimeout(t.Context(), waitBound)
	defer cancel()
	secret := h.dev.Options.EnableSecret
	for _, req := range []string{"cisco_ios", ""} { // named, and detected
		r := h.req
		r.Profile = req
		c, err := h.m.Start(ctx, r, "", "show privilege", RunOptions{EnablePassword: secret, EnableCommand: "telnet 10.66.66.66"})
		if err == nil {
			waitDone(t, c)
		}
		if !errors.Is(err, ErrEnableCommand) {
			t.Errorf("profile %q: enable_command telnet: err = %v, want ErrEnableCommand", req, err)
		}
	}
	info, _ := h.run(t, "show privilege", RunOptions{EnablePassword: secret, EnableCommand: "enable"})
	wantStatus(t, info, StatusCompleted, 0)
}
