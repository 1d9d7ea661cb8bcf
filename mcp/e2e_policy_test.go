package mcp

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// policyConfig gives lab command and file rules and makes ro read-only.
// The tests below name the lines of its rules.
const policyConfig = `hosts:
  - match: [lab]
    policy:
      deny: ['\breboot\b', '^reload']
      ask: ['systemctl (restart|stop)']
      files:
        deny: ['^/etc/shadow$']
  - match: [ro]
    read_only: true
`

// markerDir is a directory any test account can create files in, so that
// a file that appears there proves a command ran.
func markerDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "mcpt-policy-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func wantRefused(t *testing.T, r callResult, want ...string) {
	t.Helper()
	if !r.IsError {
		t.Errorf("not refused (isError false):\n%s", r.Text)
		return
	}
	for _, w := range want {
		if !strings.Contains(r.Text, w) {
			t.Errorf("the refusal does not say %q:\n%s", w, r.Text)
		}
	}
}

// TestE2EPolicyLinux: through the binary, a line that joins an allowed
// command to a denied one is refused whole before anything is typed, an
// ask rule is refused for want of a person to ask, input typed into a
// command is checked like a command, and file rules hold for read_file.
// (Approvals themselves are in e2e_approval_test.go.)
func TestE2EPolicyLinux(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	cfg := writeConfig(t, policyConfig)
	auditFile := filepath.Join(t.TempDir(), "audit.jsonl")
	s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User), sshdHost("ro", sshd, sshd.User)}, "--config", cfg, "--audit-log", auditFile,
		"--approval-timeout", "1s")
	ctx := testContext(t, 2*time.Minute)
	dir := markerDir(t)

	t.Run("deny rule on one segment refuses the line", func(t *testing.T) {
		marker := filepath.Join(dir, "marker")
		r := run(t, ctx, s, "touch "+marker+"; echo ok; reboot", nil)
		wantRefused(t, r, `\breboot\b`, "deny rule", cfg+":4", "hosts[0].policy.deny[0]", `"reboot"`, "nothing was sent")
		if exists(marker) {
			t.Error("the refused line ran in part: its touch created the marker file")
		}
		ok := filepath.Join(dir, "ok")
		r = run(t, ctx, s, "touch "+ok+" && echo fine", nil)
		wantStatus(t, r, "completed")
		if !exists(ok) {
			t.Error("an allowed touch created no file: the marker check above proves nothing")
		}
	})
	t.Run("an anchored deny rule holds for a later segment", func(t *testing.T) {
		r := run(t, ctx, s, "show ver; reload", nil)
		wantRefused(t, r, "^reload", "deny rule", cfg+":4", "hosts[0].policy.deny[1]", `"reload"`, "nothing was sent")
	})
	t.Run("ask rule needs a person", func(t *testing.T) {
		r := run(t, ctx, s, "true && systemctl restart nginx", nil)
		wantRefused(t, r, "needs a person's approval", "cannot show approval questions", `systemctl (restart|stop)`, cfg+":5")
	})
	t.Run("input is checked like a command", func(t *testing.T) {
		r := run(t, ctx, s, `read -r -p 'cmd> ' line; echo "got=$line"`, map[string]any{"timeout": 0})
		id := r.str("command_id")
		s.waitStatus(t, ctx, id, func(st string) bool { return st == "awaiting_input" })
		r = s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": `echo x; reboot\n`})
		wantRefused(t, r, `\breboot\b`, cfg+":4")
		s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": `hello\n`})
		if r := s.waitStatus(t, ctx, id, finished); !strings.Contains(r.str("output"), "got=hello") {
			t.Errorf("after the refused input, allowed input: output %q", r.str("output"))
		}
	})
	t.Run("file rule", func(t *testing.T) {
		r := s.call(t, ctx, "read_file", map[string]any{"host": "lab", "remote_path": "/etc/shadow"})
		wantRefused(t, r, `^/etc/shadow$`, cfg+":7")
	})
	t.Run("read_only host entry", func(t *testing.T) {
		r := s.call(t, ctx, "write_file", map[string]any{"host": "ro", "remote_path": filepath.Join(dir, "w"), "content": "x"})
		wantRefused(t, r, "read-only mode", cfg+":9")
		if exists(filepath.Join(dir, "w")) {
			t.Error("write_file to a read-only host wrote the file")
		}
		r = s.call(t, ctx, "execute_command", map[string]any{"host": "ro", "command": "df -h"})
		wantStatus(t, r, "completed")
	})
	t.Run("the audit log records each decision", func(t *testing.T) {
		recs := readAudit(t, auditFile)
		want := map[string]string{"touch " + filepath.Join(dir, "marker") + "; echo ok; reboot": "deny",
			"true && systemctl restart nginx": "ask", "touch " + filepath.Join(dir, "ok") + " && echo fine": "allow"}
		calls := map[float64]string{} // call seq -> command
		for _, rec := range recs {
			if rec.str("event") == "call" && rec.str("tool") == "execute_command" {
				calls[rec["seq"].(float64)] = rec.str("command")
			}
		}
		for _, rec := range recs {
			seq, _ := rec["call_seq"].(float64)
			if cmd := calls[seq]; rec.str("event") == "result" && want[cmd] != "" {
				if rec.str("policy") != want[cmd] {
					t.Errorf("result of %q: policy %q, want %q", cmd, rec.str("policy"), want[cmd])
				}
				delete(want, cmd)
			}
		}
		if len(want) != 0 {
			t.Errorf("no result records for %q", want)
		}
	})
}

