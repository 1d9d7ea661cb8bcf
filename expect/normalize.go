package expect

import "unicode/utf8"

// normState is where the normalizer stands inside an escape sequence.
type normState uint8

const (
	stGround    normState = iota
	stEsc                 // after ESC
	stEscInter            // after ESC and intermediate bytes, waiting for the final byte
	stCSI                 // inside ESC [ ... final
	stString              // inside OSC, DCS, SOS, PM or APC, until BEL or ST
	stStringEsc           // ESC seen inside a string: ST if a backslash follows
)

// maxSeq bounds how many bytes one escape sequence may swallow, so that a
// stray ESC ] in binary output cannot hide the rest of the stream.
const maxSeq = 4096

// normalizer turns raw terminal bytes into text as a person would read it
// on the screen. It works one byte at a time, so the result never depends on
// how the input was split into reads.
//
// Finished lines go to out. The line under the cursor stays in line, because
// a carriage return or a backspace may still change it. hidden counts cells
// at the start of line that a match already consumed; they are kept so that
// a redraw of the same text (a prompt reprinted after CR) stays consumed.
type normalizer struct {
	st     normState
	seqLen int
	params []byte
	utf    [utf8.UTFMax]byte
	nutf   int
	line   []rune
	col    int
	hidden int
	cr     bool // a carriage return waits to see whether a newline follows
	// A run is text put at consecutive columns since the cursor last
	// moved otherwise: it starts at runStart, putEnd is the column after
	// its last cell (valid when inRun), and runBlank says it holds only
	// blanks so far. Blanks written over consumed cells are an erasure
	// (a pager prompt wiped with backspaces and spaces), not a redraw.
	runStart, putEnd int
	inRun, runBlank  bool
	out              []byte
	lineCap          int // longest line kept in line; the excess is committed without a newline

	// Terminal wrapping, known only when the width is: phys is the column
	// on the screen row, wrapSpace says the last byte was a blank that
	// started a new row. Line editors print " \r" there to force the wrap;
	// that pair is not text.
	cols      int
	phys      int
	wrapSpace bool
}

func newNormalizer(lineCap, cols int) *normalizer {
	return &normalizer{lineCap: max(lineCap, 256), cols: max(cols, 0)}
}

// Normalize returns raw terminal output as text: line endings unified, escape
// sequences removed, overstrikes applied, NUL and invalid UTF-8 made visible
// as \x00 and \xNN. It is the function an Expecter applies to its stream.
func Normalize(raw []byte) string {
	// Each input byte makes at most four cells (\xNN), so the line is
	// never spilled: the whole input is one screen.
	n := newNormalizer(4*len(raw)+16, 0)
	n.write(raw)
	n.flush()
	return string(n.out) + n.current()
}

// write feeds raw bytes.
func (n *normalizer) write(p []byte) {
	for i := 0; i < len(p); i++ {
		b := p[i]
		if n.st == stGround && b >= 0x20 && b < 0x7f && !n.cr && n.nutf == 0 &&
			n.cols == 0 && n.col == len(n.line) {
			// The common case: a run of printable ASCII appended to the
			// line. Without a width there is no wrap to track.
			j := i
			n.inRun = false // appended text overwrites nothing
			for j < len(p) && p[j] >= 0x20 && p[j] < 0x7f && n.col < n.lineCap {
				n.line = append(n.line, rune(p[j]))
				n.col++
				j++
			}
			if j > i {
				i = j - 1
				continue
			}
		}
		wrapped := n.wrapSpace
		n.wrapSpace = false
		if wrapped && b == '\r' && n.st == stGround && n.nutf == 0 {
			n.unwrap()
			continue
		}
		if n.cr && n.st == stGround && b != '\r' {
			// CR LF ends the line as it is; CR before anything else
			// returns to column 0, where the next text overwrites.
			n.cr = false
			if b != '\n' {
				n.carriageReturn()
			}
		}
		if n.nutf > 0 || (n.st == stGround && b >= utf8.RuneSelf) {
			n.utf8Byte(b)
			continue
		}
		n.step(b)
	}
}

