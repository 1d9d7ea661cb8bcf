package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serveAudited runs the server on an empty stdin with extra flags and the
// config text in a config file, and returns its exit code and stderr.
func serveAudited(t *testing.T, config string, extra ...string) (int, string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"serve", "--config", cfg, "--ssh-config", filepath.Join(dir, "none")}, extra...)
	code, _, errOut := runArgs(t, args...)
	return code, errOut
}

func TestAuditVerifySubcommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	// The server opens the log, and the flag wins over the config's file.
	if code, errOut := serveAudited(t, "audit:\n  file: "+filepath.Join(dir, "other.jsonl")+"\n", "--audit-log", path); code != 0 {
		t.Fatalf("serve --audit-log: code %d, stderr %q", code, errOut)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("audit log after serve: %v, %v; want a file with mode 0600", fi, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "other.jsonl")); err == nil {
		t.Errorf("the config's audit.file was opened although --audit-log was given")
	}
	code, out, errOut := runArgs(t, "audit", "verify", path)
	if code != 0 || out != "ok, 0 records\n" {
		t.Errorf("audit verify of an empty log: code %d, stdout %q, stderr %q", code, out, errOut)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"seq\":1}\n"), 0o600)
	code, out, errOut = runArgs(t, "audit", "verify", bad)
	if code != 1 || out != "" || !strings.Contains(errOut, "line 1") {
		t.Errorf("audit verify of a bad log: code %d, stdout %q, stderr %q; want 1 and the line named", code, out, errOut)
	}
	for _, args := range [][]string{{"audit"}, {"audit", "check", path}, {"audit", "verify"}} {
		if code, _, errOut := runArgs(t, args...); code != 2 || !strings.Contains(errOut, "audit verify FILE") {
			t.Errorf("%q: code %d, stderr %q; want 2 and the usage", args, code, errOut)
		}
	}
}

func TestAuditServeRefusesALinkedLog(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.jsonl")
	os.WriteFile(target, nil, 0o600)
	link := filepath.Join(dir, "audit.jsonl")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	code, errOut := serveAudited(t, "audit:\n  file: "+link+"\n  fail_closed: true\n")
	if code != 1 || !strings.Contains(errOut, "symbolic link") {
		t.Errorf("serve with audit.file a symlink: code %d, stderr %q; want 1 and the link refused", code, errOut)
	}
}
