package devices

import (
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
)

// A sub-mode prompt whose suffix follows the host name after a dash
// ([sw-core-1-Vlanif10]) keeps the name learned at login, so the prompt
// after leaving it still ends the command; a line that renames the host
// teaches the new name, even one that extends the old.
func TestSubModePromptKeepsHostName(t *testing.T) {
	t.Parallel()
	h := newDeviceHarness(t, devsim.Options{Platform: "vrp", Hostname: "sw-core-1"}, "huawei_vrp")
	steps := []struct{ line, mode, prompt string }{
		{"system-view", "system", "[sw-core-1]"},
		{"interface Vlanif10", "system", "[sw-core-1-Vlanif10]"},
		{"return", "user", "<sw-core-1>"},
		{"system-view", "system", "[sw-core-1]"},
		{"sysname sw-core-1-x", "system", "[sw-core-1-x]"},
		{"interface Vlanif10", "system", "[sw-core-1-x-Vlanif10]"},
		{"return", "user", "<sw-core-1-x>"},
		{"display clock", "user", "<sw-core-1-x>"},
	}
	for _, st := range steps {
		info, _ := h.run(t, st.line, RunOptions{})
		wantStatus(t, info, StatusCompleted, 0)
		if info.Mode != st.mode || info.Prompt != st.prompt {
			t.Fatalf("%q: mode %q prompt %q, want %q %q", st.line, info.Mode, info.Prompt, st.mode, st.prompt)
		}
	}
}
