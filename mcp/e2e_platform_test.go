package mcp

import (
	"context"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

// Helpers of the per-platform end-to-end tests (e2e_platform_*_test.go).

// simExec runs command on a simulated device over an SSH exec request,
// which the simulator answers without its pager, prompt or echo: the
// reference for what the same command must show through the server when
// the device pages it.
func simExec(t *testing.T, dev *devicetest.Device, command string) string {
	t.Helper()
	client := devicetest.Dial(t, dev.Addr, dev.ClientConfig())
	sess, err := client.NewSession()
	if err != nil {
		t.Fatalf("exec session on %s: %v", dev.Addr, err)
	}
	defer sess.Close()
	out, err := sess.Output(command)
	if err != nil {
		t.Fatalf("exec %q on %s: %v", command, dev.Addr, err)
	}
	return strings.ReplaceAll(string(out), "\r\n", "\n")
}

// sameLines fails unless got holds exactly the lines of want, in order,
// naming the first line that differs.
func sameLines(t *testing.T, what, got, want string) {
	t.Helper()
	g := strings.Split(strings.Trim(got, "\n"), "\n")
	w := strings.Split(strings.Trim(want, "\n"), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			t.Errorf("%s: line %d is %q, want %q", what, i+1, g[i], w[i])
			return
		}
	}
	if len(g) != len(w) {
		t.Errorf("%s: %d lines, want %d; last line %q", what, len(g), len(w), g[len(g)-1])
	}
}

// wantMode fails unless a command completed and left the device in mode
// at a prompt starting with prompt.
func wantMode(t *testing.T, r callResult, mode, prompt string) {
	t.Helper()
	wantStatus(t, r, "completed")
	if r.str("mode") != mode || !strings.HasPrefix(r.str("prompt"), prompt) {
		t.Errorf("mode %q prompt %q, want %q at %q:\n%s", r.str("mode"), r.str("prompt"), mode, prompt, r.Text)
	}
}

// deviceRunner returns a function that runs execute_command with base
// (host, profile, secrets) and a call's extra arguments over it.
func (s *e2eServer) deviceRunner(ctx context.Context, base map[string]any) func(t *testing.T, command string, extra map[string]any) callResult {
	return func(t *testing.T, command string, extra map[string]any) callResult {
		t.Helper()
		args := map[string]any{"command": command}
		for _, m := range []map[string]any{base, extra} {
			for k, v := range m {
				args[k] = v
			}
		}
		return s.call(t, ctx, "execute_command", args)
	}
}
