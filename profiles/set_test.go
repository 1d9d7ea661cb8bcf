package profiles

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// loadDefaults loads the embedded profiles and fails on any error: a
// broken default is a bug in this package.
func loadDefaults(t testing.TB) *Set {
	t.Helper()
	s, errs := Load("")
	for _, err := range errs {
		t.Errorf("embedded profiles: %v", err)
	}
	if t.Failed() {
		t.FailNow()
	}
	return s
}

func mustProfile(t testing.TB, s *Set, name string) *Profile {
	t.Helper()
	p, ok := s.Profile(name)
	if !ok {
		t.Fatalf("Profile(%q): not found; have %q", name, s.Names())
	}
	return p
}

func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// embeddedNames are the built-in profiles, in name order.
var embeddedNames = []string{"arista_eos", "aruba_aoscx", "cisco_asa", "cisco_ios", "cisco_nxos", "cisco_xr", "dell_os10", "frr", "huawei_vrp", "junos", "linux", "mikrotik_routeros", "vyos"}

func TestLoadEmbedded(t *testing.T) {
	s := loadDefaults(t)
	if got, want := s.Names(), embeddedNames; !slices.Equal(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	for _, name := range s.Names() {
		p := mustProfile(t, s, name)
		if p.Source != SourceEmbedded {
			t.Errorf("%s: Source = %q, want %q", name, p.Source, SourceEmbedded)
		}
		if len(p.Tests) == 0 {
			t.Errorf("%s: carries no pattern samples", name)
		}
		if p.Term == "" || p.Width == 0 {
			t.Errorf("%s: Term %q Width %d: defaults not filled", name, p.Term, p.Width)
		}
		if len(p.YAML()) == 0 {
			t.Errorf("%s: YAML() is empty", name)
		}
	}
	if c := mustProfile(t, s, "linux").Completion; c != CompletionMarker {
		t.Errorf("linux completion = %q", c)
	}
	for _, name := range []string{"cisco_ios", "junos"} {
		p := mustProfile(t, s, name)
		if p.Completion != CompletionPrompt || p.Term != "vt100" || p.Width != 511 {
			t.Errorf("%s: completion %q term %q width %d", name, p.Completion, p.Term, p.Width)
		}
	}
}

func TestLoadMissingDirIsFine(t *testing.T) {
	s, errs := Load(filepath.Join(t.TempDir(), "does-not-exist"))
	if len(errs) != 0 {
		t.Fatalf("errors for a missing directory: %v", errs)
	}
	if len(s.Names()) != len(embeddedNames) {
		t.Fatalf("Names() = %q", s.Names())
	}
}

const userLinux = `name: linux
description: my own shell profile
completion: marker
env:
  PAGER: more
`

const userSwitch = `description: lab switches
completion: prompt
modes:
  - name: exec
    prompt:
      regex: '^(?P<host>[\w.\-]+)>\s*$'
`

func TestLoadUserOverridesAndAdds(t *testing.T) {
	dir := t.TempDir()
	linuxFile := writeFile(t, dir, "mine.yaml", userLinux)
	switchFile := writeFile(t, dir, "lab_switch.yml", userSwitch)
	writeFile(t, dir, "notes.txt", "not a profile")
	s, errs := Load(dir)
	if len(errs) != 0 {
		t.Fatalf("Load: %v", errs)
	}
	if got, want := s.Names(), slices.Sorted(slices.Values(append([]string{"lab_switch"}, embeddedNames...))); !slices.Equal(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	l := mustProfile(t, s, "linux")
	if l.Source != linuxFile || l.Env["PAGER"] != "more" || l.Description != "my own shell profile" {
		t.Errorf("linux not replaced by the user's: source %q env %q", l.Source, l.Env)
	}
	if e := mustProfile(t, s, "lab_switch"); e.Source != switchFile {
		t.Errorf("lab_switch source %q, want %q", e.Source, switchFile)
	}
	if p := mustProfile(t, s, "cisco_ios"); p.Source != SourceEmbedded {
		t.Errorf("cisco_ios source %q", p.Source)
	}
}

func TestBrokenUserFileKeepsTheRest(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "cisco_ios.yaml", "name: cisco_ios\ncompletion: prompt\nmodes: [\n")
	writeFile(t, dir, "lab_switch.yaml", userSwitch)
	s, errs := Load(dir)
	if len(errs) == 0 {
		t.Fatal("no error for a broken file")
	}
	var le *LoadError
	if !errors.As(errs[0], &le) || le.File != bad || le.Line == 0 {
		t.Fatalf("error %q: want a *LoadError for %q with a line", errs[0], bad)
	}
	if p := mustProfile(t, s, "cisco_ios"); p.Source != SourceEmbedded {
		t.Errorf("cisco_ios: source %q; the embedded one should remain", p.Source)
	}
	mustProfile(t, s, "lab_switch")
	mustProfile(t, s, "junos")
}

func TestTwoUserFilesWithOneName(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.yaml", userLinux)
	second := writeFile(t, dir, "b.yaml", userLinux)
	s, errs := Load(dir)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), second) || !strings.Contains(errs[0].Error(), "also defined") {
		t.Fatalf("errors %q: want one naming %q", errs, second)
	}
	if p := mustProfile(t, s, "linux"); p.Source != filepath.Join(dir, "a.yaml") {
		t.Errorf("linux source %q, want the first file", p.Source)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	if got, want := DefaultDir(), "/cfg/mcp-ssh-session/profiles"; got != want {
		t.Errorf("with XDG_CONFIG_HOME: %q, want %q", got, want)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/ignored")
	t.Setenv("HOME", "/home/alice")
	if got, want := DefaultDir(), "/home/alice/.config/mcp-ssh-session/profiles"; got != want {
		t.Errorf("without XDG_CONFIG_HOME: %q, want %q", got, want)
	}
}
