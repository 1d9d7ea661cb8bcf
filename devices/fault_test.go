package devices

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// The fault suite: every case breaks something under a Manager (the
// server, the network, the device, the shell, the terminal) and checks
// that what was running ends in a clear status within its own bound plus
// faultSlack, that calls made meanwhile do not hang, that the Manager
// serves the next command, and that closing it leaves no goroutine
// behind. The cases do not call t.Parallel: goroutine counts are
// process-wide.

// Timings of the fault suite's ssh_config. Short keepalives make a dead
// connection visible in seconds instead of the default 45.
const (
	faultAliveInterval = time.Second
	faultAliveCount    = 2
	faultConnect       = 5 * time.Second
	// faultSlack is what every fault may take on top of the timeout that
	// governs it; it is a hang guard, not a performance figure.
	faultSlack = 5 * time.Second
	// faultKeepalive is the time keepalive needs to declare a silent
	// connection dead.
	faultKeepalive = faultAliveInterval * faultAliveCount
)

// faultHost is one Host block of the fault suite's ssh_config.
type faultHost struct {
	Alias, HostName, User string
	Port                  int
	IdentityFile          string // "" for password logins (devices)
	KnownHosts            string
	// ConnectTimeout is the dial, handshake and authentication bound;
	// zero means faultConnect.
	ConnectTimeout time.Duration
	// AliveInterval and AliveCount are the keepalive; zero means the
	// suite's short one. A case with no network fault in it sets a
	// patient one, so that a loaded machine is not taken for a dead link.
	AliveInterval time.Duration
	AliveCount    int
}

// String renders the block with the suite's short keepalive and connect
// timeout.
func (h faultHost) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Host %s\n  HostName %s\n  Port %d\n  User %s\n  IdentitiesOnly yes\n  IdentityAgent none\n",
		h.Alias, h.HostName, h.Port, h.User)
	if h.IdentityFile != "" {
		fmt.Fprintf(&b, "  IdentityFile %s\n", h.IdentityFile)
	}
	fmt.Fprintf(&b, "  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n", h.KnownHosts)
	fmt.Fprintf(&b, "  ServerAliveInterval %d\n  ServerAliveCountMax %d\n  ConnectTimeout %d\n\n",
		int(cmp.Or(h.AliveInterval, faultAliveInterval)/time.Second), cmp.Or(h.AliveCount, faultAliveCount),
		int(cmp.Or(h.ConnectTimeout, faultConnect)/time.Second))
	return b.String()
}

// sshdFaultHost is an account of the harness's sshd reached at host:port,
// which may be a fault proxy in front of it (knownHosts must then know the
// sshd's key under the proxy's address: see knownHostsFor).
func sshdFaultHost(h *harness, alias, user, host string, port int, knownHosts string) faultHost {
	return faultHost{Alias: alias, HostName: host, Port: port, User: user,
		IdentityFile: h.sshd.ClientKey.Path, KnownHosts: knownHosts}
}

// knownHostsFor writes a known_hosts file that holds key for each of
// addrs ("host:port").
func knownHostsFor(t testing.TB, key ssh.PublicKey, addrs ...string) string {
	t.Helper()
	var b strings.Builder
	for _, a := range addrs {
		b.WriteString(knownhosts.Line([]string{a}, key) + "\n")
	}
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// newFaultManager returns a Manager reading an ssh_config made of hosts,
// with env as its whole environment (OVRD_ overrides). t.Cleanup closes
// it; closing it earlier is allowed.
func newFaultManager(t testing.TB, hosts []faultHost, env map[string]string) *Manager {
	t.Helper()
	var cfg strings.Builder
	for _, h := range hosts {
		cfg.WriteString(h.String())
	}
	m := newTestManager(t, cfg.String(), env, ManagerOptions{})
	return m
}

// useFaultHosts replaces the harness's Manager by one on the suite's
// ssh_config, so the harness's run and start helpers drive it.
func useFaultHosts(t testing.TB, h *harness, hosts ...faultHost) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitBound)
	defer cancel()
	if err := h.m.Close(ctx); err != nil {
		t.Fatalf("closing the harness's own Manager: %v", err)
	}
	h.m = newFaultManager(t, hosts, nil)
}

// leakCheck records the goroutine count before a Manager is used; done
// closes the Manager and waits (bounded) for the count to come back.
type leakCheck struct {
	before int
}

