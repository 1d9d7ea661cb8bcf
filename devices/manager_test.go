package devices

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// TestManagerReconnect: after the host went down and came back, the next
// command runs on a new connection, in the old working directory, and says
// so; the command that was running when it went down ended lost.
func TestManagerReconnect(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	info, _ := h.run(t, "bash", "cd /usr/share", RunOptions{})
	if info.Status != StatusCompleted || info.Reconnected {
		t.Fatalf("cd: status %s reconnected %v", info.Status, info.Reconnected)
	}
	running := h.start(t, "bash", "", "sleep 100", RunOptions{})
	waitStatus(t, running, StatusRunning)
	h.sshd.Restart()
	lost := waitDone(t, running)
	if lost.Status != StatusLost || !errors.Is(lost.Err, ErrClosed) {
		t.Errorf("command running while sshd restarted: status %s err %v; want lost, ErrClosed", lost.Status, lost.Err)
	}
	info, out := h.run(t, "bash", "pwd", RunOptions{})
	wantDone(t, info, out, StatusCompleted, 0, "/usr/share\n")
	if !info.Reconnected || !slices.Contains(info.Restored, "cwd /usr/share") {
		t.Errorf("after restart: Reconnected %v Restored %q; want true and \"cwd /usr/share\"", info.Reconnected, info.Restored)
	}
	info, _ = h.run(t, "bash", "true", RunOptions{})
	if info.Reconnected || info.Restored != nil {
		t.Errorf("second command after restart: Reconnected %v Restored %q; want false, none", info.Reconnected, info.Restored)
	}
	if s := h.m.Sessions(); len(s) != 1 || s[0].Reconnects != 1 || s[0].Cwd != "/usr/share" {
		t.Errorf("Sessions() = %+v; want one session with one reconnect in /usr/share", s)
	}
}

// TestManagerShellEnds: a shell that ends under its command (exit, a
// kill) loses that command with an error that says so, and the next
// command gets a new shell in the same directory.
func TestManagerShellEnds(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	for _, cmd := range []string{"exit 3", "kill -9 $$"} {
		h.run(t, "bash", "cd /usr", RunOptions{})
		info, _ := h.run(t, "bash", cmd, RunOptions{})
		if info.Status != StatusLost || !errors.Is(info.Err, ErrClosed) || !strings.Contains(info.Err.Error(), "shell ended") {
			t.Errorf("%q: status %s err %v; want lost, ErrClosed, the shell ended", cmd, info.Status, info.Err)
		}
		info, out := h.run(t, "bash", "pwd", RunOptions{})
		wantDone(t, info, out, StatusCompleted, 0, "/usr\n")
		if !info.Reconnected || !slices.Contains(info.Restored, "cwd /usr") {
			t.Errorf("after %q: Reconnected %v Restored %q", cmd, info.Reconnected, info.Restored)
		}
		h.run(t, "bash", "cd /", RunOptions{})
	}
}

// TestManagerNoLeaks: CloseAll and Close end every goroutine the Manager
// started: workers, expecter readers, connections.
func TestManagerNoLeaks(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	before := runtime.NumGoroutine()
	h.run(t, "bash", "echo one", RunOptions{})
	h.start(t, "bash", "other", "sleep 100", RunOptions{})
	c := h.start(t, "bash", "", "echo two", RunOptions{})
	<-c.Changed() // leaves a Changed helper waiting, which must end too
	waitDone(t, c)
	if n := runtime.NumGoroutine(); n <= before {
		t.Fatalf("%d goroutines with two shells open, %d before: the count cannot show a leak", n, before)
	}
	n, err := h.m.CloseAll(t.Context())
	if err != nil || n != 2 {
		t.Fatalf("CloseAll = %d, %v; want 2, nil", n, err)
	}
	deadline := time.Now().Add(waitBound)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after CloseAll, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
	// still usable after CloseAll
	info, out := h.run(t, "bash", "echo again", RunOptions{})
	wantDone(t, info, out, StatusCompleted, 0, "again\n")
}

