package expect

import (
	"regexp"
	"strings"
	"testing"
)

func TestTailAnchored(t *testing.T) {
	for src, want := range map[string]bool{
		`(?m)(?:^R1#\s*$)\z`:      true,
		`Password:\s*\z`:          true,
		`(?m)^R1#\s*$`:            false,
		`\x1eT:(\d+)\x1f`:         false,
		`(?:a\z|b)`:               false, // an alternative may match anywhere
		`(?m)(?:^\[edit\]\n)?x\z`: true,
	} {
		if got := tailAnchored(regexp.MustCompile(src)); got != want {
			t.Errorf("tailAnchored(%q) = %t, want %t", src, got, want)
		}
	}
}

func TestTailStart(t *testing.T) {
	long := strings.Repeat("x", 3000)
	for _, tc := range []struct{ text, want string }{
		{"a\nb\nc\nd\ne\nR1#", "b\nc\nd\ne\nR1#"},
		{"one line", "one line"},
		{"a\nR1#", "a\nR1#"},
		{long + "\nR1#", long[len(long)-1020:] + "\nR1#"},
	} {
		if got := tc.text[tailStart(tc.text):]; got != tc.want {
			t.Errorf("tail of %.40q... = %.60q, want %.60q", tc.text, got, tc.want)
		}
	}
}

// TestTailAnchoredMatchesOnlyAtTheEnd: limiting the search changes nothing
// about what matches: a prompt at the end of a long window is found, and
// one followed by more output is not.
func TestTailAnchoredMatchesOnlyAtTheEnd(t *testing.T) {
	prompt := Pattern{Name: "prompt", Regexp: regexp.MustCompile(`(?m)(?:^R1#\s*$)\z`)}
	body := strings.Repeat("line of output\n", 200)
	if f, ok := search(body+"R1#", []Pattern{prompt}); !ok || f.start != len(body) {
		t.Errorf("prompt at the end: found %v at %d, want at %d", ok, f.start, len(body))
	}
	if _, ok := search("R1#\n"+body, []Pattern{prompt}); ok {
		t.Errorf("prompt followed by output matched")
	}
}
