package expect

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"
	"unicode/utf8"
)

// ErrDropped reports that a requested range of an Output fell in the middle
// part that was dropped to keep memory bounded.
var ErrDropped = errors.New("expect: output range was dropped")

// DefaultOutputCap is the capacity NewOutput uses when given zero.
const DefaultOutputCap = 10 << 20

// Output is the bounded capture of one command's output. Up to its capacity
// it keeps everything; beyond it, it keeps the first half and the most
// recent half and counts what was dropped between them. Offsets always refer
// to the logical stream of every byte ever written, so a reader paging
// through live output keeps its place.
//
// An Output is safe for concurrent use: typically an Expect call writes while
// status polls read from other goroutines. The zero value is not usable; call
// NewOutput.
type Output struct {
	mu       sync.Mutex
	headCap  int
	tailCap  int
	head     blocks
	tail     blocks // ring buffer once full
	tailPos  int    // oldest byte of tail when full
	total    int64
	changed  chan struct{}
	tailFull bool
	grew     func(n int) // called with the bytes a Write added to Stored; nil means none
	sum      hash.Hash   // SHA-256 of every byte written, dropped ones included; nil unless KeepSum
}

// NewOutput returns an Output that holds at most capBytes bytes; zero or a
// negative value means DefaultOutputCap (10 MiB). Memory is allocated as
// output arrives, not up front.
func NewOutput(capBytes int) *Output {
	if capBytes <= 0 {
		capBytes = DefaultOutputCap
	}
	capBytes = max(capBytes, 2)
	return &Output{headCap: capBytes / 2, tailCap: capBytes - capBytes/2}
}

// KeepSum makes the Output hash every byte written from now on, for Sum.
// Call it before the first Write; outputs nobody audits skip the cost.
func (o *Output) KeepSum() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sum == nil && o.total == 0 {
		o.sum = sha256.New()
	}
}

// Sum returns the SHA-256 of every byte written so far, including those
// dropped to respect the cap: an audit can name the whole output even
// when only its ends are kept. ok is false unless KeepSum was called
// before the first Write. Safe for concurrent use.
func (o *Output) Sum() (sum [sha256.Size]byte, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sum == nil {
		return sum, false
	}
	o.sum.Sum(sum[:0])
	return sum, true
}

// Write appends p. It never fails and never blocks on readers.
func (o *Output) Write(p []byte) (int, error) {
	n := len(p)
	if n == 0 {
		return 0, nil
	}
	o.mu.Lock()
	before := o.head.len() + o.tail.len()
	o.total += int64(n)
	if o.sum != nil {
		o.sum.Write(p)
	}
	if room := o.headCap - o.head.len(); room > 0 && o.total-int64(n) == int64(o.head.len()) {
		k := min(room, len(p))
		o.head.append(p[:k])
		p = p[k:]
	}
	o.appendTail(p)
	if o.changed != nil {
		close(o.changed)
		o.changed = nil
	}
	grew, added := o.grew, o.head.len()+o.tail.len()-before
	o.mu.Unlock()
	if grew != nil && added > 0 { // none once full: the memory held did not change
		grew(added) // unlocked: it may Shrink this Output or others
	}
	return n, nil
}

// OnGrow makes every later Write that adds to Stored call fn with the
// bytes it added, once it returned the Output's lock, from the writer's
// goroutine; fn may call
// the Output, Shrink included. nil stops the calls, though a Write under
// way may still make one. An owner uses it to keep many Outputs within
// one memory budget. Safe for concurrent use.
func (o *Output) OnGrow(fn func(n int)) {
	o.mu.Lock()
	o.grew = fn
	o.mu.Unlock()
}

// WriteString appends s; see Write.
func (o *Output) WriteString(s string) {
	if s == "" {
		return
	}
	_, _ = o.Write([]byte(s))
}

func (o *Output) appendTail(p []byte) {
	if len(p) >= o.tailCap {
		o.tail.reset()
		o.tail.append(p[len(p)-o.tailCap:])
		o.tailPos, o.tailFull = 0, true
		return
	}
	if !o.tailFull {
		k := min(o.tailCap-o.tail.len(), len(p))
		o.tail.append(p[:k])
		p = p[k:]
		if o.tail.len() == o.tailCap {
			o.tailFull = true
		}
	}
	for len(p) > 0 {
		k := min(len(p), o.tailCap-o.tailPos)
		o.tail.overwrite(o.tailPos, p[:k])
		p = p[k:]
		o.tailPos = (o.tailPos + k) % o.tailCap
	}
}

