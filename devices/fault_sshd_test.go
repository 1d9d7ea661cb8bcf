package devices

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// newSSHDFaultHarness is a harness whose "bash" alias has the suite's
// short keepalive and connect timeout, straight to sshd.
func newSSHDFaultHarness(t testing.TB) *harness {
	t.Helper()
	h := newHarness(t, harnessOptions{}, "bash")
	useFaultHosts(t, h, sshdFaultHost(h, "bash", h.accounts["bash"].Name, h.sshd.Host, h.sshd.Port, h.sshd.KnownHostsPath))
	return h
}

// wantReconnected checks the first command after a reconnect: exact
// output, and the result says that the connection was re-established and
// that the working directory was put back.
func wantReconnected(t testing.TB, info CommandInfo, out, cwd string) {
	t.Helper()
	wantDone(t, info, out, StatusCompleted, 0, cwd+"\n")
	if !info.Reconnected || !slices.Contains(info.Restored, "cwd "+cwd) {
		t.Errorf("first command after the fault: Reconnected %v Restored %q; want true and %q", info.Reconnected, info.Restored, "cwd "+cwd)
	}
}

// TestFaultSSHDKilledIdle: the host goes down between commands. The idle
// connection is found dead, a command given while the host is down is
// refused at once with a dial error, and once the host is back the next
// command reconnects in the old working directory.
func TestFaultSSHDKilledIdle(t *testing.T) {
	h := newSSHDFaultHarness(t)
	leaks := startLeakCheck()
	info, out := h.run(t, "bash", "cd /usr/share && pwd", RunOptions{})
	wantDone(t, info, out, StatusCompleted, 0, "/usr/share\n")
	during := runtime.NumGoroutine()

	h.sshd.Stop()
	// The end of the TCP stream gives it away; keepalive would at worst.
	waitPool(t, h.m, 0, faultKeepalive+faultSlack)
	r := startWithin(t, h.m, faultConnect, hosts.Request{Host: "bash"}, "", "pwd")
	if r.err == nil || !errors.Is(r.err, ErrDial) || !strings.Contains(r.err.Error(), "refused") {
		t.Errorf("Start while sshd is down: command %v, err %v; want ErrDial saying the connection was refused", r.c != nil, r.err)
	}

	h.sshd.Start()
	info, out = h.run(t, "bash", "pwd", RunOptions{})
	wantReconnected(t, info, out, "/usr/share")
	leaks.done(t, h.m, during)
}

// TestFaultSSHDKilledWhileRunning: the host goes down under a running
// command with another queued behind it. The running one ends lost
// (ErrClosed); the queued one gets its turn while the host is still down
// and ends lost without having started, with the reason; after the host
// is back the next command reconnects in the old working directory.
func TestFaultSSHDKilledWhileRunning(t *testing.T) {
	h := newSSHDFaultHarness(t)
	leaks := startLeakCheck()
	h.run(t, "bash", "cd /tmp", RunOptions{})
	running := h.start(t, "bash", "", "echo started; sleep 100", RunOptions{})
	queued := h.start(t, "bash", "", "echo queued", RunOptions{})
	waitOutput(t, running, "started\n")
	if st := queued.Info().Status; st != StatusQueued {
		t.Fatalf("second command: status %s while the first runs, want queued", st)
	}
	during := runtime.NumGoroutine()

	h.sshd.Stop()
	lost := waitDoneWithin(t, running, faultKeepalive+faultSlack)
	if lost.Status != StatusLost || !errors.Is(lost.Err, ErrClosed) || lost.ExitCode != nil {
		t.Errorf("running command: status %s err %v exit %v; want lost, ErrClosed, no exit code", lost.Status, lost.Err, lost.ExitCode)
	}
	if out := output(t, running); out != "started\n" {
		t.Errorf("running command's output %q, want what it printed before the fault", out)
	}
	q := waitDoneWithin(t, queued, faultConnect+faultSlack)
	if q.Status != StatusLost || q.Err == nil || !(errors.Is(q.Err, ErrDial) || errors.Is(q.Err, ErrClosed)) || !q.StartedAt.IsZero() {
		t.Errorf("queued command: status %s err %v started %v; want lost with a dial or closed error, never started", q.Status, q.Err, q.StartedAt)
	}

	h.sshd.Start()
	info, out := h.run(t, "bash", "pwd", RunOptions{})
	wantReconnected(t, info, out, "/tmp")
	leaks.done(t, h.m, during)
}
