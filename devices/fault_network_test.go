package devices

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// newProxiedFaultHarness is a harness whose "bash" alias reaches sshd
// through a fault proxy, with the suite's short keepalive.
func newProxiedFaultHarness(t testing.TB) (*harness, *devicetest.Proxy) {
	t.Helper()
	h := newHarness(t, harnessOptions{}, "bash")
	px := devicetest.StartProxy(t, h.sshd.Addr)
	kh := knownHostsFor(t, h.sshd.HostKey, px.Addr)
	useFaultHosts(t, h, sshdFaultHost(h, "bash", h.accounts["bash"].Name, px.Host, px.Port, kh))
	return h, px
}

// TestFaultBlackhole: the network silently drops everything. Keepalive
// finds the connection dead and the running command ends lost; a command
// given during the outage fails at its ConnectTimeout with a timeout
// error; listings answer; once the network is back the next command
// reconnects in the old working directory.
func TestFaultBlackhole(t *testing.T) {
	h, px := newProxiedFaultHarness(t)
	leaks := startLeakCheck()
	h.run(t, "bash", "cd /var", RunOptions{})
	running := h.start(t, "bash", "", "echo started; sleep 100", RunOptions{})
	waitOutput(t, running, "started\n")
	during := runtime.NumGoroutine()

	px.Blackhole()
	lost := waitDoneWithin(t, running, faultKeepalive+faultSlack)
	if lost.Status != StatusLost || !errors.Is(lost.Err, ErrClosed) {
		t.Errorf("running command: status %s err %v; want lost, ErrClosed", lost.Status, lost.Err)
	} else if !strings.Contains(lost.Err.Error(), "keepalive") {
		// "the shell ended" would send a person looking at the host
		// instead of the network
		t.Errorf("running command's error %q does not say that keepalive found the connection dead", lost.Err)
	}

	r := startWithin(t, h.m, waitBound, hosts.Request{Host: "bash"}, "", "pwd")
	var de *DialError
	if r.err == nil || !errors.Is(r.err, ErrTimeout) || !errors.As(r.err, &de) || de.Stage != StageHandshake {
		t.Errorf("Start during the outage: command %v, err %v; want a handshake timeout (ErrTimeout, DialError)", r.c != nil, r.err)
	} else if de.Elapsed > faultConnect+faultSlack {
		t.Errorf("Start during the outage gave up after %s, want the ConnectTimeout %s", de.Elapsed, faultConnect)
	}
	within(t, faultSlack, "Sessions during the outage", h.m.Sessions)

	px.Heal()
	info, out := h.run(t, "bash", "pwd", RunOptions{})
	wantReconnected(t, info, out, "/var")
	px.Close()
	leaks.done(t, h.m, during)
}

// TestFaultDropAndRefuse: every connection is reset and new ones are
// refused. The running command ends lost at once, a command given
// meanwhile fails with a dial error, and after the network heals the next
// command reconnects.
func TestFaultDropAndRefuse(t *testing.T) {
	h, px := newProxiedFaultHarness(t)
	leaks := startLeakCheck()
	h.run(t, "bash", "cd /etc", RunOptions{})
	running := h.start(t, "bash", "", "echo started; sleep 100", RunOptions{})
	waitOutput(t, running, "started\n")
	during := runtime.NumGoroutine()

	px.Refuse()
	px.DropAll()
	lost := waitDoneWithin(t, running, faultSlack)
	if lost.Status != StatusLost || !errors.Is(lost.Err, ErrClosed) {
		t.Errorf("running command: status %s err %v; want lost, ErrClosed", lost.Status, lost.Err)
	}
	r := startWithin(t, h.m, faultConnect, hosts.Request{Host: "bash"}, "", "pwd")
	if r.err == nil || !errors.Is(r.err, ErrDial) {
		t.Errorf("Start while connections are refused: command %v, err %v; want ErrDial", r.c != nil, r.err)
	}
	t.Logf("Start while refused: %v", r.err)

	px.Heal()
	info, out := h.run(t, "bash", "pwd", RunOptions{})
	wantReconnected(t, info, out, "/etc")
	px.Close()
	leaks.done(t, h.m, during)
}

// TestFaultOtherSessionDuringBlackhole: a second shell asked for on a
// connection that is black-holed but not yet known dead does not hang:
// Start returns within the keepalive bound with an error.
func TestFaultOtherSessionDuringBlackhole(t *testing.T) {
	h, px := newProxiedFaultHarness(t)
	leaks := startLeakCheck()
	h.run(t, "bash", "true", RunOptions{})
	during := runtime.NumGoroutine()
	px.Blackhole()
	start := time.Now()
	r := startWithin(t, h.m, waitBound, hosts.Request{Host: "bash"}, "second", "echo second")
	if r.err == nil {
		t.Fatalf("Start of a new shell on a black-holed connection succeeded (command %s)", r.c.ID())
	}
	if !errors.Is(r.err, ErrClosed) && !errors.Is(r.err, ErrTimeout) {
		t.Errorf("Start of a new shell during the outage: %v; want ErrClosed or ErrTimeout", r.err)
	}
	// keepalive needs up to one interval more than faultKeepalive to
	// notice (its first probe is due up to an interval after the last
	// reply), then the new dial's handshake times out
	if d := time.Since(start); d > faultKeepalive+faultAliveInterval+faultConnect+faultSlack {
		t.Errorf("Start of a new shell during the outage returned after %s", d)
	}
	if !strings.Contains(r.err.Error(), "bash") {
		t.Errorf("error %q does not name the host", r.err)
	}
	px.Heal()
	info, out := h.run(t, "bash", "echo back", RunOptions{})
	wantDone(t, info, out, StatusCompleted, 0, "back\n")
	px.Close()
	leaks.done(t, h.m, during)
}