// streamRange copies the kept stream (head then tail, nothing dropped)
// between positions from and to.
func (o *Output) streamRange(from, to int) []byte {
	b := make([]byte, 0, max(to-from, 0))
	hl := o.head.len()
	if from < hl {
		b = o.head.appendRange(b, from, min(to, hl))
		from = hl
	}
	if from < to {
		t := o.tailRange(from-hl, 0)
		b = append(b, t[:to-from]...)
	}
	return b
}

// headBytes returns a copy of the head.
func (o *Output) headBytes() []byte {
	return o.head.appendRange(make([]byte, 0, o.head.len()), 0, o.head.len())
}

// tailBytes returns a copy of the tail in stream order.
func (o *Output) tailBytes() []byte { return o.tailRange(0, 0) }

// tailRange copies up to limit bytes (limit <= 0: all) of the tail from
// position from, without unrolling the whole ring.
func (o *Output) tailRange(from, limit int) []byte {
	size := o.tail.len()
	n := size - from
	if limit > 0 {
		n = min(n, limit+utf8.UTFMax) // enough to see whether the limit splits a character
	}
	b := make([]byte, 0, n)
	start := from
	if o.tailFull {
		start = (o.tailPos + from) % size
	}
	b = o.tail.appendRange(b, start, min(start+n, size))
	return o.tail.appendRange(b, 0, n-len(b))
}

// Len returns how many bytes were ever written.
func (o *Output) Len() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.total
}

// Dropped returns how many bytes were dropped from the middle.
func (o *Output) Dropped() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.dropped()
}

func (o *Output) dropped() int64 {
	return o.total - int64(o.head.len()) - int64(o.tail.len())
}

// ReadAt returns up to limit bytes of the logical stream starting at
// offset, and the offset to continue from. limit <= 0 means everything
// available from offset. At offset == Len() it returns "", Len(), nil: nothing new yet. An
// offset in the dropped middle returns an error wrapping ErrDropped, with next
// set to the first offset that can still be read. A text cut by limit ends on a
// whole UTF-8 character when one fits.
func (o *Output) ReadAt(offset int64, limit int) (text string, next int64, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if offset < 0 || offset > o.total {
		return "", o.total, fmt.Errorf("expect: output offset %d is outside [0, %d]; use an offset returned by an earlier read", offset, o.total)
	}
	tailStart := o.total - int64(o.tail.len())
	headLen := int64(o.head.len())
	var src []byte
	switch {
	case offset == o.total:
		return "", o.total, nil
	case offset < headLen && o.dropped() == 0 && (limit <= 0 || headLen-offset < int64(limit)):
		// Head and tail are contiguous and the read reaches into the tail.
		src = o.head.appendRange(nil, int(offset), int(headLen))
		rest := 0 // all of the tail
		if limit > 0 {
			rest = limit - len(src)
		}
		src = append(src, o.tailRange(0, rest)...)
	case offset < headLen:
		end := headLen
		if limit > 0 {
			end = min(end, offset+int64(limit+utf8.UTFMax))
		}
		src = o.head.appendRange(nil, int(offset), int(end))
	case offset < tailStart:
		// Resume on a whole character: the cut may have split one.
		next := tailStart + int64(runeSkip(o.tailRange(0, utf8.UTFMax)))
		return "", next, fmt.Errorf("%w: bytes %d to %d are gone; continue at offset %d", ErrDropped, headLen, tailStart, next)
	default:
		src = o.tailRange(int(offset-tailStart), limit)
	}
	if limit > 0 && len(src) > limit {
		src = cutRunes(src[:limit])
	}
	return string(src), offset + int64(len(src)), nil
}

