package mcp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

func resultText(t *testing.T, r *mcpgo.CallToolResult) string {
	t.Helper()
	if len(r.Content) != 1 {
		t.Fatalf("result has %d contents, want 1", len(r.Content))
	}
	tc, ok := r.Content[0].(mcpgo.TextContent)
	if !ok {
		t.Fatalf("content %T, want text", r.Content[0])
	}
	return tc.Text
}

// TestHostFailureBlamesReachabilityOnlyForSilence: a login that printed
// text is not called unreachable: a prompt no mode of the profile matches
// names the profile and the line, and other timeouts quote what came.
func TestHostFailureBlamesReachabilityOnlyForSilence(t *testing.T) {
	timeout := func(tail string) error {
		return fmt.Errorf("%w: %w", devices.ErrTimeout, &expect.TimeoutError{Tail: tail, Elapsed: 3 * time.Second})
	}
	mismatch := &devices.LoginError{Profile: "cisco_ios", LastLine: "alice@web1:~$", Tail: "Last login: today\nalice@web1:~$ ",
		Elapsed: 3 * time.Second, Err: timeout("Last login: today\nalice@web1:~$ ")}
	for _, tc := range []struct {
		name     string
		err      error
		want     []string
		notWants []string
	}{
		{"prompt of another profile", fmt.Errorf("web1: open shell: %w", mismatch),
			[]string{`the login prompt did not match profile cisco_ios: last line was "alice@web1:~$"`, "profile", "mode prompts of profile cisco_ios"},
			[]string{"reachable"}},
		{"timeout after text", fmt.Errorf("web1: %w", timeout("Welcome\nmenu> ")),
			[]string{`"menu>"`, "profile"}, []string{"reachable"}},
		{"silence", fmt.Errorf("web1: %w", timeout("")), []string{"reachable"}, nil},
	} {
		got := resultText(t, hostFailure(t.Context(), "execute_command", "web1", "starting the command", tc.err))
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: failure %q does not say %q", tc.name, got, w)
			}
		}
		for _, nw := range tc.notWants {
			if strings.Contains(got, nw) {
				t.Errorf("%s: failure %q says %q", tc.name, got, nw)
			}
		}
	}
}

// TestWarningsRendered: the failed preparation steps of a new shell show
// in the command's note and text, and in the session listing.
func TestWarningsRendered(t *testing.T) {
	w := `on_open step 2 "terminal width 511" failed: % Unknown command: terminal width 511`
	r := newCommandResult(devices.CommandInfo{Status: devices.StatusCompleted, Warnings: []string{w}}, outputWindow{})
	if want := "shell setup: " + w; r.Note != want || !strings.Contains(r.text(""), want) {
		t.Errorf("note %q, text %q; want %q in both", r.Note, r.text(""), want)
	}
	if r := newCommandResult(devices.CommandInfo{Status: devices.StatusCompleted, Note: "entered a nested shell"}, outputWindow{}); r.Note != "entered a nested shell" {
		t.Errorf("note without warnings %q", r.Note)
	}
	l := sessionList{Sessions: []sessionSummary{{Host: "r1", Warnings: []string{w}}}}
	if !strings.Contains(l.text(), "Warning: "+w) {
		t.Errorf("list_sessions text %q has no warning %q", l.text(), w)
	}
}
