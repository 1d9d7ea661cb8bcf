package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeFlags(t *testing.T) {
	code, _, errOut := runArgs(t, "serve", "--help")
	if code != 0 || !strings.Contains(errOut, "-log-file") || !strings.Contains(errOut, "-wire-log") {
		t.Errorf("serve --help: code %d, stderr %q", code, errOut)
	}
	for _, args := range [][]string{
		{"serve", "--log-level", "loud"},
		{"serve", "--output-limit", "-5"},
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