// Visit calls fn with the output from offset on, as it is stored, in one
// or more pieces and without copying it, and returns the offset after the
// last byte visited. Like ReadAt, a visit that starts in the head stops at
// a dropped middle, and an offset inside the middle returns an error
// wrapping ErrDropped with the next offset that can be read. The Output is
// locked meanwhile: fn must be quick, must not keep the bytes and must not
// call the Output.
func (o *Output) Visit(offset int64, fn func([]byte)) (next int64, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if offset < 0 || offset > o.total {
		return o.total, fmt.Errorf("expect: output offset %d is outside [0, %d]; use an offset returned by an earlier read", offset, o.total)
	}
	headLen := int64(o.head.len())
	tailStart := o.total - int64(o.tail.len())
	if offset < headLen {
		o.head.visit(int(offset), int(headLen), fn)
		if o.dropped() > 0 {
			return headLen, nil
		}
		offset = headLen
	}
	if offset < tailStart {
		next := tailStart + int64(runeSkip(o.tailRange(0, utf8.UTFMax)))
		return next, fmt.Errorf("%w: bytes %d to %d are gone; continue at offset %d", ErrDropped, headLen, tailStart, next)
	}
	from, size := int(offset-tailStart), o.tail.len()
	if from == size {
		return o.total, nil
	}
	start := from
	if o.tailFull {
		start = (o.tailPos + from) % size
	}
	end := min(start+size-from, size)
	o.tail.visit(start, end, fn)
	o.tail.visit(0, size-from-(end-start), fn)
	return o.total, nil
}

// cutRunes drops an incomplete UTF-8 character at the end of b, unless that
// would leave nothing.
func cutRunes(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) && i > 0 {
				return b[:i]
			}
			break
		}
	}
	return b
}

// runeSkip counts the continuation bytes a cut left at the start of b.
func runeSkip(b []byte) int {
	k := 0
	for k < len(b) && k < utf8.UTFMax-1 && !utf8.RuneStart(b[k]) {
		k++
	}
	return k
}

// String returns the kept output; when something was dropped, a line
// "[... N bytes dropped ...]" stands between head and tail.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var sb strings.Builder
	sb.Grow(o.head.len() + o.tail.len() + 40)
	d := o.dropped()
	if d == 0 {
		sb.Write(o.headBytes())
		sb.Write(o.tailBytes())
		return sb.String()
	}
	// Characters split by the cut are left out rather than shown broken.
	sb.Write(cutRunes(o.headBytes()))
	fmt.Fprintf(&sb, "\n[... %d bytes dropped ...]\n", d)
	tail := o.tailBytes()
	sb.Write(tail[runeSkip(tail):])
	return sb.String()
}

// Changed returns a channel that is closed by the next Write. Call it again
// after it fired to wait for the one after. Safe for concurrent use.
func (o *Output) Changed() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.changed == nil {
		o.changed = make(chan struct{})
	}
	return o.changed
}

// Stored returns how many bytes the Output holds in memory.
func (o *Output) Stored() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.head.len() + o.tail.len()
}

// Shrink lowers the capacity to capBytes, keeping the first half and the
// most recent half of what it holds and dropping the middle, as if it had
// been created with that capacity; offsets keep their meaning. A capacity
// at or above the current one changes nothing. Memory is returned to the
// runtime at once. It is safe while a writer writes: a Write lands wholly
// before or after the cut, and the Output then goes on as one created with
// the smaller capacity (a finished command kept in a history, or a
// running one cut to keep many within a budget).
func (o *Output) Shrink(capBytes int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	capBytes = max(capBytes, 2)
	if capBytes >= o.headCap+o.tailCap {
		return
	}
	hc, tc := capBytes/2, capBytes-capBytes/2
	// Only what is kept is copied: the first hc bytes and the last tc.
	var head, tail []byte
	if o.dropped() == 0 {
		// head and tail are one stream: cut it anew
		n := o.head.len() + o.tail.len()
		head = o.head.appendRange(nil, 0, min(o.head.len(), hc))
		if len(head) < hc {
			head = append(head, o.tailRange(0, hc-len(head))[:min(hc-len(head), o.tail.len())]...)
		}
		from := max(n-tc, len(head))
		tail = o.streamRange(from, n)
	} else {
		head = o.head.appendRange(nil, 0, min(o.head.len(), hc))
		tl := o.tail.len()
		tail = o.tailRange(max(tl-tc, 0), 0)
	}
	o.head.reset()
	o.head.append(head)
	o.tail.reset()
	o.tail.append(tail)
	o.headCap, o.tailCap, o.tailPos = hc, tc, 0
	o.tailFull = o.tail.len() == tc
}
