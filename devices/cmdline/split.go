package cmdline

import (
	"path"
	"strings"
)

// Segment is one simple command of a POSIX command line: what a rule on
// commands is checked against.
type Segment struct {
	// Text is the segment as written, trimmed: quotes, escapes and
	// expansions left as they are.
	Text string
	// Words are the segment's words with quotes removed and escapes
	// resolved, without the reserved words that open it (if, then, do,
	// !, { ...) and without leading variable assignments (FOO=1): what
	// the shell runs, in the words it runs it with.
	Words []string
	// Redirects says the segment has an unquoted > (output redirection,
	// which writes a file, or >& and &> which may).
	Redirects bool
	// Substituted says the segment comes from inside $( ), ` `, <( ) or
	// >( ): its output becomes part of another command.
	Substituted bool
}

// Plain is the segment's words joined by single spaces: `"re"boot -f`
// reads "reboot -f".
func (s Segment) Plain() string { return strings.Join(s.Words, " ") }

// Split is a POSIX command line cut into the simple commands it runs.
type Split struct {
	Segments []Segment
	// Substitution says the line has a command, process or arithmetic
	// substitution, or backquotes.
	Substitution bool
	// Opaque says why the line may run commands the segments do not show;
	// "" when it was split safely. See SplitPOSIX.
	Opaque string
}

// SplitPOSIX cuts a shell command line into simple commands: at ;, &&,
// ||, |, |&, &, newlines and carriage returns (a terminal turns a typed
// carriage return into a newline), ( and ) of subshells, and the contents of $( ),
// $(( )), backquotes, <( ) and >( ) become segments of their own. Quotes,
// backslash escapes and line continuations are respected; a ; or | inside
// quotes splits nothing, while $( ) and backquotes inside double quotes
// still run and so still split.
//
// The line is Opaque (with the reason) when its text alone does not show
// every command it runs: unbalanced quotes, backquotes or parentheses, a
// here-document (<<), a segment that is eval or hands a shell a string
// with -c, or a command word that is computed (contains $, backquotes or
// an unquoted *, ? or [). SplitPOSIX never fails and never panics; an
// opaque line still has the segments that could be found.
func SplitPOSIX(line string) Split {
	p := &splitter{src: line}
	p.list(0)
	for p.i < len(p.src) { // a ) with nothing open
		p.opaque("an unmatched )")
		p.i++
		p.list(0)
	}
	return Split{Segments: p.segs, Substitution: p.subst, Opaque: p.why}
}

// SplitLines cuts a device command (a network CLI, which runs each line
// it is sent as one command) into its non-blank lines, trimmed.
func SplitLines(text string) []Segment {
	var out []Segment
	for _, l := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, Segment{Text: l, Words: strings.Fields(l)})
		}
	}
	return out
}

// maxDepth bounds nested substitutions; deeper text is opaque.
const maxDepth = 64

type splitter struct {
	src   string
	i     int
	segs  []Segment
	subst bool
	why   string
	depth int
}

func (p *splitter) opaque(why string) {
	if p.why == "" {
		p.why = why
	}
}

// segBuilder collects one segment.
type segBuilder struct {
	start      int
	words      []string
	word       strings.Builder
	inWord     bool
	dynamic    []bool // per word: holds $, backquotes or an unquoted glob
	curDynamic bool
	redirects  bool
}

func (b *segBuilder) endWord() {
	if b.inWord {
		b.words = append(b.words, b.word.String())
		b.dynamic = append(b.dynamic, b.curDynamic)
	}
	b.word.Reset()
	b.inWord, b.curDynamic = false, false
}

func (b *segBuilder) add(s string) {
	b.word.WriteString(s)
	b.inWord = true
}

