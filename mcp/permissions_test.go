package mcp

import (
	"encoding/json"
	"os"
	"testing"
)

func TestParseMode(t *testing.T) {
	tests := []struct {
		raw  string
		want os.FileMode
		set  bool
	}{
		{``, 0, false},
		{`null`, 0, false},
		{`420`, 0o644, true},
		{`384`, 0o600, true},
		{`420.0`, 0o644, true},
		{`4.2e2`, 0o644, true},
		{`"0644"`, 0o644, true},
		{`"755"`, 0o755, true},
		{`"0o600"`, 0o600, true},
		{`"4755"`, 0o755 | os.ModeSetuid, true},
	}
	for _, tt := range tests {
		got, set, err := parseMode(json.RawMessage(tt.raw))
		if err != nil || got != tt.want || set != tt.set {
			t.Errorf("parseMode(%s) = %v, %v, %v; want %v, %v", tt.raw, got, set, err, tt.want, tt.set)
		}
	}
	for _, bad := range []string{`"0999"`, `-1`, `4096`, `1.5`, `420.5`, `1e400`, `"rw-r--r--"`, `true`} {
		if got, _, err := parseMode(json.RawMessage(bad)); err == nil {
			t.Errorf("parseMode(%s) = %v, want an error", bad, got)
		}
	}
}
