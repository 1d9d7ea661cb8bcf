package devicetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
)

// Device is a simulated network device started for a test, with a
// known_hosts file that trusts it.
type Device struct {
	*devsim.Device
	KnownHostsPath string // a known_hosts file holding HostKey for Addr
}

// StartDevice starts a simulated device on loopback for the duration of
// the test; cleanup stops it and waits for all its goroutines. Server
// events go to t.Logf (shown on failure) unless opts.Logf is set. Any
// setup failure fails the test.
func StartDevice(t testing.TB, opts devsim.Options) *Device {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	sim, err := devsim.Start(context.WithoutCancel(t.Context()), opts)
	if err != nil {
		t.Fatalf("StartDevice(%q): %v", opts.Platform, err)
	}
	t.Cleanup(func() {
		if err := sim.Close(); err != nil {
			t.Errorf("simulated %s device at %s: %v", opts.Platform, sim.Addr, err)
		}
	})
	d := &Device{Device: sim, KnownHostsPath: filepath.Join(t.TempDir(), "known_hosts")}
	line := knownhosts.Line([]string{d.Addr}, d.HostKey) + "\n"
	if err := os.WriteFile(d.KnownHostsPath, []byte(line), 0o600); err != nil {
		t.Fatalf("StartDevice: writing known_hosts: %v", err)
	}
	return d
}
