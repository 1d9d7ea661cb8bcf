package expect

import (
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSearch(t *testing.T) {
	cases := []struct {
		text     string
		patterns []Pattern
		index    int
		start    int
		ok       bool
	}{
		{"abc", []Pattern{lit("c"), lit("b")}, 1, 1, true},
		{"abc", []Pattern{lit("bc"), re(`b`)}, 0, 1, true},
		{"abc", []Pattern{re(`b`), lit("bc")}, 0, 1, true},
		{"abc", []Pattern{lit("x"), re(`y`)}, 0, 0, false},
		{"R1#\nout R1#\nR1#", []Pattern{iosPrompt}, 0, 12, true},
	}
	for _, tc := range cases {
		f, ok := search(tc.text, tc.patterns)
		if ok != tc.ok || (ok && (f.index != tc.index || f.start != tc.start)) {
			t.Errorf("search(%q, %v) = %+v, %v; want index %d at %d, %v", tc.text, tc.patterns, f, ok, tc.index, tc.start, tc.ok)
		}
	}
}

// chunkReader returns data in pieces whose sizes come from cuts.
type chunkReader struct {
	data []byte
	cuts []byte
	i    int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := 1
	if len(c.cuts) > 0 {
		n = 1 + int(c.cuts[c.i%len(c.cuts)])%16
		c.i++
	}
	n = min(n, len(c.data), len(p))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// printable maps s to printable ASCII (and newlines when lines is set), so
// that normalization leaves it unchanged.
func printable(s string, lines bool) string {
	return strings.Map(func(r rune) rune {
		if (r >= 0x20 && r < 0x7f) || (lines && r == '\n') {
			return r
		}
		return '.'
	}, s)
}

func FuzzMatch(f *testing.F) {
	f.Add("R1#show ver\nIOS\nR1#", "R1#", []byte{0})
	f.Add("user@r1> show\n---(more 42%)---\nuser@r1> ", "---(more", []byte{1, 5})
	f.Add("aaaa", "aa", []byte{2})
	f.Add("x --More-- y --More-- ", " --More-- ", []byte{3, 4, 9})
	for _, s := range normalizeSeeds {
		f.Add(s, "R1#", []byte{1})
		f.Add(s, "more", []byte{2, 7})
	}
	f.Fuzz(func(t *testing.T, stream, pat string, cuts []byte) {
		stream = printable(stream, true)
		pat = printable(pat, false)
		if pat == "" || len(pat) > 64 || len(stream) > 2048 {
			return
		}
		p := lit(pat)
		if len(cuts) > 0 && cuts[0]&1 == 1 {
			p = Pattern{Name: pat, Regexp: regexp.MustCompile(regexp.QuoteMeta(pat))}
		}
		var want []int
		for at := 0; ; {
			i := strings.Index(stream[at:], pat)
			if i < 0 {
				break
			}
			want = append(want, at+i)
			at += i + len(pat)
		}
		if got := matchPositions(t, stream, p, cuts, len(want)); !slices.Equal(got, want) {
			t.Fatalf("found %q at %v, want %v in %q", pat, got, want, stream)
		}
	})
}

// matchPositions reads stream in pieces given by cuts and expects p until
// the stream ends (or more than limit matches were found). It returns where
// each match started, checking that the text before each match is exactly
// the stream's.
func matchPositions(t *testing.T, stream string, p Pattern, cuts []byte, limit int) []int {
	t.Helper()
	e := New(&chunkReader{data: []byte(stream), cuts: cuts}, io.Discard, Options{})
	defer e.Close()
	out := NewOutput(0)
	var got []int
	end := 0
	for len(got) <= limit {
		seen := out.Len()
		m, err := e.Expect(testCtx(t), []Pattern{p}, ExpectOptions{Timeout: 10 * time.Second, Capture: out})
		if errors.Is(err, ErrClosed) {
			break
		}
		if err != nil {
			t.Fatalf("Expect: %v", err)
		}
		captured, _, _ := out.ReadAt(seen, 0)
		before := captured + m.Before
		if !strings.HasPrefix(stream[end:], before) || m.Text != p.Name {
			t.Fatalf("match %d: before %q and text %q do not continue the stream at %d: %q", len(got), before, m.Text, end, stream[end:])
		}
		got = append(got, end+len(before))
		end += len(before) + len(m.Text)
	}
	return got
}

func TestWindowStart(t *testing.T) {
	cases := []struct {
		buf, cur string
		window   int
		want     int
	}{
		{"short\n", "R1#", 100, 0},
		{"aaaa\nbbbb\ncccc\n", "R1#", 8, 10},      // back to the start of "cccc"
		{"aaaa\nbbbbbbbbbbbbbbbbbbbb", "", 8, 17}, // line longer than the window: cut inside it
		{"x\n", strings.Repeat("y", 20), 8, 14},   // cut inside the current line
		{"ab€€", "", 5, 2},                        // never inside a character
	}
	for _, tc := range cases {
		if got := windowStart([]byte(tc.buf), tc.cur, tc.window); got != tc.want {
			t.Errorf("windowStart(%q, %q, %d) = %d, want %d", tc.buf, tc.cur, tc.window, got, tc.want)
		}
	}
}
