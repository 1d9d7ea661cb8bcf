package devsim

import (
	"context"
	"fmt"
	"net"
	"time"

	"golang.org/x/crypto/ssh"
)

// Device is a simulated device serving on a listener, from Start until
// Close.
type Device struct {
	Addr    string        // "127.0.0.1:port"
	Host    string        // "127.0.0.1"
	Port    int           // the bound port
	HostKey ssh.PublicKey // the device's host key
	Options Options       // the options in effect (defaults filled)

	srv    *Server
	cancel context.CancelFunc
	done   chan error
}

// Start prepares a device, listens on opts.Listen and serves it until ctx
// ends or Close is called. It does not block.
func Start(ctx context.Context, opts Options) (*Device, error) {
	srv, err := NewServer(opts)
	if err != nil {
		return nil, err
	}
	ln, err := Listen(srv.opts)
	if err != nil {
		return nil, err
	}
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		ln.Close()
		return nil, fmt.Errorf("devsim: listener address %v is not TCP", ln.Addr())
	}
	ctx, cancel := context.WithCancel(ctx)
	d := &Device{
		Addr:    addr.String(),
		Host:    addr.IP.String(),
		Port:    addr.Port,
		HostKey: srv.HostKey(),
		Options: srv.opts,
		srv:     srv,
		cancel:  cancel,
		done:    make(chan error, 1),
	}
	go func() { d.done <- srv.Serve(ctx, ln) }()
	return d, nil
}

// Close stops the device and waits until every connection and goroutine
// it started has ended. It returns what Serve returned. Call it once.
func (d *Device) Close() error {
	d.cancel()
	return <-d.done
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
