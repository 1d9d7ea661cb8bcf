package devicetest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// simDevice is the state one simulated device shares between its
// sessions: the hostname and named configuration sections. It is safe
// for concurrent use.
type simDevice struct {
	mu       sync.Mutex
	host     string
	sections map[string][]string
	order    []string // section names in creation order
	flags    map[string]bool
	counters map[string]int
}

func newSimDevice(host string) *simDevice {
	return &simDevice{host: host, sections: map[string][]string{}, flags: map[string]bool{}, counters: map[string]int{}}
}

func (d *simDevice) hostname() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.host
}

func (d *simDevice) setHostname(h string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.host = h
}

// section returns a copy of a configuration section and whether it exists.
func (d *simDevice) section(name string) ([]string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	lines, ok := d.sections[name]
	return append([]string(nil), lines...), ok
}

// setSection replaces (or creates) a configuration section.
func (d *simDevice) setSection(name string, lines []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.sections[name]; !ok {
		d.order = append(d.order, name)
	}
	d.sections[name] = append([]string(nil), lines...)
}

// sectionNames returns the names of all sections in creation order.
func (d *simDevice) sectionNames() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.order...)
}

// flag returns a named boolean of the device state ("modified").
func (d *simDevice) flag(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.flags[name]
}

// setFlag sets a named boolean of the device state.
func (d *simDevice) setFlag(name string, v bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.flags[name] = v
}

// count adds delta to a named counter and returns its new value.
func (d *simDevice) count(name string, delta int) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.counters[name] += delta
	return d.counters[name]
}

// Device is a simulated network device started for a test.
type Device struct {
	Addr           string        // "127.0.0.1:port"
	Host           string        // "127.0.0.1"
	Port           int           // the bound port
	HostKey        ssh.PublicKey // the device's host key
	KnownHostsPath string        // a known_hosts file holding HostKey for Addr
	Options        DeviceOptions // the options in effect (defaults filled)

	srv *SimServer
}

// Hostname returns the device's current hostname, which changes after a
// session configures a new one (IOS at once, Junos at commit).
func (d *Device) Hostname() string { return d.srv.Hostname() }

// ClientConfig returns an SSH client configuration that logs in with the
// device's username and password and checks its host key.
func (d *Device) ClientConfig() *ssh.ClientConfig {
	return &ssh.ClientConfig{
		User:            d.Options.Username,
		Auth:            []ssh.AuthMethod{ssh.Password(d.Options.Password)},
		HostKeyCallback: ssh.FixedHostKey(d.HostKey),
		Timeout:         30 * time.Second,
	}
}

// StartDevice starts a simulated device on loopback for the duration of
// the test; cleanup stops it and waits for all its goroutines. Server
// events go to t.Logf (shown on failure) unless opts.Logf is set. Any
// setup failure fails the test.
func StartDevice(t testing.TB, opts DeviceOptions) *Device {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	srv, err := NewSimServer(opts)
	if err != nil {
		t.Fatalf("StartDevice(%q): %v", opts.Platform, err)
	}
	ln, err := ListenDevice(srv.opts)
	if err != nil {
		t.Fatalf("StartDevice(%q): %v", opts.Platform, err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	d := &Device{
		Addr:    addr.String(),
		Host:    addr.IP.String(),
		Port:    addr.Port,
		HostKey: srv.HostKey(),
		Options: srv.opts,
		srv:     srv,
	}
	d.KnownHostsPath = filepath.Join(t.TempDir(), "known_hosts")
	line := knownhosts.Line([]string{d.Addr}, d.HostKey) + "\n"
	if err := os.WriteFile(d.KnownHostsPath, []byte(line), 0o600); err != nil {
		ln.Close()
		t.Fatalf("StartDevice: writing known_hosts: %v", err)
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("simulated %s device at %s: %v", opts.Platform, d.Addr, err)
		}
	})
	return d
}