// TestManagerErrors: bad input gives errors that say what to do, and
// leaves no session behind.
func TestManagerErrors(t *testing.T) {
	h := newHarness(t, harnessOptions{}, "bash")
	ctx := t.Context()
	if _, err := h.m.Start(ctx, hosts.Request{Host: "bash"}, "", "  ", RunOptions{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty command: %v", err)
	}
	if _, err := h.m.Start(ctx, hosts.Request{Host: "bash", Profile: "no_such_os"}, "", "true", RunOptions{}); !errors.Is(err, ErrProfile) || !strings.Contains(err.Error(), "linux") {
		t.Errorf("unknown profile: %v; want ErrProfile listing the known ones", err)
	}
	if _, err := h.m.Start(ctx, hosts.Request{Host: "bash", Port: h.sshd.Port + 1, Username: "mcpt-bash"}, "", "true", RunOptions{}); err == nil {
		t.Errorf("closed port: no error")
	}
	if s := h.m.Sessions(); len(s) != 0 {
		t.Errorf("sessions left by failed starts: %+v", s)
	}
	if err := h.m.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.m.Start(ctx, hosts.Request{Host: "bash"}, "", "true", RunOptions{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Start after Close: %v; want ErrClosed", err)
	}
}

// TestManagerFallback: a login that is no POSIX shell (a menu that runs
// each line it reads in a shell of its own) cannot be prepared; commands
// still complete by prompt matching and the result says so.
func TestManagerFallback(t *testing.T) {
	h := newHarness(t, harnessOptions{SSHD: "Match User mcpt-nosudo\n  ForceCommand while printf 'menu$ '; IFS= read -r line; do sh -c \"$line\"; done\n"}, "nosudo")
	ctx, cancel := context.WithTimeout(t.Context(), waitBound)
	defer cancel()
	c, err := h.m.Start(ctx, hosts.Request{Host: "nosudo"}, "", "echo fallback works", RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	info := waitDone(t, c)
	if out := output(t, c); info.Status != StatusCompleted || info.Fallback == "" || info.ExitCode != nil || out != "fallback works\n" {
		t.Errorf("fallback: status %s Fallback %q ExitCode %v output %q; want completed, a reason, no exit code, \"fallback works\\n\"", info.Status, info.Fallback, info.ExitCode, out)
	}
	info, out := h.run(t, "nosudo", "cd /tmp && pwd", RunOptions{})
	if info.Status != StatusCompleted || info.Fallback == "" || out != "/tmp\n" {
		t.Errorf("second command: status %s Fallback %q output %q; want completed, a reason, \"/tmp\\n\"", info.Status, info.Fallback, out)
	}
}

// TestManagerLoginSwallowsLine: a login that swallows the first line typed
// (as a menu would) before starting a POSIX shell still gets a prepared
// shell: the preparation is typed again once the shell shows its prompt.
func TestManagerLoginSwallowsLine(t *testing.T) {
	h := newHarness(t, harnessOptions{SSHD: "Match User mcpt-nosudo\n  ForceCommand read -r line; PS1='menu$ ' exec bash --norc --noprofile -i\n"}, "nosudo")
	info, out := h.run(t, "nosudo", "echo prepared; sh -c 'exit 3'", RunOptions{})
	wantDone(t, info, out, StatusFailed, 3, "prepared\n")
	if info.Fallback != "" {
		t.Errorf("Fallback %q, want a prepared shell", info.Fallback)
	}
}

// TestManagerSlowLogin: a login that takes seconds (slow startup files)
// is waited for, and the shell is prepared, not given up on.
func TestManagerSlowLogin(t *testing.T) {
	h := newHarness(t, harnessOptions{SSHD: "Match User mcpt-nosudo\n  ForceCommand sleep 7; exec bash --norc --noprofile -i\n"}, "nosudo")
	info, out := h.run(t, "nosudo", "echo first", RunOptions{})
	wantDone(t, info, out, StatusCompleted, 0, "first\n")
	info, out = h.run(t, "nosudo", "sh -c 'exit 4'", RunOptions{})
	wantDone(t, info, out, StatusFailed, 4, "")
	if info.Fallback != "" {
		t.Errorf("slow login: Fallback %q, want none", info.Fallback)
	}
}

// TestManagerLoginSlowerThanReadyTimeout: a login slower than the first
// ready wait shows no prompt of its own meanwhile, so it is still waited
// for and prepared; falling back would hand the preparation's late output
// to the first commands.
func TestManagerLoginSlowerThanReadyTimeout(t *testing.T) {
	h := newHarness(t, harnessOptions{SSHD: fmt.Sprintf("Match User mcpt-nosudo\n  ForceCommand sleep %d; exec bash --norc --noprofile -i\n", int(posixReadyTimeout/time.Second)+3)}, "nosudo")
	ctx, cancel := context.WithTimeout(t.Context(), posixLoginLimit)
	defer cancel()
	c, err := h.m.Start(ctx, hosts.Request{Host: "nosudo"}, "", "echo first", RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	info := waitDoneWithin(t, c, posixLoginLimit)
	wantDone(t, info, output(t, c), StatusCompleted, 0, "first\n")
	if info.Fallback != "" {
		t.Errorf("slow login: Fallback %q, want none", info.Fallback)
	}
}
