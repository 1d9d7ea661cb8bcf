package devices

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// concurrencyConnect bounds each of the 20 dials made at once: no fault
// is meant here, and 20 handshakes and shell starts on a busy two-core
// machine under the race detector take longer than the suite's 5 s.
const concurrencyConnect = time.Minute

// concurrencyAlive and concurrencyAliveCount are OpenSSH-like keepalive
// settings for the same reason: a reply delayed by load past the suite's
// 2 s would end a healthy connection.
const (
	concurrencyAlive      = 15 * time.Second
	concurrencyAliveCount = 3
)

// concurrencyHost is one of the 20 hosts of TestFaultConcurrentCalls.
type concurrencyHost struct {
	req  hosts.Request
	want func(i int) string // what the output of call i must contain ("" : exact match on echo)
	cmd  func(i int) string
}

// concurrencyHosts builds 20 distinct connections (user, host, port): the
// two shell accounts of one sshd reached directly and through five
// proxies (12), and eight simulated devices, IOS and Junos, each on its
// own loopback address 127.0.0.2 to 127.0.0.9.
func concurrencyHosts(t *testing.T) ([]faultHost, map[string]string, []concurrencyHost) {
	t.Helper()
	h := newHarness(t, harnessOptions{}, "bash", "dash")
	addrs := []struct {
		host string
		port int
	}{{h.sshd.Host, h.sshd.Port}}
	proxyAddrs := []string{h.sshd.Addr}
	for range 5 {
		px := devicetest.StartProxy(t, h.sshd.Addr)
		addrs = append(addrs, struct {
			host string
			port int
		}{px.Host, px.Port})
		proxyAddrs = append(proxyAddrs, px.Addr)
	}
	kh := knownHostsFor(t, h.sshd.HostKey, proxyAddrs...)
	var cfg []faultHost
	var targets []concurrencyHost
	env := map[string]string{}
	for i, a := range addrs {
		for _, kind := range []string{"bash", "dash"} {
			alias := fmt.Sprintf("%s-%d", kind, i)
			fh := sshdFaultHost(h, alias, h.accounts[kind].Name, a.host, a.port, kh)
			fh.ConnectTimeout = concurrencyConnect
			fh.AliveInterval, fh.AliveCount = concurrencyAlive, concurrencyAliveCount
			cfg = append(cfg, fh)
			targets = append(targets, concurrencyHost{
				req: hosts.Request{Host: alias},
				cmd: func(n int) string { return fmt.Sprintf("echo %s call %d", alias, n) },
			})
		}
	}
	for n := 2; n <= 9; n++ {
		platform, profile := "ios", "cisco_ios"
		if n%2 == 1 {
			platform, profile = "junos", "junos"
		}
		name := fmt.Sprintf("sim-%d", n)
		d := devicetest.StartDevice(t, devsim.Options{Platform: platform, Hostname: name, Listen: fmt.Sprintf("127.0.0.%d:0", n)})
		cfg = append(cfg, faultHost{Alias: name, HostName: d.Host, Port: d.Port, User: d.Options.Username,
			KnownHosts: d.KnownHostsPath, ConnectTimeout: concurrencyConnect,
			AliveInterval: concurrencyAlive, AliveCount: concurrencyAliveCount})
		env["OVRD_"+strings.ReplaceAll(name, "-", "_")+"_PASS"] = d.Options.Password
		want := map[string]string{"ios": name + " uptime is", "junos": "Hostname: " + name}[platform]
		targets = append(targets, concurrencyHost{
			req:  hosts.Request{Host: name, Profile: profile},
			cmd:  func(int) string { return "show version" },
			want: func(int) string { return want },
		})
	}
	return cfg, env, targets
}

// TestFaultConcurrentCalls: 200 commands started at once across 20
// hosts (two named shells each, so every shell queues five), with
// listings and status polls running beside them, under the race
// detector. Every command completes with its own output, each host gets
// exactly one connection, and nothing is left behind.
func TestFaultConcurrentCalls(t *testing.T) {
	const calls = 200
	cfg, env, targets := concurrencyHosts(t)
	if len(targets) != 20 {
		t.Fatalf("%d hosts, want 20", len(targets))
	}
	leaks := startLeakCheck()
	m := newFaultManager(t, cfg, env)

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	started := make(chan *Command, calls)
	for i := range calls {
		wg.Go(func() {
			errs <- concurrentCall(ctx, m, targets[i%len(targets)], i, started)
		})
	}
	// Listings and status polls beside the commands, as agents make them.
	pollDone := make(chan struct{})
	var polls sync.WaitGroup
	polls.Go(func() { pollWhileRunning(m, started, pollDone) })
	wg.Wait()
	during := runtime.NumGoroutine()
	close(pollDone)
	polls.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			if failed <= 10 {
				t.Error(err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d calls failed", failed, calls)
	}
	if keys := m.pool.Keys(); len(keys) != len(targets) {
		t.Errorf("%d live connections %q, want one per host (%d)", len(keys), keys, len(targets))
	}
	if s := m.Sessions(); len(s) != 2*len(targets) {
		t.Errorf("%d sessions, want two per host (%d)", len(s), 2*len(targets))
	}
	leaks.done(t, m, during)
}

// concurrentCall is one tool call: start a command on its host's shell
// "a" or "b", wait for it, and check that the output is its own.
func concurrentCall(ctx context.Context, m *Manager, h concurrencyHost, i int, started chan<- *Command) error {
	session := []string{"a", "b"}[i/20%2]
	cmd := h.cmd(i)
	c, err := m.Start(ctx, h.req, session, cmd, RunOptions{})
	if err != nil {
		return fmt.Errorf("call %d: Start(%q, %q): %w", i, h.req.Host, cmd, err)
	}
	started <- c
	select {
	case <-c.Done():
	case <-ctx.Done():
		return fmt.Errorf("call %d: %q on %s still %s when the test's bound passed", i, cmd, h.req.Host, c.Info().Status)
	}
	info := c.Info()
	out, _, err := c.Output(0, 1<<20)
	switch {
	case err != nil:
		return fmt.Errorf("call %d: Output: %w", i, err)
	case info.Status != StatusCompleted:
		return fmt.Errorf("call %d: %q on %s: status %s err %v output %q", i, cmd, h.req.Host, info.Status, info.Err, out)
	case h.want == nil && out != strings.TrimPrefix(cmd, "echo ")+"\n":
		return fmt.Errorf("call %d: %q on %s: output %q is not its own", i, cmd, h.req.Host, out)
	case h.want != nil && !strings.Contains(out, h.want(i)):
		return fmt.Errorf("call %d: %q on %s: no %q in output %q", i, cmd, h.req.Host, h.want(i), tail(out, 300))
	}
	return nil
}

// pollWhileRunning lists sessions and reads the status and output of
// started commands until done is closed.
func pollWhileRunning(m *Manager, started <-chan *Command, done <-chan struct{}) {
	var cmds []*Command
	for {
		select {
		case <-done:
			return
		case c := <-started:
			cmds = append(cmds, c)
		case <-time.After(5 * time.Millisecond):
		}
		_ = m.Sessions()
		for _, c := range cmds[max(len(cmds)-5, 0):] {
			i := c.Info()
			_, _, _ = c.Output(0, 256)
			_ = i.Duration()
		}
	}
}
