package devsim

import (
	"context"
	"testing"
)

// StartDevice starts a device for the test and stops it at cleanup,
// reporting any serve error. Server events go to t.Logf unless opts.Logf
// is set.
func StartDevice(t testing.TB, opts Options) *Device {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	d, err := Start(context.WithoutCancel(t.Context()), opts)
	if err != nil {
		t.Fatalf("StartDevice(%q): %v", opts.Platform, err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("simulated %s device at %s: %v", opts.Platform, d.Addr, err)
		}
	})
	return d
}
