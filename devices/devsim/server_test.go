package devsim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func TestSimExec(t *testing.T) {
	cases := []struct {
		platform, command string
		want              []string
	}{
		{"ios", "show version", []string{"Cisco IOS Software", "Configuration register is 0x0\r\n"}},
		{"ios", "show running-config", []string{"hostname R1\r\n", "\r\nend\r\n"}},
		{"ios", "show privilege", []string{"Current privilege level is 15\r\n"}},
		{"junos", "show version", []string{"Hostname: vmx1\r\n", "JUNOS Simulation Package"}},
		{"junos", "show route", []string{"inet.0: 3004 destinations", "ff02::2/128"}},
	}
	for _, tc := range cases {
		t.Run(tc.platform+"/"+tc.command, func(t *testing.T) {
			d := StartDevice(t, Options{Platform: tc.platform})
			term := openSession(t, d)
			if err := term.sess.Run(tc.command); err != nil {
				t.Fatalf("exec %q: %v (want exit status 0)", tc.command, err)
			}
			out := term.waitEnd()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("exec %q output lacks %q; tail %q", tc.command, w, tail(out))
				}
			}
			for _, bad := range []string{"--More--", "(more", ">", "#"} {
				if strings.HasSuffix(strings.TrimSpace(out), bad) {
					t.Errorf("exec %q output ends in a prompt or pager: %q", tc.command, tail(out))
				}
			}
		})
	}
}

// TestSimSharedHostname checks that sessions share the device's
// hostname while each keeps its own mode.
func TestSimSharedHostname(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios", Hostname: "edge-1"})
	a := dialTerm(t, d)
	a.expect("edge-1>")
	b := dialTerm(t, d)
	b.expect("edge-1>")
	a.send("enable\renablepw\rconf t\rhostname core-2\r")
	a.expect("core-2(config)#")
	// Configuration prompts cut a long hostname to 20 characters.
	a.send("hostname aggregation-switch-0042.lab\rhostname core-2\r")
	a.expect("\r\naggregation-switch-0(config)#hostname core-2\r\ncore-2(config)#")
	c := dialTerm(t, d)
	c.expect("\r\ncore-2>")
	b.send("\r")
	b.expect("\r\ncore-2>") // b never enabled: its own mode survives
	if got := d.Hostname(); got != "core-2" {
		t.Errorf("Hostname() = %q, want %q", got, "core-2")
	}
}

// TestSimSplitOutput runs a transcript with character echo and 7-byte
// writes, so prompts arrive split across reads.
func TestSimSplitOutput(t *testing.T) {
	for _, platform := range []string{"ios", "junos"} {
		t.Run(platform, func(t *testing.T) {
			d := StartDevice(t, Options{Platform: platform, CharEcho: true, ChunkSize: 7})
			term := dialTerm(t, d)
			prompt := map[string]string{"ios": "R1>", "junos": "admin@vmx1> "}[platform]
			term.expect(prompt)
			term.send("show version\r")
			term.expect("show version")
			term.expect(map[string]string{"ios": "uptime is", "junos": "Hostname: vmx1"}[platform])
		})
	}
}

// recordChannel is an ssh.Channel that records each Write, to observe
// how the simulator splits its output.
type recordChannel struct {
	ssh.Channel
	mu     sync.Mutex
	writes [][]byte
}

func (r *recordChannel) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, bytes.Clone(p))
	return len(p), nil
}

func TestSimWriteSplitting(t *testing.T) {
	srv, err := NewServer(Options{Platform: "ios", ChunkSize: 7, CharEcho: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordChannel{}
	s := srv.newSession(t.Context(), nil, rec)
	s.print("R1#show version\n")
	s.echo([]byte("abc"))
	s.flush()
	var joined []byte
	for i, w := range rec.writes {
		if len(w) > 7 {
			t.Errorf("write %d has %d bytes (%q), want at most 7", i, len(w), w)
		}
		joined = append(joined, w...)
	}
	if want := "R1#show version\r\nabc"; string(joined) != want {
		t.Errorf("output %q, want %q", joined, want)
	}
	if n := len(rec.writes); n < 6 {
		t.Errorf("%d writes, want the 3 echoed bytes written one by one after 3 chunks", n)
	}
}

func TestIOSReloadDropsConnection(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "enable", send: "enable\renablepw\r", want: []string{"R1#"}},
		{name: "reload abort", send: "reload\r", want: []string{"Proceed with reload? [confirm]"}},
		{name: "no", send: "n", want: []string{"\r\nR1#"}},
		{name: "modify", send: "conf t\rhostname R9\r\x1a", want: []string{"R9(config)#^Z\r\nR9#"}},
		{name: "reload modified", send: "reload\r", want: []string{"System configuration has been modified. Save? [yes/no]: "}},
		{name: "bad answer", send: "maybe\r", want: []string{"% Please answer 'yes' or 'no'.", "Save? [yes/no]: "}},
		{name: "save", send: "yes\r", want: []string{"Building configuration...\r\n[OK]\r\nProceed with reload? [confirm]"}},
	})
	term.send("\r")
	rest := term.waitEnd()
	if !strings.Contains(rest, "%SYS-5-RELOAD: Reload requested by admin") {
		t.Errorf("no reload log before the connection dropped: %q", rest)
	}
	if _, _, err := term.client.SendRequest("keepalive@openssh.com", true, nil); err == nil {
		t.Errorf("connection still usable after a confirmed reload")
	}
	// The device comes back: a new login works.
	again := dialTerm(t, d)
	again.expect("R9>")
}