// list reads commands until the ) or end of text that closes the current
// level (close is ')' inside $( ) and <( ), 0 at the top) and leaves p.i
// on that ) .
func (p *splitter) list(close byte) {
	b := &segBuilder{start: p.i}
	parens := 0 // subshells opened at this level
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == ')' && parens == 0 && close == ')':
			p.flush(b, p.i)
			return
		case c == ')' && parens == 0:
			p.flush(b, p.i)
			return // SplitPOSIX reports it
		case c == '(' || c == ')':
			if c == '(' {
				parens++
			} else {
				parens--
			}
			p.flush(b, p.i)
			p.i++
			*b = segBuilder{start: p.i}
		case c == ';' || c == '\n' || c == '\r' || c == '|' || (c == '&' && !p.redirectAmp(b)):
			p.flush(b, p.i)
			p.i++
			if p.i < len(p.src) && (p.src[p.i] == c || (c == '|' && p.src[p.i] == '&')) {
				p.i++ // && || ;; |&
			}
			*b = segBuilder{start: p.i}
		case c == ' ' || c == '\t':
			b.endWord()
			p.i++
		default:
			p.word(b)
		}
	}
	if parens != 0 {
		p.opaque("an unbalanced (")
	}
	p.flush(b, p.i)
}

// redirectAmp says an & at p.i belongs to a redirection (2>&1, >&2, &>).
func (p *splitter) redirectAmp(b *segBuilder) bool {
	if p.i+1 < len(p.src) && p.src[p.i+1] == '>' {
		b.redirects = true
		return true
	}
	return p.i > 0 && (p.src[p.i-1] == '>' || p.src[p.i-1] == '<') && b.inWord
}

// word reads one piece of a word at p.i: a quoted string, an escape, a
// substitution, a redirection or a plain character.
func (p *splitter) word(b *segBuilder) {
	c := p.src[p.i]
	switch {
	case c == '\\':
		if p.i+1 >= len(p.src) {
			p.i++
			return
		}
		if p.src[p.i+1] != '\n' { // a backslash-newline joins lines
			b.add(p.src[p.i+1 : p.i+2])
		}
		p.i += 2
	case c == '\'':
		end := strings.IndexByte(p.src[p.i+1:], '\'')
		if end < 0 {
			p.opaque("an unbalanced single quote")
			b.add(p.src[p.i+1:])
			p.i = len(p.src)
			return
		}
		b.add(p.src[p.i+1 : p.i+1+end])
		p.i += end + 2
	case c == '"':
		p.i++
		p.doubleQuoted(b)
	case c == '$' || c == '`':
		p.dollar(b)
	case (c == '<' || c == '>') && p.i+1 < len(p.src) && p.src[p.i+1] == '(':
		b.redirects = b.redirects || c == '>'
		b.curDynamic = true
		b.add(p.src[p.i : p.i+2])
		p.i += 2
		p.nested(')')
	case c == '<' && p.i+1 < len(p.src) && p.src[p.i+1] == '<':
		p.opaque("a here-document (<<)")
		b.add("<<")
		p.i += 2
	default:
		if c == '>' {
			b.redirects = true
		}
		if c == '*' || c == '?' || c == '[' {
			b.curDynamic = true
		}
		b.add(p.src[p.i : p.i+1])
		p.i++
	}
}

// doubleQuoted reads up to the closing double quote; $( ) and backquotes
// inside still run.
func (p *splitter) doubleQuoted(b *segBuilder) {
	b.inWord = true
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return
		case c == '\\' && p.i+1 < len(p.src):
			if n := p.src[p.i+1]; strings.IndexByte("$`\"\\", n) >= 0 {
				b.add(p.src[p.i+1 : p.i+2])
			} else if n != '\n' {
				b.add(p.src[p.i : p.i+2])
			}
			p.i += 2
		case c == '$' || c == '`':
			p.dollar(b)
		default:
			b.add(p.src[p.i : p.i+1])
			p.i++
		}
	}
	p.opaque("an unbalanced double quote")
}

