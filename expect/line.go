package expect

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// This file holds the normalizer's model of the line under the cursor: a
// row of cells that text overwrites, which CR, backspace and cursor moves
// reposition, and which becomes committed text at a newline.

const hexDigits = "0123456789abcdef"

func (n *normalizer) eraseInLine(mode int) {
	switch mode {
	case 0:
		if n.col < len(n.line) {
			n.line = n.line[:n.col]
			n.hidden = min(n.hidden, n.col)
		}
	case 1:
		for i := 0; i < len(n.line) && i <= n.col; i++ {
			n.line[i] = ' '
		}
		n.hidden = 0
	case 2:
		for i := range n.line {
			n.line[i] = ' '
		}
		n.hidden = 0
	}
}

// carriageReturn moves to column 0. When the line holds output after a
// consumed prompt or marker, that output is the program's own line: the
// consumed cells are committed and forgotten first, so a program that
// redraws its line ("abc\rxy") overwrites its own text, never the prompt
// (which would otherwise come back as output), and a prompt printed again
// after the CR is new text. A CR with nothing after the consumed cells
// keeps them, so a device that redraws its prompt and the echo is still
// recognized.
func (n *normalizer) carriageReturn() {
	if n.hidden > 0 && n.visibleEnd() > n.hidden {
		n.line = n.line[:copy(n.line, n.line[n.hidden:])]
		n.hidden = 0
	}
	n.col, n.phys = 0, 0
}

// moveTo puts the cursor at column c, padding with blanks as a terminal
// shows them.
func (n *normalizer) moveTo(c int) {
	c = min(max(c, 0), n.lineCap)
	for len(n.line) < c {
		n.line = append(n.line, ' ')
	}
	n.col = c
}

func (n *normalizer) putHex(b byte) {
	n.put('\\')
	n.put('x')
	n.put(rune(hexDigits[b>>4]))
	n.put(rune(hexDigits[b&0x0f]))
}

func (n *normalizer) putString(s string) {
	for _, r := range s {
		n.put(r)
	}
}

func (n *normalizer) put(r rune) {
	if r == '\x1e' && n.col < len(n.line) {
		// A record separator starts a shell marker, never display text: it
		// goes after what the line holds instead of over it, so output a
		// program left for overwriting ("abc\r" and then the prompt) is
		// kept rather than erased by our own marker.
		n.col = max(n.col, n.visibleEnd())
	}
	if n.cols > 0 {
		if n.phys >= n.cols {
			n.phys = 0
			n.wrapSpace = r == ' '
		}
		n.phys++
	}
	if !n.inRun || n.putEnd != n.col {
		n.runStart, n.runBlank = n.col, true
	}
	if n.col < len(n.line) {
		if n.col < n.hidden && n.line[n.col] != r {
			// New text over consumed text: from here on it is output,
			// and so are the blanks of this run before it, which only
			// erased consumed blanks (" --More-- " wiped, then an
			// indented line drawn where it was).
			n.hidden = n.col
			if n.runBlank {
				n.hidden = n.runStart
			}
		}
		n.line[n.col] = r
	} else {
		n.line = append(n.line, r)
	}
	n.col++
	n.inRun, n.putEnd = true, n.col
	n.runBlank = n.runBlank && r == ' '
	if len(n.line) > n.lineCap {
		n.spill()
	}
}

// spill commits the older half of an overlong line without a newline, so
// that a line that never ends cannot grow memory without bound.
func (n *normalizer) spill() {
	k := min(len(n.line)-n.lineCap/2, n.col)
	if k <= 0 {
		return
	}
	if k > n.hidden {
		n.out = appendRunes(n.out, n.line[n.hidden:k])
	}
	n.line = n.line[:copy(n.line, n.line[k:])]
	n.col -= k
	n.hidden = max(n.hidden-k, 0)
}

// unwrap undoes the blank a line editor printed to force a wrap: the
// logical line goes on where the blank was.
func (n *normalizer) unwrap() {
	if n.col > 0 && n.col == len(n.line) {
		n.line = n.line[:n.col-1]
	}
	n.col = max(n.col-1, 0)
	n.hidden = min(n.hidden, n.col)
	n.phys = 0
}

func (n *normalizer) newline() {
	n.phys = 0
	if end := n.visibleEnd(); end > n.hidden {
		n.out = appendRunes(n.out, n.line[n.hidden:end])
	}
	n.out = append(n.out, '\n')
	n.line, n.col, n.hidden = n.line[:0], 0, 0
	n.inRun = false
}

// visibleEnd is where the line's text ends: blanks beyond the cursor are
// what a redraw left behind (zsh's end-of-line mark, a pager erased with
// spaces) and are not text.
func (n *normalizer) visibleEnd() int {
	end := len(n.line)
	floor := max(n.col, n.hidden)
	for end > floor && n.line[end-1] == ' ' {
		end--
	}
	return max(end, n.hidden)
}

// current renders the line under the cursor, without its consumed cells.
func (n *normalizer) current() string {
	end := n.visibleEnd()
	if end <= n.hidden {
		return ""
	}
	var sb strings.Builder
	sb.Grow(end - n.hidden)
	for _, r := range n.line[n.hidden:end] {
		sb.WriteRune(r)
	}
	return sb.String()
}

// consume marks the first nbytes of current() as consumed.
func (n *normalizer) consume(nbytes int) {
	end := n.visibleEnd()
	i := n.hidden
	for i < end && nbytes > 0 {
		nbytes -= utf8.RuneLen(n.line[i])
		i++
	}
	n.hidden = i
}

// take appends the committed text to dst and forgets it.
func (n *normalizer) take(dst []byte) []byte {
	dst = append(dst, n.out...)
	n.out = n.out[:0]
	return dst
}

func appendRunes(dst []byte, rs []rune) []byte {
	dst = slices.Grow(dst, len(rs))
	for _, r := range rs {
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}
