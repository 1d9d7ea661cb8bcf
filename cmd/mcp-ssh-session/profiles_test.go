package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

const eosProfile = `name: arista_eos
description: Arista EOS switches
completion: prompt
modes:
  - name: exec
    prompt:
      regex: '^(?P<host>[\w.\-]+)>\s*$'
      tests:
        match: ["leaf1>"]
        no_match: ["leaf1>\nshow version"]
`

func writeProfile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProfilesList(t *testing.T) {
	dir := t.TempDir()
	eos := writeProfile(t, dir, "eos.yaml", eosProfile)
	broken := writeProfile(t, dir, "broken.yaml", "completion: prompt\nmodes:\n  - name: exec\n    prompt: {regex: '^(?P<host>x'}\n")
	code, out, errOut := runArgs(t, "profiles", "--profiles-dir", dir, "list")
	if code != 0 {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"NAME", "arista_eos", eos, "cisco_ios", "embedded", "junos", "linux", "Arista EOS switches"} {
		if !strings.Contains(out, want) {
			t.Errorf("list output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, broken+":4: modes[0].prompt.regex:") {
		t.Errorf("stderr %q does not report the broken file with line and field", errOut)
	}
	// What each profile can do: detection, transactions, a simulator.
	cols := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 4 {
			cols[f[0]] = f[1:]
		}
	}
	for name, want := range map[string]string{"junos": "yes yes junos", "cisco_ios": "yes yes ios", "frr": "yes no (unsupported) -", "linux": "yes no -"} {
		if got := strings.Join(cols[name], " "); !strings.HasPrefix(got, want+" ") {
			t.Errorf("%s: columns %q, want them to start with %q", name, got, want)
		}
	}
	if cols["NAME"] == nil || strings.Join(cols["NAME"][:3], " ") != "DETECTION TRANSACTIONS SIMULATOR" {
		t.Errorf("header %q", cols["NAME"])
	}
	// Flags after the action work too.
	code, out2, _ := runArgs(t, "profiles", "list", "--profiles-dir", dir)
	if code != 0 || out2 != out {
		t.Errorf("flag after action: code %d, output %q, want %q", code, out2, out)
	}
}

func TestProfilesShow(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runArgs(t, "profiles", "--profiles-dir", dir, "show", "junos")
	if code != 0 {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	// What show prints must load back as the same profile: it is meant as
	// the starting point for a user's own file.
	p, err := profiles.Parse("junos.yaml", []byte(out))
	if err != nil {
		t.Fatalf("show output does not parse: %v\n%s", err, out)
	}
	if p.Name != "junos" || !strings.Contains(out, "--- JUNOS") {
		t.Errorf("show junos printed profile %q:\n%s", p.Name, out)
	}
	// A user profile is shown as its file reads, comments included.
	writeProfile(t, dir, "eos.yaml", "# our switches\n"+eosProfile)
	code, out, errOut = runArgs(t, "profiles", "show", "--profiles-dir", dir, "arista_eos")
	if code != 0 || !strings.Contains(out, "# our switches\n"+eosProfile) || !strings.Contains(out, filepath.Join(dir, "eos.yaml")) {
		t.Errorf("show user profile: code %d, out %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runArgs(t, "profiles", "--profiles-dir", dir, "show", "nxos")
	if code != 1 || !strings.Contains(errOut, `no profile "nxos"`) || !strings.Contains(errOut, "cisco_ios") {
		t.Errorf("unknown name: code %d, stderr %q", code, errOut)
	}
	if code, _, _ = runArgs(t, "profiles", "show"); code != 2 {
		t.Errorf("show without a name: code %d, want 2", code)
	}
}

func TestProfilesValidate(t *testing.T) {
	dir := t.TempDir()
	good := writeProfile(t, dir, "eos.yaml", eosProfile)
	bad := writeProfile(t, dir, "bad.yaml", strings.Replace(
		strings.Replace(eosProfile, `match: ["leaf1>"]`, `match: ["leaf1#"]`, 1),
		"completion: prompt", "completion: prompt\nterminal: vt100", 1))
	code, out, errOut := runArgs(t, "profiles", "validate", good)
	if code != 0 || !strings.Contains(out, good+": ok") {
		t.Fatalf("valid file: code %d, out %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = runArgs(t, "profiles", "validate", good, bad, filepath.Join(dir, "missing.yaml"))
	if code != 1 {
		t.Fatalf("code %d, want 1; stderr %q", code, errOut)
	}
	if !strings.Contains(out, good+": ok") || strings.Contains(out, bad) {
		t.Errorf("stdout %q: want ok for the good file only", out)
	}
	for _, want := range []string{
		bad + ":4: terminal: unknown field",
		bad + `:10: modes[0].prompt.tests.match[0]: pattern "exec" does not match the sample "leaf1#"`,
		"missing.yaml: cannot read the file",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code, _, _ = runArgs(t, "profiles", "validate"); code != 2 {
		t.Errorf("validate without files: code %d, want 2", code)
	}
}

func TestProfilesUsage(t *testing.T) {
	code, _, errOut := runArgs(t, "profiles")
	if code != 2 || !strings.Contains(errOut, "profiles validate FILE") {
		t.Errorf("no action: code %d, stderr %q", code, errOut)
	}
	code, _, errOut = runArgs(t, "profiles", "frob")
	if code != 2 || !strings.Contains(errOut, `unknown action "frob"`) {
		t.Errorf("unknown action: code %d, stderr %q", code, errOut)
	}
	if code, _, _ = runArgs(t, "profiles", "--help"); code != 0 {
		t.Errorf("--help: code %d", code)
	}
}
