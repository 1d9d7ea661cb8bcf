package mcp

import (
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

// A running command's unfinished last line is shown quoted (its trailing
// blank matters) with a hint to answer it; a finished one has none.
func TestResultTextPartialLine(t *testing.T) {
	info := devices.CommandInfo{ID: "c1", Status: devices.StatusRunning, PartialLine: ">>> "}
	text := newCommandResult(info, outputWindow{}).text("")
	for _, want := range []string{`Unfinished last line: ">>> "`, `answer with send_input command_id="c1"`} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	info.PartialLine = ""
	if text := newCommandResult(info, outputWindow{}).text(""); strings.Contains(text, "Unfinished") || strings.Contains(text, "send_input") {
		t.Errorf("without a partial line the text still mentions it:\n%s", text)
	}
}