func toolNames(t *testing.T, ctx context.Context, s *e2eServer) []string {
	t.Helper()
	res, err := s.Client.ListTools(ctx, mcpgo.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

// TestE2EReadOnlyLinux: with --read-only no write tool is offered, an
// inspection command runs, and anything else is refused untyped.
func TestE2EReadOnlyLinux(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, "--read-only")
	ctx := testContext(t, 2*time.Minute)
	dir := markerDir(t)

	names := toolNames(t, ctx, s)
	if j := strings.Join(names, " "); strings.Contains(j, "write") || strings.Contains(j, "config") || len(names) != 11 {
		t.Errorf("tools/list under --read-only = %q, want the 11 tools that change nothing", names)
	}
	if _, err := s.callErr(ctx, "write_file", map[string]any{"host": "lab", "remote_path": filepath.Join(dir, "w"), "content": "x"}, nil); err == nil || exists(filepath.Join(dir, "w")) {
		t.Errorf("write_file under --read-only: err %v, file written %v; want it refused", err, exists(filepath.Join(dir, "w")))
	}
	r := run(t, ctx, s, "df -h", nil)
	wantStatus(t, r, "completed")
	if !strings.Contains(r.str("output"), "Filesystem") {
		t.Errorf("df -h output %q", r.str("output"))
	}
	marker := filepath.Join(dir, "x")
	for _, cmd := range []string{"rm " + marker, "ls > " + marker, "ls; touch " + marker, "echo $(touch " + marker + ")"} {
		r := run(t, ctx, s, cmd, nil)
		wantRefused(t, r, "read-only mode", "the server's --read-only")
	}
	if exists(marker) {
		t.Error("a refused command ran")
	}
}

// TestE2EReadOnlyDevice: under --read-only a simulated IOS device runs
// show commands, abbreviated too, and refuses configuration.
func TestE2EReadOnlyDevice(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "ios", Hostname: "edge1", Password: devicePassword, EnableSecret: enableSecret})
	s := startServer(t, []mcptest.Host{deviceHost("edge1", dev)}, "--read-only")
	ctx := testContext(t, 2*time.Minute)
	ios := func(command string) callResult {
		return s.call(t, ctx, "execute_command", map[string]any{"host": "edge1", "command": command, "profile": "cisco_ios",
			"password": devicePassword, "enable_password": enableSecret})
	}
	r := ios("show version")
	wantStatus(t, r, "completed")
	if !strings.Contains(r.str("output"), "edge1") {
		t.Errorf("show version output %q", r.str("output"))
	}
	wantStatus(t, ios("sh clock"), "completed")
	wantRefused(t, ios("configure terminal"), "read-only mode", "cisco_ios", `"configure terminal"`)
	wantRefused(t, ios("show clock\nreload"), "read-only mode", `"reload"`)
	if _, err := s.callErr(ctx, "apply_config", map[string]any{"host": "edge1", "lines": []any{"hostname x"}, "profile": "cisco_ios", "password": devicePassword}, nil); err == nil ||
		!strings.Contains(err.Error(), "not found") {
		t.Errorf("apply_config under --read-only: err %v, want an unknown tool", err)
	}
	if r := ios("show running-config | include hostname"); r.str("status") != "completed" || r.str("mode") == "configuration" {
		t.Errorf("after the refusals: %s", r.Text)
	}
	s.assertNoSecrets(devicePassword, enableSecret)
}