// dollar reads $( ), $(( )), backquotes and other expansions ($x, ${x}).
func (p *splitter) dollar(b *segBuilder) {
	b.curDynamic = true
	if p.src[p.i] == '`' {
		p.backquoted(b)
		return
	}
	if p.i+1 < len(p.src) && p.src[p.i+1] == '(' {
		b.add("$(")
		p.i += 2
		p.nested(')')
		return
	}
	b.add("$")
	p.i++
}

// nested reads a substitution's commands as segments of their own, then
// its closing ).
func (p *splitter) nested(close byte) {
	p.subst = true
	if p.depth >= maxDepth {
		p.opaque("substitutions nested too deeply")
		p.i = len(p.src)
		return
	}
	p.depth++
	p.list(close)
	p.depth--
	if p.i >= len(p.src) {
		p.opaque("an unbalanced $( or <(")
		return
	}
	p.i++ // the )
}

// backquoted reads `...`: its text, with \` \\ \$ unescaped, is a command
// line of its own.
func (p *splitter) backquoted(b *segBuilder) {
	p.subst = true
	var inner strings.Builder
	j := p.i + 1
	for ; j < len(p.src) && p.src[j] != '`'; j++ {
		if p.src[j] == '\\' && j+1 < len(p.src) && strings.IndexByte("`\\$", p.src[j+1]) >= 0 {
			j++
		}
		inner.WriteByte(p.src[j])
	}
	b.add("`")
	if j >= len(p.src) {
		p.opaque("an unbalanced backquote")
		p.i = len(p.src)
	} else {
		p.i = j + 1
	}
	if p.depth >= maxDepth {
		p.opaque("substitutions nested too deeply")
		return
	}
	sub := &splitter{src: inner.String(), depth: p.depth + 1}
	sub.list(0)
	if sub.i < len(sub.src) {
		sub.opaque("an unmatched )")
	}
	for i := range sub.segs {
		sub.segs[i].Substituted = true
	}
	p.segs = append(p.segs, sub.segs...)
	p.opaque(sub.why)
}

// reserved are the words that open or close a compound command; the
// command a segment runs comes after them.
var reserved = map[string]bool{"!": true, "{": true, "}": true, "if": true, "then": true, "else": true, "elif": true, "fi": true,
	"do": true, "done": true, "while": true, "until": true, "time": true, "esac": true}

// flush ends the segment b at end, if it holds anything.
func (p *splitter) flush(b *segBuilder, end int) {
	b.endWord()
	words, dynamic := b.words, b.dynamic
	for len(words) > 0 && (reserved[words[0]] || isAssignment(words[0])) {
		words, dynamic = words[1:], dynamic[1:]
	}
	if len(words) == 0 {
		return
	}
	if dynamic[0] {
		p.opaque("the command word " + quoteWord(words[0]) + " is computed when it runs")
	}
	if why := handsOver(words); why != "" {
		p.opaque(why)
	}
	p.segs = append(p.segs, Segment{Text: strings.TrimSpace(p.src[b.start:min(end, len(p.src))]), Words: words,
		Redirects: b.redirects, Substituted: p.depth > 0})
}

func quoteWord(w string) string {
	if len(w) > 40 {
		w = w[:40] + "..."
	}
	return "`" + w + "`"
}

// isAssignment: NAME=value before a command.
func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok || name == "" || (name[0] >= '0' && name[0] <= '9') {
		return false
	}
	for _, r := range name {
		if r != '_' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// handsOver says why a segment runs a string as a command line: eval, or
// a POSIX shell given -c.
func handsOver(words []string) string {
	if words[0] == "eval" {
		return "eval runs a string as a command line"
	}
	for i, w := range words {
		if !posixShells[path.Base(w)] {
			continue
		}
		for _, f := range words[i+1:] {
			if len(f) > 1 && f[0] == '-' && f[1] != '-' && strings.IndexByte(f, 'c') > 0 {
				return path.Base(w) + " -c runs a string as a command line"
			}
		}
	}
	return ""
}
