package expect

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode/utf8"
)

// checkPatterns rejects pattern lists that could never match.
func checkPatterns(patterns []Pattern) error {
	if len(patterns) == 0 {
		return errors.New("expect: no patterns given; pass at least one Pattern to wait for")
	}
	for i, p := range patterns {
		if err := checkPattern(p); err != nil {
			return fmt.Errorf("expect: pattern %d: %w", i, err)
		}
	}
	return nil
}

// checkPattern rejects a pattern that is unset or matches empty text (it
// would match at once, wherever the stream stands).
func checkPattern(p Pattern) error {
	switch {
	case p.Regexp == nil && p.Literal == "":
		return fmt.Errorf("%q is empty; set its Regexp or Literal", p.Name)
	case p.Regexp != nil && p.Regexp.MatchString(""):
		return fmt.Errorf("%q (%s) matches empty text, so it would match at once; make it require at least one character", p.Name, p.Regexp)
	}
	return nil
}

// found is the leftmost match of a pattern list in a text.
type found struct {
	index      int
	start, end int      // byte offsets in the searched text
	groups     []string // submatches, groups[0] being the match
}

// search finds the leftmost match in text; among patterns that match at the
// same position the earliest in the list wins. ok is false when none match.
func search(text string, patterns []Pattern) (f found, ok bool) {
	f.start = len(text) + 1
	for i, p := range patterns {
		if p.Regexp == nil {
			at := strings.Index(text, p.Literal)
			if at >= 0 && at < f.start {
				f = found{index: i, start: at, end: at + len(p.Literal)}
			}
			continue
		}
		from := 0
		if tailAnchored(p.Regexp) {
			from = tailStart(text)
		}
		loc := p.Regexp.FindStringSubmatchIndex(text[from:])
		if loc == nil || loc[0]+from >= f.start {
			continue
		}
		for k := range loc {
			if loc[k] >= 0 {
				loc[k] += from
			}
		}
		groups := make([]string, len(loc)/2)
		for g := range groups {
			if loc[2*g] >= 0 {
				groups[g] = text[loc[2*g]:loc[2*g+1]]
			}
		}
		f = found{index: i, start: loc[0], end: loc[1], groups: groups}
	}
	if f.start > len(text) {
		return found{}, false
	}
	if f.groups == nil {
		f.groups = []string{text[f.start:f.end]}
	}
	return f, true
}

// Tail-anchored patterns (prompts, pagers, input prompts: they end in \z)
// can only match at the very end of the text, and in practice on its last
// line or few. Searching them from tailStart instead of across the whole
// window keeps the cost of a chunk flat: a big command's output streams
// through thousands of chunks, each searched for every such pattern.
const (
	tailLines = 4    // lines searched for a tail-anchored pattern
	tailBytes = 1024 // and at most this many bytes
)

var tailAnchoredCache sync.Map // *regexp.Regexp → bool

// tailAnchored reports whether re can only match at the end of the text:
// its top level is a concatenation ending in \z.
func tailAnchored(re *regexp.Regexp) bool {
	if v, ok := tailAnchoredCache.Load(re); ok {
		return v.(bool)
	}
	anchored := false
	if t, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
		anchored = endsAtEndText(t.Simplify())
	}
	tailAnchoredCache.Store(re, anchored)
	return anchored
}

// endsAtEndText reports whether every match of t ends with \z: t is \z, a
// concatenation ending in it, a group of such, or an alternation of such
// (several input prompts joined into one regexp).
func endsAtEndText(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpEndText:
		return true
	case syntax.OpConcat:
		return len(t.Sub) > 0 && endsAtEndText(t.Sub[len(t.Sub)-1])
	case syntax.OpCapture:
		return endsAtEndText(t.Sub[0])
	case syntax.OpAlternate:
		for _, s := range t.Sub {
			if !endsAtEndText(s) {
				return false
			}
		}
		return len(t.Sub) > 0
	}
	return false
}

// tailStart is where a tail-anchored pattern's search begins: the start of
// the last line plus the tailLines complete lines before it, but at most
// tailBytes back (then on a character boundary).
func tailStart(text string) int {
	lo := max(len(text)-tailBytes, 0)
	end := len(text)
	for n := 0; n <= tailLines; n++ {
		i := strings.LastIndexByte(text[lo:end], '\n')
		if i < 0 {
			for lo < len(text) && !utf8.RuneStart(text[lo]) {
				lo++
			}
			return lo
		}
		end = lo + i
	}
	return end + 1
}

// tailOf returns at most n bytes from the end of s, starting on a whole
// UTF-8 character.
func tailOf(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[i:]
}

// windowStart returns where the searched tail of the text buf+cur begins:
// window bytes from the end, moved back to the start of that line when the
// line is not longer than the window, so that patterns anchored at a line
// start see whole lines. It never splits a UTF-8 character.
func windowStart(buf []byte, cur string, window int) int {
	total := len(buf) + len(cur)
	if total <= window {
		return 0
	}
	start := total - window
	if start >= len(buf) {
		// The current line alone is longer than the window.
		i := start - len(buf)
		for i > 0 && !utf8.RuneStart(cur[i]) {
			i--
		}
		return len(buf) + i
	}
	if nl := bytes.LastIndexByte(buf[:start], '\n'); nl >= 0 && start-nl-1 <= window {
		return nl + 1
	}
	for start > 0 && !utf8.RuneStart(buf[start]) {
		start--
	}
	return start
}

// trimPoint returns how many leading bytes of b to drop so that at most
// keep bytes remain, moving the cut forward to just after a newline when
// one is near, so the kept window starts at a line start.
func trimPoint(b []byte, keep int) int {
	if len(b) <= keep {
		return 0
	}
	d := len(b) - keep
	if nl := bytes.IndexByte(b[d:], '\n'); nl >= 0 && nl < keep/2 {
		return d + nl + 1
	}
	for d < len(b) && !utf8.RuneStart(b[d]) {
		d++
	}
	return d
}
