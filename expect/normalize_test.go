package expect

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// iosMore is how Cisco IOS shows and then erases its pager prompt.
const iosMore = " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b"

var normalizeCases = []struct {
	name, raw, want string
}{
	{"crlf", "a\r\nb\r\n", "a\nb\n"},
	{"lfcr", "a\n\rb\n\r", "a\nb\n"},
	{"bare lf", "a\nb", "a\nb"},
	{"progress bar", "10%\r20%\r100%\n", "100%\n"},
	{"shorter redraw leaves the rest", "100%\r50%", "50%%"},
	{"colors", "\x1b[1;31mred\x1b[0m \x1b[38;5;202mx\x1b[m", "red x"},
	{"bash bracketed paste", "\x1b[?2004huser@h:~$ ls\r\n\x1b[?2004l\rfile\r\n", "user@h:~$ ls\nfile\n"},
	{"osc title bel", "\x1b]0;user@host: ~\x07$ ", "$ "},
	{"osc title st", "\x1b]2;t\x1b\\ok", "ok"},
	{"charset and keypad", "\x1b(Bx\x1b)0\x1b=y\x1b>", "xy"},
	{"two byte escapes", "\x1b7a\x1b8\x1bMb", "ab"},
	{"overstrike", "abc\b\bX", "aXc"},
	{"erase", "abc\b \b", "ab"},
	{"erase whole word", "word\b\b\b\b    \b\b\b\bnew", "new"},
	{"ios pager", "line1\r\n" + iosMore + "line2\r\n", "line1\nline2\n"},
	{"junos pager", "a\r\n---(more 42%)---\r" + strings.Repeat(" ", 40) + "\rb\r\n", "a\nb\n"},
	{"zsh eol mark", "out\n%" + strings.Repeat(" ", 79) + "\r \r$ ", "out\n$ "},
	{"bel", "a\x07b", "ab"},
	{"nul", "a\x00b", `a\x00b`},
	{"markers kept", "\x1e12\x1f0\x1f/tmp\x1e", "\x1e12\x1f0\x1f/tmp\x1e"},
	{"other c0 kept", "a\x01\x02\x7fb", "a\x01\x02\x7fb"},
	{"tab", "a\tb", "a\tb"},
	{"invalid utf8", "a\xffb\xc3(", `a\xffb\xc3(`},
	{"truncated rune at end", "x\xe2\x82", `x\xe2\x82`},
	{"valid utf8", "grüß €", "grüß €"},
	{"erase to end of line", "abcdef\r\x1b[Kxy", "xy"},
	{"erase line then write", "abcdef\x1b[2K\rxy", "xy"},
	{"cursor left", "abc\x1b[2DX", "aXc"},
	{"cursor right", "ab\x1b[3Cc", "ab   c"},
	{"column", "abcdef\x1b[3GX", "abXdef"},
	{"esc before control", "a\x1b\nb", "a\nb"},
	{"csi aborted by control", "a\x1b[1\nb", "a\nb"},
	{"unterminated osc is bounded", "\x1b]" + strings.Repeat("x", maxSeq+1) + "y", "y"},
	{"trailing blanks kept", "show version    \r\n", "show version    \n"},
	{"cr then utf8", "abc\rü", "übc"},
}

func TestNormalize(t *testing.T) {
	for _, tc := range normalizeCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Normalize([]byte(tc.raw)); got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.raw, got, tc.want)
			}
		})
	}
}

// normalizeChunks feeds raw in the given pieces, as a reader would.
func normalizeChunks(pieces ...[]byte) string {
	total := 0
	for _, p := range pieces {
		total += len(p)
	}
	n := newNormalizer(4*total+16, 0)
	for _, p := range pieces {
		n.write(p)
	}
	n.flush()
	return string(n.out) + n.current()
}

func TestNormalizeSplitAnywhere(t *testing.T) {
	for _, tc := range normalizeCases {
		raw := []byte(tc.raw)
		for cut := 1; cut < len(raw); cut++ {
			if got := normalizeChunks(raw[:cut], raw[cut:]); got != tc.want {
				t.Fatalf("%s: split at %d: got %q, want %q", tc.name, cut, got, tc.want)
			}
		}
		pieces := make([][]byte, len(raw))
		for i := range raw {
			pieces[i] = raw[i : i+1]
		}
		if got := normalizeChunks(pieces...); got != tc.want {
			t.Fatalf("%s: one byte per write: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNormalizeLongLineIsBounded(t *testing.T) {
	n := newNormalizer(1024, 0)
	line := []byte(strings.Repeat("x", 100_000))
	n.write(line)
	if len(n.line) > 1024 {
		t.Fatalf("current line holds %d cells, want at most 1024", len(n.line))
	}
	if got := len(n.out) + len(n.current()); got != len(line) {
		t.Fatalf("text length %d, want %d (nothing may be lost)", got, len(line))
	}
}

// normalizeSeeds are real device bytes for the fuzzers.
var normalizeSeeds = []string{
	"show ver\r\nCisco IOS\r\n" + iosMore + "more\r\nR1#",
	"---(more 42%)---\r                    \r\nuser@r1> ",
	"\x1b[?2004hbash-5.2$ \x1b[?2004l\r\r\n",
	"%" + strings.Repeat(" ", 79) + "\r \r\x1b]0;u@h\x07u@h ~ % ",
	"\x1e0\x1f/root\x1e\r\n",
	"ab\xff\xe2\x82\xac\xe2\x82",
	bash20,
	zsh20,
}

func FuzzNormalize(f *testing.F) {
	for _, s := range normalizeSeeds {
		f.Add([]byte(s), []byte{1, 3, 7})
	}
	f.Fuzz(func(t *testing.T, raw, cuts []byte) {
		whole := Normalize(raw)
		var pieces [][]byte
		rest := raw
		for _, c := range cuts {
			k := min(int(c)%8, len(rest))
			pieces = append(pieces, rest[:k])
			rest = rest[k:]
		}
		pieces = append(pieces, rest)
		split := normalizeChunks(pieces...)
		if split != whole {
			t.Fatalf("split input %q gave %q, whole gave %q", pieces, split, whole)
		}
		if !utf8.ValidString(whole) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", raw, whole)
		}
		if strings.ContainsAny(whole, "\x1b\r\b\x07\x00") {
			t.Fatalf("Normalize(%q) = %q keeps a control it must remove", raw, whole)
		}
	})
}

func TestNormalizeWrapNeedsColumns(t *testing.T) {
	cases := []struct {
		name string
		cols int
		raw  string
		want string
	}{
		{"readline wrap at the width", 10, "R1#show in \rterfaces\r\n", "R1#show interfaces\n"},
		{"same bytes, width unknown", 0, "R1#show in \rterfaces\r\n", "terfacesin\n"},
		{"countdown is not a wrap", 80, "left 5 \rleft 4 \r", "left 4"},
		{"zsh end-of-line mark", 10, "out\n%" + strings.Repeat(" ", 9) + "\r \r$ ", "out\n$ "},
	}
	for _, tc := range cases {
		n := newNormalizer(1024, tc.cols)
		raw := []byte(tc.raw)
		for i := range raw {
			n.write(raw[i : i+1])
		}
		n.flush()
		if got := string(n.out) + n.current(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
