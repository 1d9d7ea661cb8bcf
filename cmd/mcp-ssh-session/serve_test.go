package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestServeFlags(t *testing.T) {
	code, _, errOut := runArgs(t, "serve", "--help")
	if code != 0 || !strings.Contains(errOut, "-log-file") || !strings.Contains(errOut, "-wire-log") ||
		!strings.Contains(errOut, "-max-wait") || !strings.Contains(errOut, "-interrupt-on-cancel") || !strings.Contains(errOut, "-read-only") {
		t.Errorf("serve --help: code %d, stderr %q", code, errOut)
	}
	for _, args := range [][]string{
		{"serve", "--log-level", "loud"},
		{"serve", "--output-limit", "-5"},
		{"serve", "--max-wait", "-5s"},
		{"serve", "--max-wait", "48h"},
		{"serve", "--max-wait", "soon"},
		{"serve", "extra-arg"},
		{"--no-such-flag"},
	} {
		if code, _, errOut := runArgs(t, args...); code == 0 || errOut == "" {
			t.Errorf("%q: code %d, stderr %q; want a failure that says why", args, code, errOut)
		}
	}
}

func TestServeLogFileIsPrivate(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	path := filepath.Join(dir, "server.log")
	if err := os.WriteFile(path, []byte("old line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// stdin is empty, so the server serves nothing and stops at EOF.
	code, out, errOut := runArgs(t, "serve", "--log-file", path, "--ssh-config", filepath.Join(dir, "none"))
	if code != 0 || out != "" {
		t.Fatalf("serve with empty stdin: code %d, stdout %q, stderr %q", code, out, errOut)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "old line\n") || !strings.Contains(string(b), "serving MCP") {
		t.Errorf("log file = %q, want the old line kept and the server's start logged", b)
	}
}

func TestStopReasonNamesTheSignal(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(signalError{Signal: syscall.SIGHUP})
	if got := stopReason(ctx); got != "received hangup" {
		t.Errorf("stopReason after SIGHUP = %q, want %q", got, "received hangup")
	}
}