func TestSimAuth(t *testing.T) {
	_, clientKey, _ := ed25519.GenerateKey(rand.Reader)
	signer, err := ssh.NewSignerFromKey(clientKey)
	if err != nil {
		t.Fatal(err)
	}
	d := StartDevice(t, Options{Platform: "junos", Username: "ops", Password: "s3cret",
		AuthorizedKeys: []ssh.PublicKey{signer.PublicKey()}})
	hostKeys := ssh.FixedHostKey(d.HostKey)
	kbd := ssh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
		if len(qs) != 1 || qs[0] != "Password: " {
			return nil, errors.New("unexpected questions")
		}
		return []string{"s3cret"}, nil
	})
	cases := []struct {
		name string
		user string
		auth ssh.AuthMethod
		ok   bool
	}{
		{"password", "ops", ssh.Password("s3cret"), true},
		{"keyboard-interactive", "ops", kbd, true},
		{"public key", "ops", ssh.PublicKeys(signer), true},
		{"wrong password", "ops", ssh.Password("guess"), false},
		{"wrong user", "admin", ssh.Password("s3cret"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &ssh.ClientConfig{User: tc.user, Auth: []ssh.AuthMethod{tc.auth},
				HostKeyCallback: hostKeys, Timeout: simWait}
			c, err := ssh.Dial("tcp", d.Addr, cfg)
			if err == nil {
				c.Close()
			}
			if (err == nil) != tc.ok {
				t.Errorf("login as %q: err %v, want success %v", tc.user, err, tc.ok)
			}
		})
	}
}

func TestSimRefusesRemoteListen(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0", "192.0.2.1:22", "localhost:22"} {
		if _, err := Listen(Options{Platform: "ios", Listen: addr}); err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("Listen(%q): err %v, want a refusal naming loopback", addr, err)
		}
	}
	srv, err := NewServer(Options{Platform: "ios"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), simWait)
	defer cancel()
	// A listener on loopback serves until ctx ends and then returns nil.
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel: %v, want nil", err)
		}
	case <-time.After(simWait):
		t.Fatal("Serve did not return after its context ended")
	}
	if _, err := NewServer(Options{Platform: "nosuch"}); err == nil || !strings.Contains(err.Error(), `"nosuch"`) {
		t.Errorf("unknown platform: err %v, want it named", err)
	}
}

// TestSimNoGoroutineLeft serves shells and an exec, stops the server and
// checks that every goroutine it started has ended.
func TestSimNoGoroutineLeft(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		srv, err := NewServer(Options{Platform: "ios", Logf: t.Logf})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := Listen(Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, ln) }()
		d := &Device{Addr: ln.Addr().String(), HostKey: srv.HostKey(), Options: srv.opts, srv: srv}
		t.Run("sessions", func(t *testing.T) {
			idle := dialTerm(t, d) // left open: Serve must close it
			idle.expect("R1>")
			busy := dialTerm(t, d)
			busy.expect("R1>")
			busy.send("ping 127.0.0.1 repeat 1000000\r")
			busy.expect("!!!")
			exec := openSession(t, d)
			if err := exec.sess.Run("show clock"); err != nil {
				t.Errorf("exec: %v", err)
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Serve: %v", err)
			}
			idle.waitEnd()
			busy.waitEnd()
		})
	}()
	deadline := time.Now().Add(simWait)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after the server stopped:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

// TestSimLongInput types a line far longer than a device accepts: the
// device keeps a bounded part, answers with an error and stays usable.
func TestSimLongInput(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos"})
	term := dialTerm(t, d)
	term.expect("admin@vmx1> ")
	term.send(strings.Repeat("x", 256<<10) + "\r")
	out := term.expect("unknown command.\r\n\r\nadmin@vmx1> ")
	if n := strings.Count(out, "x"); n > maxLine+1 {
		t.Errorf("echoed %d bytes of a %d-byte line, want at most %d", n, 256<<10, maxLine)
	}
	term.send("show system uptime\r")
	term.expect("Current time: 2023-01-01 00:12:34 UTC")
}
