package profiles

import (
	"os"
	"strings"
	"testing"
)

// The worked example in README.md is the file in testdata, and it loads:
// the documentation cannot drift from what the loader accepts.
func TestReadmeWorkedExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "## Worked example")
	if start < 0 {
		t.Fatal("README.md has no worked example section")
	}
	text = text[start:]
	open := strings.Index(text, "```yaml\n")
	if open < 0 {
		t.Fatal("worked example has no yaml block")
	}
	block := text[open+len("```yaml\n"):]
	block = block[:strings.Index(block, "```")]

	want, err := os.ReadFile("testdata/arista_eos.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if block != string(want) {
		t.Errorf("README example and testdata/arista_eos.yaml differ; keep them identical")
	}
	p, err := LoadFile("testdata/arista_eos.yaml")
	if err != nil {
		t.Fatalf("worked example does not load:\n%v", err)
	}
	if p.Name != "arista_eos" || len(p.Modes) != 3 || len(p.Tests) == 0 {
		t.Errorf("worked example loaded as %q with %d modes and %d tests", p.Name, len(p.Modes), len(p.Tests))
	}
	if path, err := p.Path("exec", "configuration"); err != nil || len(path) != 2 {
		t.Errorf("Path(exec, configuration) = %d steps, %v", len(path), err)
	}
	s, errs := Load("testdata")
	if len(errs) > 0 || s.Detect("leaf7", "127.0.0.7", "") != "arista_eos" {
		t.Errorf("testdata as a profile directory: errors %v, Detect(leaf7) = %q", errs, s.Detect("leaf7", "127.0.0.7", ""))
	}
}

// The patterns shown in "Adding a platform" load with their samples and
// are the built-in cisco_asa's, so the walkthrough cannot drift from the
// profile it describes.
func TestReadmeAddingAPlatform(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "## Adding a platform")
	if start < 0 {
		t.Fatal("README.md has no section on adding a platform")
	}
	text = text[start:]
	open := strings.Index(text, "```yaml\n")
	if open < 0 {
		t.Fatal("the section has no yaml block")
	}
	block := text[open+len("```yaml\n"):]
	block = block[:strings.Index(block, "```")]
	head := "name: lab_asa\ncompletion: prompt\nmodes:\n  - name: exec\n    prompt:\n      regex: '^(?P<host>[\\w.\\-/]{1,63})>\\s*$'\n"
	p, err := Parse("README.md", []byte(head+block))
	if err != nil {
		t.Fatalf("the section's patterns do not load:\n%v", err)
	}
	asa := mustProfile(t, loadDefaults(t), "cisco_asa")
	if len(p.Pagers) != 1 || p.Pagers[0].Pattern.Regexp.String() != asa.Pagers[0].Pattern.Regexp.String() {
		t.Errorf("the section's pager is not cisco_asa's first pager")
	}
	if len(p.Errors) != 1 || p.Errors[0].Regexp.String() != asa.Errors[0].Regexp.String() {
		t.Errorf("the section's error pattern is not cisco_asa's first one")
	}
}
