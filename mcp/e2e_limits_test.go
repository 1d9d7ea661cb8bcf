package mcp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2EOutputLimitAndHistory runs the server with a small response limit
// (--output-limit), a short history (the config file's defaults.history),
// a host with its own command_timeout and a wire log, and checks all are
// honoured.
func TestE2EOutputLimitAndHistory(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	conf := "defaults:\n  history: 3\nhosts:\n  - match: [\"quick\"]\n    command_timeout: 1s\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	u := sshd.User
	s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, u), sshdHost("quick", sshd, u)},
		"--output-limit", "1024", "--config", cfg, "--wire-log")
	ctx := testContext(t, 2*time.Minute)

	r := run(t, ctx, s, "seq 1 5000", nil)
	wantStatus(t, r, "completed")
	out := r.str("output")
	if r.Data["truncated"] != true || !strings.HasPrefix(out, "1\n2\n3\n") || !strings.HasSuffix(out, "4999\n5000\n") {
		t.Errorf("seq 1 5000 with a 1 KiB limit: truncated %v, output %q", r.Data["truncated"], out)
	}
	if !strings.Contains(out, "get_command_status") || len(out) > 1024+400 {
		t.Errorf("the cut output (%d bytes) should say how to page and stay near the limit:\n%s", len(out), out)
	}
	total, _ := r.num("output_bytes")
	var whole strings.Builder
	for off := int64(0); off < total; {
		p := s.call(t, ctx, "get_command_status", map[string]any{"command_id": r.str("command_id"), "offset": off, "max_bytes": 4096})
		next, _ := p.num("next_offset")
		if next <= off {
			t.Fatalf("paging stuck at offset %d:\n%s", off, p.Text)
		}
		whole.WriteString(p.str("output"))
		off = next
	}
	var want strings.Builder
	for i := 1; i <= 5000; i++ {
		fmt.Fprintf(&want, "%d\n", i)
	}
	if whole.String() != want.String() {
		t.Errorf("paged output (%d bytes) differs from seq's (%d bytes)", whole.Len(), want.Len())
	}

	for i := 0; i < 4; i++ {
		run(t, ctx, s, fmt.Sprintf("echo history-%d", i), nil)
	}
	h := s.call(t, ctx, "list_command_history", nil)
	cmds, _ := h.Data["commands"].([]any)
	if len(cmds) != 3 {
		t.Fatalf("history with defaults.history 3 has %d entries:\n%s", len(cmds), h.Text)
	}
	if first, _ := cmds[0].(map[string]any); first["command"] != "echo history-3" {
		t.Errorf("newest history entry = %v, want echo history-3", first)
	}
	if r := s.call(t, ctx, "get_command_status", map[string]any{"command_id": r.str("command_id")}); !r.IsError {
		t.Errorf("a command pushed out of the history is still known:\n%s", r.Text)
	}
	// The host's own command_timeout (1 s) applies when the call gives
	// none: a 5 s command comes back running, where the global 30 s would
	// have seen it complete.
	r = s.call(t, ctx, "execute_command", map[string]any{"host": "quick", "command": "sleep 5"})
	if r.str("status") != "running" {
		t.Errorf("host with command_timeout 1s: status %q, want running:\n%s", r.str("status"), r.Text)
	}
	s.waitStatus(t, ctx, r.str("command_id"), finished)
	if log := s.Log(); !strings.Contains(log, "echo history-3") || !strings.Contains(log, "4999") {
		t.Errorf("--wire-log: the log does not hold the bytes sent and received:\n%.2000s", log)
	}
}
