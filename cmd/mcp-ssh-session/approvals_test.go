package main

import (
	"strings"
	"testing"
)

// TestApprovalsCommands: with no server running there is nothing to
// answer, and each command says so, or what it needs, in words.
func TestApprovalsCommands(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	if code, out, errs := runArgs(t, "approvals"); code != 0 || !strings.Contains(out, "no request waits") {
		t.Errorf("approvals: code %d, out %q, err %q", code, out, errs)
	}
	if code, _, errs := runArgs(t, "approve"); code != 2 || !strings.Contains(errs, "give the request's ID") {
		t.Errorf("approve without an ID: code %d, err %q", code, errs)
	}
	for _, cmd := range []string{"approve", "deny"} {
		if code, _, errs := runArgs(t, cmd, "abcdefgh"); code != 1 || !strings.Contains(errs, "no request abcdefgh is waiting") {
			t.Errorf("%s of an unknown request: code %d, err %q", cmd, code, errs)
		}
	}
	if code, _, errs := runArgs(t, "approvals", "extra"); code != 2 || !strings.Contains(errs, "takes no arguments") {
		t.Errorf("approvals with an argument: code %d, err %q", code, errs)
	}
}