// startLeakCheck takes the baseline once the count has held still for a
// moment (bounded): test servers started just before may still be
// spawning their own helpers, which would otherwise look like a leak.
func startLeakCheck() leakCheck {
	const still, bound = 200 * time.Millisecond, 3 * time.Second
	n, since, deadline := runtime.NumGoroutine(), time.Now(), time.Now().Add(bound)
	for time.Since(since) < still && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond) // polling with a deadline
		if m := runtime.NumGoroutine(); m != n {
			n, since = m, time.Now()
		}
	}
	return leakCheck{before: n}
}

// done closes m, then polls until no more goroutines run than before the
// check started. during must be a count taken while m had sessions open:
// when it is not above the baseline the check could not see a leak, and
// the test says so instead of passing blindly.
func (l leakCheck) done(t testing.TB, m *Manager, during int) {
	t.Helper()
	if during <= l.before {
		t.Fatalf("%d goroutines while the Manager was busy, %d before: the count cannot show a leak", during, l.before)
	}
	ctx, cancel := context.WithTimeout(t.Context(), waitBound)
	defer cancel()
	if err := m.Close(ctx); err != nil {
		t.Fatalf("Manager.Close: %v", err)
	}
	deadline := time.Now().Add(waitBound)
	for runtime.NumGoroutine() > l.before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			stacks := string(buf[:runtime.Stack(buf, true)])
			n := runtime.NumGoroutine()
			if stuck := stuckChannelOpens(stacks); stuck > 0 && n-2*stuck <= l.before {
				t.Logf("%d goroutines after Manager.Close, %d before: %d channel open request(s) the SSH library never answers, each with the Close that waited for it (see Conn.Close)", n, l.before, stuck)
				return
			}
			t.Fatalf("%d goroutines %s after Manager.Close, %d before:\n%s", n, waitBound, l.before, stacks)
		}
		time.Sleep(20 * time.Millisecond) // polling with a deadline
	}
}

// stuckChannelOpens counts goroutines blocked for ever in x/crypto's
// channel open, which happens when the connection dies just as the request
// is sent (the library drops its channels before it registers the new
// one). Each holds one Conn.Close waiter too. Nothing can release them.
func stuckChannelOpens(stacks string) int {
	opens, waiters := 0, 0
	for _, g := range strings.Split(stacks, "\n\n") {
		switch {
		case strings.Contains(g, "golang.org/x/crypto/ssh.(*mux).openChannel"):
			opens++
		case strings.Contains(g, "devices.(*Conn).Close.func1"):
			waiters++
		}
	}
	return min(opens, waiters)
}

// within runs fn and fails the test when it has not returned after d:
// the proof that a call made during a fault does not hang.
func within[T any](t testing.TB, d time.Duration, what string, fn func() T) T {
	t.Helper()
	ch := make(chan T, 1)
	go func() { ch <- fn() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("%s: no return within %s", what, d)
	}
	panic("unreachable")
}

// startErr is the outcome of a Start made during a fault.
type startErr struct {
	c   *Command
	err error
}

// startWithin calls Start with a context bounded by d and fails the test
// when Start has not returned by d + faultSlack.
func startWithin(t testing.TB, m *Manager, d time.Duration, req hosts.Request, session, cmd string) startErr {
	t.Helper()
	return within(t, d+faultSlack, fmt.Sprintf("Start(%q, %q)", req.Host, cmd), func() startErr {
		ctx, cancel := context.WithTimeout(t.Context(), d)
		defer cancel()
		c, err := m.Start(ctx, req, session, cmd, RunOptions{})
		return startErr{c, err}
	})
}

// waitPool waits until the pool holds exactly n live connections.
func waitPool(t testing.TB, m *Manager, n int, bound time.Duration) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for len(m.pool.Keys()) != n {
		if time.Now().After(deadline) {
			t.Fatalf("live connections %q after %s, want %d", m.pool.Keys(), bound, n)
		}
		time.Sleep(20 * time.Millisecond) // polling with a deadline
	}
}

// requireProgram skips (or fails under MCPSSH_REQUIRE_ALL) when a program a
// case needs on the test host is missing.
func requireProgram(t testing.TB, name, pkg string) {
	t.Helper()
	_, err := lookPathIn(name)
	devicetest.Require(t, err == nil, fmt.Sprintf("%s not found: install %s", name, pkg))
}

// lookPathIn finds name in the usual system directories: the test's own
// PATH may be narrower than a login shell's.
func lookPathIn(name string) (string, error) {
	for _, dir := range []string{"/usr/local/bin", "/usr/bin", "/bin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is in none of /usr/local/bin, /usr/bin, /bin", name)
}
