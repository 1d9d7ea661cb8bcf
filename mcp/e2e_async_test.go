package mcp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

func TestE2ELongCommandGoesAsync(t *testing.T) {
	s, _ := linuxServer(t)
	ctx := testContext(t, 2*time.Minute)
	// The command waits for a file the test creates, so "still running"
	// and "completed" do not depend on timing.
	flag := filepath.Join(userDir(t, s.user), "go")
	r := run(t, ctx, s, "echo first; while [ ! -e "+flag+" ]; do sleep 0.1; done; echo last", map[string]any{"timeout": 1})
	wantStatus(t, r, "running")
	id := r.str("command_id")
	if !strings.Contains(r.Text, "Command ID: "+id) || !strings.Contains(r.Text, "get_command_status") {
		t.Errorf("a timed-out call does not say how to poll:\n%s", r.Text)
	}
	live := s.waitStatus(t, ctx, id, func(string) bool { return true })
	if live.str("status") != "running" || live.str("output") != "first\n" {
		t.Errorf("live output while running: status %q output %q, want running and %q", live.str("status"), live.str("output"), "first\n")
	}
	if r := s.call(t, ctx, "execute_command_async", map[string]any{"host": "lab", "command": "touch " + flag, "session": "side"}); r.IsError {
		t.Fatalf("second session: %s", r.Text)
	}
	done := s.waitStatus(t, ctx, id, finished)
	if done.str("status") != "completed" || done.str("output") != "first\nlast\n" {
		t.Errorf("finished: status %q output %q", done.str("status"), done.str("output"))
	}
	next, _ := live.num("next_offset")
	page := s.call(t, ctx, "get_command_status", map[string]any{"command_id": id, "offset": next})
	if page.str("output") != "last\n" {
		t.Errorf("paging from offset %d gave %q, want %q", next, page.str("output"), "last\n")
	}
}

