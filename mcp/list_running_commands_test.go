package mcp

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

// TestListingsPreviewCommands: a listing carries a preview of each
// command, so forty queued 250 KiB scripts do not make a 10 MB answer.
func TestListingsPreviewCommands(t *testing.T) {
	infos := make([]devices.CommandInfo, 40)
	for i := range infos {
		infos[i] = devices.CommandInfo{ID: "id", Command: strings.Repeat("echo x; ", 32<<10), Status: devices.StatusQueued}
	}
	l := summarize(infos)
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(b) + len(l.text("")); n > 64<<10 {
		t.Errorf("listing of 40 queued 256 KiB commands is %d bytes; want a preview of each", n)
	}
}
