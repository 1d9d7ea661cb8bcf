package mcp

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// linuxServer starts an sshd and the server with alias "lab" for it,
// logging in as sshd.User with the sshd's client key. Tests that need sudo
// log in as the bash test account instead, by passing its name as
// username.
func linuxServer(t *testing.T) (*e2eServer, *devicetest.SSHD) {
	t.Helper()
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User)})
	s.user = sshd.User
	return s, sshd
}

// userDir is a fresh directory that user owns, removed after the test.
func userDir(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "mcpt-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sudoAccount returns the test account whose sudo asks for its password;
// the calling test skips (or fails under MCPSSH_REQUIRE_ALL) without root.
func sudoAccount(t *testing.T) devicetest.Account {
	t.Helper()
	return devicetest.TestAccount(t, "bash")
}

func run(t *testing.T, ctx context.Context, s *e2eServer, command string, extra map[string]any) callResult {
	t.Helper()
	args := map[string]any{"host": "lab", "command": command}
	for k, v := range extra {
		args[k] = v
	}
	return s.call(t, ctx, "execute_command", args)
}

func wantStatus(t *testing.T, r callResult, status string) {
	t.Helper()
	if r.IsError || r.str("status") != status {
		t.Fatalf("status = %q (isError %v), want %q; result:\n%s", r.str("status"), r.IsError, status, r.Text)
	}
}

func TestE2ELinuxCommands(t *testing.T) {
	s, sshd := linuxServer(t)
	ctx := testContext(t, 3*time.Minute)

	t.Run("tools", func(t *testing.T) {
		res, err := s.Client.ListTools(ctx, mcpgo.ListToolsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Tools) != 15 {
			t.Errorf("tools/list has %d tools, want 15", len(res.Tools))
		}
	})
	t.Run("completed", func(t *testing.T) {
		r := run(t, ctx, s, "echo hello-$((6*7))", nil)
		wantStatus(t, r, "completed")
		if code, _ := r.num("exit_code"); code != 0 || r.str("output") != "hello-42\n" {
			t.Errorf("exit %d output %q, want 0 and %q", code, r.str("output"), "hello-42\n")
		}
		if !strings.HasPrefix(r.Text, "Exit Status: 0\n") || !strings.Contains(r.Text, "STDOUT:\nhello-42\n") {
			t.Errorf("text layout differs from the Python server's:\n%s", r.Text)
		}
	})
	t.Run("failed", func(t *testing.T) {
		r := run(t, ctx, s, "ls /nonexistent-e2e-dir", nil)
		wantStatus(t, r, "failed")
		if code, ok := r.num("exit_code"); !ok || code != 2 {
			t.Errorf("exit_code = %v, want 2:\n%s", r.Data["exit_code"], r.Text)
		}
	})
	t.Run("cwd persists", func(t *testing.T) {
		run(t, ctx, s, "cd /tmp && export E2E_VAR=kept", nil)
		r := run(t, ctx, s, "pwd; echo $E2E_VAR", nil)
		if r.str("output") != "/tmp\nkept\n" || r.str("cwd") != "/tmp" {
			t.Errorf("output %q cwd %q, want %q and /tmp", r.str("output"), r.str("cwd"), "/tmp\nkept\n")
		}
	})
	t.Run("sudo", func(t *testing.T) { linuxSudo(t, ctx, s, sshd) })
	t.Run("sudo without password waits", func(t *testing.T) { linuxSudoWaits(t, ctx, s, sshd) })
	t.Run("history and sessions", func(t *testing.T) { linuxHistorySessions(t, ctx, s, sshd) })
	s.assertNoSecrets(devicetest.AccountPassword)
}

func linuxSudo(t *testing.T, ctx context.Context, s *e2eServer, sshd *devicetest.SSHD) {
	acct := sudoAccount(t)
	r := run(t, ctx, s, "sudo -k; sudo id -u", map[string]any{"username": acct.Name, "sudo_password": acct.Password})
	wantStatus(t, r, "completed")
	if r.str("output") != "0\n" {
		t.Errorf("sudo id -u output %q, want %q", r.str("output"), "0\n")
	}
	r = run(t, ctx, s, "sudo -k; sudo id -u", map[string]any{"username": acct.Name, "sudo_password": "wrong-" + acct.Password})
	if r.str("status") != "failed" || !strings.Contains(strings.ToLower(r.str("error")), "sudo") {
		t.Errorf("wrong sudo password: status %q error %q, want failed with a sudo error:\n%s", r.str("status"), r.str("error"), r.Text)
	}
}

func linuxSudoWaits(t *testing.T, ctx context.Context, s *e2eServer, sshd *devicetest.SSHD) {
	acct := sudoAccount(t)
	r := run(t, ctx, s, "sudo -k; sudo id -u", map[string]any{"username": acct.Name, "timeout": 10})
	wantStatus(t, r, "awaiting_input")
	if p := r.str("input_prompt"); !strings.Contains(p, "[sudo] password for "+acct.Name) {
		t.Errorf("input_prompt = %q, want sudo's prompt", p)
	}
	id := r.str("command_id")
	interrupt(t, ctx, s, id)
}

// interrupt calls interrupt_command_by_id and checks the command ends
// interrupted. The tool waits a bounded time for the shell to come back; on
// a loaded machine that may pass first, and the result then says the
// command is still going, so the end is awaited by polling.
func interrupt(t *testing.T, ctx context.Context, s *e2eServer, id string) {
	t.Helper()
	r := s.call(t, ctx, "interrupt_command_by_id", map[string]any{"command_id": id})
	if r.IsError {
		t.Fatalf("interrupt_command_by_id: %s", r.Text)
	}
	if !finished(r.str("status")) {
		if !strings.Contains(r.Text, "still") {
			t.Errorf("an unfinished interrupt does not say so:\n%s", r.Text)
		}
		r = s.waitStatus(t, ctx, id, finished)
	}
	wantStatus(t, r, "interrupted")
}

func linuxHistorySessions(t *testing.T, ctx context.Context, s *e2eServer, sshd *devicetest.SSHD) {
	r := s.call(t, ctx, "list_command_history", map[string]any{"limit": 2})
	cmds, _ := r.Data["commands"].([]any)
	if len(cmds) != 2 {
		t.Fatalf("history with limit 2 has %d entries:\n%s", len(cmds), r.Text)
	}
	newest, _ := cmds[0].(map[string]any)
	if newest["command"] == "" {
		t.Errorf("newest history entry %v has no command", newest)
	}
	r = s.call(t, ctx, "list_sessions", nil)
	if !strings.Contains(r.Text, s.user+"@127.0.0.1") || !strings.Contains(r.Text, "/tmp") {
		t.Errorf("list_sessions does not show the session with its cwd:\n%s", r.Text)
	}
	r = s.call(t, ctx, "close_session", map[string]any{"host": "lab"})
	if n, _ := r.num("closed"); n < 1 {
		t.Errorf("close_session closed %d, want 1:\n%s", n, r.Text)
	}
	r = s.call(t, ctx, "list_command_history", nil)
	if cmds, _ := r.Data["commands"].([]any); len(cmds) < 5 {
		t.Errorf("history after close_session has %d entries, want them kept", len(cmds))
	}
	r = run(t, ctx, s, "pwd", nil)
	if r.str("output") == "/tmp\n" {
		t.Errorf("a closed session kept its cwd: %q", r.str("output"))
	}
	if r := s.call(t, ctx, "close_all_sessions", nil); r.IsError {
		t.Errorf("close_all_sessions: %s", r.Text)
	}
}

func TestE2ELinuxInteractive(t *testing.T) {
	s, _ := linuxServer(t)
	ctx := testContext(t, 3*time.Minute)

	t.Run("read", func(t *testing.T) {
		r := run(t, ctx, s, `read -r answer; echo "got:$answer"`, map[string]any{"timeout": 0})
		id := r.str("command_id")
		s.waitStatus(t, ctx, id, func(st string) bool { return st != "queued" })
		r = s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": `abc\n`})
		r = s.waitStatus(t, ctx, id, finished)
		if r.str("status") != "completed" || !strings.Contains(r.str("output"), "got:abc") {
			t.Errorf("read answered: status %q output %q", r.str("status"), r.str("output"))
		}
		r = s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": `x\n`})
		if !r.IsError || !strings.Contains(r.Text, "already finished") {
			t.Errorf("send_input to a finished command: %v %s", r.IsError, r.Text)
		}
	})
	t.Run("python3", func(t *testing.T) {
		// Python may take a while to start (a version manager's shim on
		// a busy machine), and its ">>> " prompt stays in the unfinished
		// last line, so it prints a line of its own once it is ready.
		r := s.call(t, ctx, "execute_command_async", map[string]any{"host": "lab", "command": `python3 -q -i -c 'print("ready")'`})
		id := r.str("command_id")
		s.waitStatus(t, ctx, id, func(string) bool { return strings.Contains(s.lastOutput, "ready\n") })
		r = s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": `print(6*7)\n`})
		if !strings.Contains(r.str("output"), "42") {
			s.waitStatus(t, ctx, id, func(string) bool { return strings.Contains(s.lastOutput, "42\n") })
		}
		s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": `exit()\n`})
		if r := s.waitStatus(t, ctx, id, finished); r.str("status") != "completed" {
			t.Errorf("python3 after exit(): %q\n%s", r.str("status"), r.Text)
		}
	})
	t.Run("repl prompt", func(t *testing.T) {
		// ">>> " ends no line: the quiet stream at it is what says that
		// python3 waits, and each answer comes back once it waits again
		r := run(t, ctx, s, "python3 -q", map[string]any{"timeout": 20})
		if r.str("status") != "awaiting_input" || r.str("partial_line") != ">>> " {
			t.Errorf("python3 -q: status %q partial_line %q; want awaiting_input at \">>> \"\n%s", r.str("status"), r.str("partial_line"), r.Text)
		}
		id := r.str("command_id")
		for i := range 3 {
			start := time.Now()
			r = s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": fmt.Sprintf(`6*%d\n`, 7+i)})
			t.Logf("send_input %d returned in %v", i, time.Since(start))
			want := fmt.Sprint(6 * (7 + i))
			if r.str("status") == "awaiting_input" && strings.Contains(r.str("output"), want+"\n") {
				continue
			}
			// a loaded machine may answer later than send_input waits:
			// the answer must still come, and python3 wait again
			t.Logf("answer %d not there yet: status %q output %q", i, r.str("status"), r.str("output"))
			r = s.waitStatus(t, ctx, id, func(st string) bool { return st == "awaiting_input" && strings.Contains(s.lastOutput, want+"\n") })
			if r.str("partial_line") != ">>> " {
				t.Errorf("answer %d: partial_line %q, want \">>> \"", i, r.str("partial_line"))
			}
		}
		s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": `exit()\n`})
		if r := s.waitStatus(t, ctx, id, finished); r.str("status") != "completed" {
			t.Errorf("python3 after exit(): %q\n%s", r.str("status"), r.Text)
		}
	})
	t.Run("interrupt", func(t *testing.T) {
		r := s.call(t, ctx, "execute_command_async", map[string]any{"host": "lab", "command": "sleep 600"})
		id := r.str("command_id")
		s.waitStatus(t, ctx, id, func(st string) bool { return st == "running" })
		running := s.call(t, ctx, "list_running_commands", nil)
		if !strings.Contains(running.Text, id) {
			t.Errorf("list_running_commands does not list %s:\n%s", id, running.Text)
		}
		interrupt(t, ctx, s, id)
		r = s.call(t, ctx, "interrupt_command_by_id", map[string]any{"command_id": id})
		if !r.IsError || !strings.Contains(r.Text, "already finished") {
			t.Errorf("interrupting a finished command: %v %s", r.IsError, r.Text)
		}
		if r := run(t, ctx, s, "echo after", nil); r.str("output") != "after\n" {
			t.Errorf("the shell is not usable after an interrupt: %q", r.str("output"))
		}
	})
}