func TestE2EParallelCommandsQueue(t *testing.T) {
	s, _ := linuxServer(t)
	ctx := testContext(t, 2*time.Minute)
	// A waits for a file the test creates once the queue was checked, so
	// that B, C and D are still queued then however slow the machine.
	flag := filepath.Join(userDir(t, s.user), "go")
	var ids []string
	for i, cmd := range []string{"while [ ! -e " + flag + " ]; do sleep 0.05; done; echo A", "echo B", "echo C"} {
		r := s.call(t, ctx, "execute_command_async", map[string]any{"host": "lab", "command": cmd})
		if r.IsError {
			t.Fatalf("start %q: %s", cmd, r.Text)
		}
		if i > 0 && r.str("status") != "queued" {
			t.Errorf("command %d started as %q behind a running one, want queued", i, r.str("status"))
		}
		ids = append(ids, r.str("command_id"))
	}
	// A fourth command removed from the queue ends interrupted without
	// having run, and the others are not disturbed.
	r := s.call(t, ctx, "execute_command_async", map[string]any{"host": "lab", "command": "echo D"})
	removed := s.call(t, ctx, "interrupt_command_by_id", map[string]any{"command_id": r.str("command_id")})
	if removed.str("status") != "interrupted" || removed.str("started_at") != "" || removed.str("output") != "" {
		t.Errorf("removing a queued command: status %q started %q output %q, want interrupted, never started",
			removed.str("status"), removed.str("started_at"), removed.str("output"))
	}
	if err := os.WriteFile(flag, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var prevEnd string
	for i, id := range ids {
		r := s.waitStatus(t, ctx, id, finished)
		want := string(rune('A'+i)) + "\n"
		if r.str("status") != "completed" || r.str("output") != want {
			t.Errorf("command %d: status %q output %q, want completed %q", i, r.str("status"), r.str("output"), want)
		}
		if started := r.str("started_at"); prevEnd != "" && started < prevEnd {
			t.Errorf("command %d started at %s before the previous one ended at %s", i, started, prevEnd)
		}
		prevEnd = r.str("ended_at")
	}
}

// TestE2ECancellationDetaches: a client that gives up on execute_command
// (its own request timeout) cancels the call; the command goes on, stays
// listed and keeps its result.
func TestE2ECancellationDetaches(t *testing.T) {
	s, _ := linuxServer(t)
	ctx := testContext(t, 2*time.Minute)
	flag := filepath.Join(userDir(t, s.user), "go")
	id := cancelWaitingCall(t, ctx, s, "echo started; while [ ! -e "+flag+" ]; do sleep 0.1; done; echo finished")
	r := s.call(t, ctx, "list_running_commands", nil)
	if !strings.Contains(r.Text, id) {
		t.Errorf("after cancellation the command is not in list_running_commands:\n%s", r.Text)
	}
	if err := os.WriteFile(flag, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r = s.waitStatus(t, ctx, id, finished)
	if r.str("status") != "completed" || r.str("output") != "started\nfinished\n" {
		t.Errorf("after cancellation the command ended %q with output %q, want completed and both lines", r.str("status"), r.str("output"))
	}
	if log := s.Log(); !strings.Contains(log, "detached") {
		t.Errorf("the log does not say the cancelled call's command was detached:\n%s", log)
	}
}

// TestE2ECancellationInterruptsWhenAsked: --interrupt-on-cancel keeps the
// old behaviour, Ctrl+C on cancellation.
func TestE2ECancellationInterruptsWhenAsked(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, "--interrupt-on-cancel")
	ctx := testContext(t, 2*time.Minute)
	id := cancelWaitingCall(t, ctx, s, "sleep 300")
	r := s.waitStatus(t, ctx, id, finished)
	if r.str("status") != "interrupted" {
		t.Errorf("after cancellation with --interrupt-on-cancel the command is %q, want interrupted", r.str("status"))
	}
	if log := s.Log(); !strings.Contains(log, "Ctrl+C sent (--interrupt-on-cancel)") {
		t.Errorf("the log does not say Ctrl+C was sent on cancellation:\n%s", log)
	}
}

// cancelWaitingCall starts execute_command with command on host lab,
// cancels the call once the command runs, and returns the command's ID.
func cancelWaitingCall(t *testing.T, ctx context.Context, s *e2eServer, command string) string {
	t.Helper()
	callCtx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		_, err := s.callErr(callCtx, "execute_command", map[string]any{"host": "lab", "command": command, "timeout": 600}, nil)
		errc <- err
	}()
	var id string
	for id == "" {
		r := s.call(t, ctx, "list_running_commands", nil)
		if cmds, _ := r.Data["commands"].([]any); len(cmds) == 1 {
			if c, _ := cmds[0].(map[string]any); c["status"] == "running" {
				id, _ = c["command_id"].(string)
			}
		}
		select {
		case <-ctx.Done():
			t.Fatal("the command never showed as running")
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	if err := <-errc; err == nil {
		t.Error("the cancelled call returned no error")
	}
	return id
}

func TestE2EProgressNotifications(t *testing.T) {
	s, _ := linuxServer(t)
	ctx := testContext(t, 2*time.Minute)
	meta := &mcpgo.Meta{ProgressToken: "e2e-progress"}
	r, err := s.callErr(ctx, "execute_command", map[string]any{"host": "lab",
		"command": "for i in 1 2 3; do echo tick$i; sleep 1; done"}, meta)
	if err != nil || r.str("status") != "completed" {
		t.Fatalf("execute_command: %v %s", err, r.Text)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.progress) == 0 {
		t.Fatal("no progress notification for a 3 s command with a progress token")
	}
	last := s.progress[len(s.progress)-1].Params.AdditionalFields
	if last["progressToken"] != "e2e-progress" || !strings.Contains(last["message"].(string), "lines") {
		t.Errorf("progress notification = %v", last)
	}
}

func TestE2ELostAndReconnected(t *testing.T) {
	s, sshd := linuxServer(t)
	ctx := testContext(t, 2*time.Minute)
	run(t, ctx, s, "cd /tmp", nil)
	r := s.call(t, ctx, "execute_command_async", map[string]any{"host": "lab", "command": "sleep 300"})
	id := r.str("command_id")
	s.waitStatus(t, ctx, id, func(st string) bool { return st == "running" })
	sshd.Restart()
	r = s.waitStatus(t, ctx, id, finished)
	if r.str("status") != "lost" || r.str("error") == "" {
		t.Errorf("command under a restarted sshd: status %q error %q, want lost with an error", r.str("status"), r.str("error"))
	}
	r = run(t, ctx, s, "pwd", nil)
	if r.Data["reconnected"] != true || r.str("output") != "/tmp\n" {
		t.Errorf("after the restart: reconnected %v output %q restored %v, want true, /tmp", r.Data["reconnected"], r.str("output"), r.Data["restored"])
	}
}

// TestE2EHostsRunInParallel proves that a call waiting on one host does not
// hold up a call to another: the command on "a" can only finish after the
// command on "b" ran, so serialized calls would never complete.
func TestE2EHostsRunInParallel(t *testing.T) {
	sa := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	sb := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	u := sa.User
	s := startServer(t, []mcptest.Host{sshdHost("a", sa, u), sshdHost("b", sb, u)})
	ctx := testContext(t, 2*time.Minute)
	flag := filepath.Join(userDir(t, u), "go")
	resA := make(chan callResult, 1)
	go func() {
		r, err := s.callErr(ctx, "execute_command", map[string]any{"host": "a", "timeout": 90,
			"command": "while [ ! -e " + flag + " ]; do sleep 0.1; done; echo a-done"}, nil)
		if err != nil {
			r.Text = err.Error()
		}
		resA <- r
	}()
	for {
		r := s.call(t, ctx, "list_running_commands", nil)
		if strings.Contains(r.Text, "a-done") {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the command on host a never showed as running")
		case <-time.After(50 * time.Millisecond):
		}
	}
	rb := s.call(t, ctx, "execute_command", map[string]any{"host": "b", "command": "touch " + flag + "; echo b-done"})
	if rb.str("output") != "b-done\n" {
		t.Errorf("host b while host a waits: %q\n%s", rb.str("output"), rb.Text)
	}
	select {
	case ra := <-resA:
		if ra.str("status") != "completed" || ra.str("output") != "a-done\n" {
			t.Errorf("host a: status %q output %q\n%s", ra.str("status"), ra.str("output"), ra.Text)
		}
	case <-ctx.Done():
		t.Fatal("the call on host a never returned")
	}
}

// TestE2EAsyncOnIdleSessionIsNotQueued: a command given to an idle session
// is reported as started, never as waiting behind a command that is not
// there (the session's worker takes it up a moment after Start returns).
func TestE2EAsyncOnIdleSessionIsNotQueued(t *testing.T) {
	s, _ := linuxServer(t)
	ctx := testContext(t, 2*time.Minute)
	for i := 0; i < 40; i++ {
		session := fmt.Sprintf("idle%d", i%5)
		r := s.call(t, ctx, "execute_command_async", map[string]any{"host": "lab", "command": "true", "session": session})
		if r.IsError || r.str("status") == "queued" || strings.Contains(r.Text, "waits behind") {
			t.Fatalf("async %d on idle session %q: status %q:\n%s", i, session, r.str("status"), r.Text)
		}
		s.waitStatus(t, ctx, r.str("command_id"), finished)
	}
}