func (n *normalizer) step(b byte) {
	switch n.st {
	case stGround:
		n.ground(b)
	case stEsc:
		n.esc(b)
	case stEscInter:
		switch {
		case b >= 0x20 && b <= 0x2f:
			n.grow()
		case b >= 0x30 && b <= 0x7e:
			n.st = stGround
		default:
			n.st = stGround
			n.ground(b)
		}
	case stCSI:
		n.csiByte(b)
	case stString:
		switch b {
		case 0x07:
			n.st = stGround
		case 0x1b:
			n.st = stStringEsc
		default:
			n.grow()
		}
	case stStringEsc:
		if b == '\\' {
			n.st = stGround
			return
		}
		// An ESC that does not form ST ends the string and starts a new
		// sequence, as terminals do.
		n.st, n.seqLen = stEsc, 0
		n.esc(b)
	}
}

// grow counts a swallowed byte and gives up on sequences that never end.
func (n *normalizer) grow() {
	n.seqLen++
	if n.seqLen > maxSeq {
		n.st = stGround
	}
}

func (n *normalizer) ground(b byte) {
	switch b {
	case 0x1b:
		n.st, n.seqLen = stEsc, 0
	case '\n':
		n.newline()
	case '\r':
		n.cr = true
	case '\b':
		if n.col > 0 {
			n.col--
		}
		n.phys = max(n.phys-1, 0)
	case 0x07: // BEL rings, prints nothing
	case 0x00:
		n.putString(`\x00`)
	default:
		// Printable ASCII, tab, DEL and the other C0 controls (\x1e and
		// \x1f among them, which shell markers rely on) are kept as is.
		n.put(rune(b))
	}
}

func (n *normalizer) esc(b byte) {
	switch {
	case b == '[':
		n.st, n.params = stCSI, n.params[:0]
	case b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_':
		n.st = stString
	case b >= 0x20 && b <= 0x2f: // ESC ( B and other charset designations
		n.st = stEscInter
	case b >= 0x30 && b <= 0x7e: // ESC = ESC > ESC 7 ESC M ...
		n.st = stGround
	case b == 0x1b:
		n.seqLen = 0
	default:
		// ESC before a control byte: drop the ESC, obey the control.
		n.st = stGround
		n.ground(b)
	}
}

func (n *normalizer) csiByte(b byte) {
	switch {
	case b >= 0x20 && b <= 0x3f:
		if len(n.params) < 32 {
			n.params = append(n.params, b)
		}
		n.grow()
	case b >= 0x40 && b <= 0x7e:
		n.st = stGround
		n.csi(b)
	case b == 0x1b:
		n.st, n.seqLen = stEsc, 0
	default:
		n.st = stGround
		n.ground(b)
	}
}

// csi applies the few sequences that change what a line shows: erase in
// line and horizontal cursor moves (line editors and progress bars use
// them). Everything else (colors, modes, private sequences) is dropped.
func (n *normalizer) csi(final byte) {
	arg, ok := csiArg(n.params)
	if !ok {
		return
	}
	switch final {
	case 'K':
		n.eraseInLine(arg)
	case 'D':
		n.col = max(n.col-max(arg, 1), 0)
		n.phys = max(n.phys-max(arg, 1), 0)
	case 'C':
		n.moveTo(n.col + max(arg, 1))
		n.phys += max(arg, 1)
	case 'G':
		n.phys = max(arg, 1) - 1
		n.moveTo(n.phys)
	}
}

// csiArg reads the first numeric parameter; ok is false for private or
// malformed parameters.
func csiArg(params []byte) (arg int, ok bool) {
	for _, c := range params {
		switch {
		case c == ';':
			return arg, true
		case c >= '0' && c <= '9':
			if arg < 1<<20 {
				arg = arg*10 + int(c-'0')
			}
		default:
			return 0, false
		}
	}
	return arg, true
}

func (n *normalizer) utf8Byte(b byte) {
	n.utf[n.nutf] = b
	n.nutf++
	buf := n.utf[:n.nutf]
	if !utf8.FullRune(buf) {
		return
	}
	r, size := utf8.DecodeRune(buf)
	if r == utf8.RuneError && size <= 1 {
		n.putHex(buf[0])
		size = 1
	} else {
		n.put(r)
	}
	var rest [utf8.UTFMax]byte
	k := copy(rest[:], buf[size:])
	n.nutf = 0
	// Bytes after an invalid lead byte start over: they may be ASCII, an
	// escape, or the start of a valid rune.
	n.write(rest[:k])
}

// flush ends the stream: an incomplete UTF-8 sequence is shown byte by byte.
func (n *normalizer) flush() {
	if n.cr {
		n.cr = false
		n.col = 0
	}
	pending := n.utf[:n.nutf]
	n.nutf = 0
	for _, b := range pending {
		n.putHex(b)
	}
	n.st = stGround
}
