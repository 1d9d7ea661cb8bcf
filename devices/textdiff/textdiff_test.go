package textdiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	cases := []struct{ name, a, b, want string }{
		{"equal", "x\n", "x\n", ""},
		{"one line changed", "a\nb\nc\n", "a\nB\nc\n", "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"new file", "", "a\nb\n", "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"emptied", "a\n", "", "--- old\n+++ new\n@@ -1 +0,0 @@\n-a\n"},
		{"newline at the end only", "a", "a\n", "--- old\n+++ new\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n"},
	}
	for _, c := range cases {
		if got := Unified("old", "new", c.a, c.b, 3); got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
}

// TestUnifiedPatchApplies: the diff of texts with changes far apart, next
// to each other and at both ends turns the old text into the new one with
// patch(1), the tool a person would check it with.
func TestUnifiedPatchApplies(t *testing.T) {
	var a, b []string
	for i := range 60 {
		a = append(a, "line "+string(rune('a'+i%26)))
	}
	b = append(b, "first")
	b = append(b, a[:10]...)
	b = append(b, "inserted")
	b = append(b, a[12:30]...)
	b = append(b, "x", "y")
	b = append(b, a[31:59]...)
	old, updated := strings.Join(a, "\n")+"\n", strings.Join(b, "\n")
	d := Unified("f", "f", old, updated, 3)
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	os.WriteFile(f, []byte(old), 0o600)
	cmd := exec.Command("patch", "-s", f)
	cmd.Stdin = strings.NewReader(d)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v\n%s\ndiff:\n%s", err, out, d)
	}
	got, _ := os.ReadFile(f)
	if string(got) != updated {
		t.Errorf("patched text differs:\n%q\nwant\n%q\ndiff:\n%s", got, updated, d)
	}
	if n := strings.Count(d, "@@ -"); n != 4 {
		t.Errorf("%d hunks, want 4 (the start, line 11, lines 31-32, the end):\n%s", n, d)
	}
}
