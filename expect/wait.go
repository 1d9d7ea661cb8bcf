package expect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// ExpectOptions tunes one Expect call.
type ExpectOptions struct {
	// Timeout is a hard deadline for the call: it fires on time even while
	// output keeps flowing. It must be > 0.
	Timeout time.Duration
	// Capture, when not nil, receives every complete normalized line that
	// is consumed before the match, as it arrives (live output for status
	// polls); usually an *Output. Match.Before then holds only what was not
	// written there: the rest of the last, incomplete line before the
	// match. A line that was complete before a multi-line pattern finished
	// matching stays in Capture too. Capture's Write is called by the reader
	// goroutine (or the Settle timer's) with the Expecter's lock held: it
	// must not block and must not call the Expecter. Its error is ignored.
	// Nil (or a nil *Output) means no capture: Before then holds the
	// unconsumed text before the match, at most about Window bytes.
	Capture io.Writer
	// Echo, when not empty, is the command just sent (a trailing newline is
	// ignored): its echo is expected first and removed from Before and
	// Capture. The echo may be wrapped by the terminal (a line break at any
	// column), padded with blanks, or redrawn after a carriage return.
	// Patterns are searched only after the echo; if the first line ends and
	// does not contain it (echo off), only after that first newline, and
	// nothing is removed. If the call ends on its Timeout before the echo
	// was seen, the next call still expects it unless it names its own
	// Echo, so that a caller waiting in slices passes Echo only once.
	Echo string
	// DropBeforeEcho discards the text that came before the echo once the
	// echo is found: a stray line the other side printed between the last
	// match and the command (a log message) is then not the command's. It
	// does not change when the echo counts as off: a first line that ends
	// without the echo still does.
	DropBeforeEcho bool
	// Settle, when positive, is how long the stream must stay quiet after
	// a match before it counts: text arriving meanwhile is searched afresh
	// with the match. A line that only looks like a prompt (a banner
	// holding "R1#") and reached us at a packet boundary is passed over
	// that way, since the rest of the output follows it. A match with
	// nothing but blanks before it (after the echo) stands at once: there
	// was no output it could be part of. The stream's end settles a match
	// at once. Zero accepts every match as soon as it is seen.
	Settle time.Duration
	// SettleFirst, when positive, limits Settle to the first SettleFirst
	// patterns (the prompts that end a command); the others (a pager, a
	// question) stand as soon as they match. Zero applies Settle to all.
	SettleFirst int
	// Continues says the call goes on waiting for a command that printed
	// before it (the next wait after a pager or an answered question): a
	// match then settles even when this call saw nothing before it.
	Continues bool
	// Idle, when positive, ends the call with a Match of Index IdleIndex
	// once the stream has been quiet for Idle (counted from the later of
	// the call's start and the last chunk read) while the unconsumed text
	// ends in an unfinished line that is not blank: a program waiting at a
	// prompt that no pattern knows (a REPL's ">>> "). That line is not
	// consumed; complete lines before it went to Capture as usual. Zero
	// never ends a call for quiet.
	Idle time.Duration
}

// echo states of a waiter.
const (
	echoPending = iota
	echoResolved
)

// waiter is an Expect call in progress. The reader goroutine evaluates it
// on every chunk under Expecter.mu; the calling goroutine only waits.
type waiter struct {
	patterns []Pattern
	capture  io.Writer
	echo     string
	echoSt   int
	echoTail bool // blanks and the newline after the echo are still to drop
	dropPre  bool // ExpectOptions.DropBeforeEcho
	from     int  // patterns are searched in text[from:]
	captured int  // bytes at the start of buf already written to capture
	settle   time.Duration
	settleN  int         // patterns[:settleN] settle; 0: all
	printed  bool        // output came before this call (Continues)
	gen      int         // evaluations so far; a settle timer acts only if none came after it
	timer    *time.Timer // the settle timer of a match seen, if any
	idle     time.Duration
	idleT    *time.Timer // fires after idle without a chunk; nil when idle is zero
	trimmed  bool        // text was dropped from the window's head
	done     chan struct{}
	finished bool
	m        Match
	err      error
}

// Expect waits until one of patterns matches the unconsumed normalized
// text, and consumes the text up to the end of the match; text after it
// stays for the next call. The leftmost match wins; among patterns matching
// at the same position, the earliest in the list. Patterns see normalized
// text (lines end in "\n", no escape sequences) and only its last Window
// bytes, where prompts and questions wait; a pattern must not match empty
// text.
//
// It blocks until a match, opts.Timeout (a *TimeoutError wrapping
// ErrTimeout), ctx's end (ctx.Err() wrapped), or the stream's end (an error
// wrapping ErrClosed and the read error, after what had arrived was
// searched). Only one Expect or Batch may wait at a time.
func (e *Expecter) Expect(ctx context.Context, patterns []Pattern, opts ExpectOptions) (Match, error) {
	if err := checkPatterns(patterns); err != nil {
		return Match{}, err
	}
	if opts.Timeout <= 0 {
		return Match{}, fmt.Errorf("expect: ExpectOptions.Timeout is %v; give a positive deadline", opts.Timeout)
	}
	if err := ctx.Err(); err != nil {
		return Match{}, fmt.Errorf("expect: not waiting for %v: %w", patterns, err)
	}
	start := time.Now()
	w := &waiter{patterns: patterns, capture: opts.Capture, settle: max(opts.Settle, 0), settleN: max(opts.SettleFirst, 0),
		printed: opts.Continues, idle: max(opts.Idle, 0), dropPre: opts.DropBeforeEcho, done: make(chan struct{})}
	if o, ok := w.capture.(*Output); ok && o == nil {
		w.capture = nil
	}
	e.mu.Lock()
	if e.active != nil {
		e.mu.Unlock()
		return Match{}, errors.New("expect: another Expect or Batch is already waiting on this stream; wait for it to return first")
	}
	e.active = w
	e.takeEcho(w, opts.Echo)
	if w.idle > 0 {
		w.idleT = time.AfterFunc(w.idle, func() { e.idleFired(w) })
	}
	e.evaluate(w)
	if !w.finished && e.err != nil {
		e.fail(w, e.err)
	}
	e.mu.Unlock()

	timer := time.NewTimer(opts.Timeout)
	defer timer.Stop()
	var cause error
	select {
	case <-w.done:
	case <-timer.C:
		cause = ErrTimeout
	case <-ctx.Done():
		cause = ctx.Err()
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	e.active = nil
	if w.timer != nil {
		w.timer.Stop()
	}
	if w.idleT != nil {
		w.idleT.Stop()
	}
	if !w.finished {
		e.giveUp(w, cause, start)
	}
	return w.m, w.err
}

// giveUp ends a call that found nothing in time. Called with mu held.
func (e *Expecter) giveUp(w *waiter, cause error, start time.Time) {
	if cause == ErrTimeout {
		e.carry = echoCarry{echo: w.echo, pending: w.echoSt == echoPending, tail: w.echoTail}
	}
	tail := tailOf(e.text(), 500)
	if cause == ErrTimeout {
		e.fail(w, &TimeoutError{Patterns: w.patterns, Tail: tail, Elapsed: time.Since(start)})
		return
	}
	e.fail(w, fmt.Errorf("expect: stopped waiting for %v: %w", w.patterns, cause))
}

// echoCarry is the echo state a timed-out call leaves to the next one.
type echoCarry struct {
	echo    string
	pending bool // the echo was not seen yet
	tail    bool // the echo was seen, its line end was not
}

// takeEcho sets up the waiter's echo: the one named, or the one the last
// call timed out waiting for. Called with mu held.
func (e *Expecter) takeEcho(w *waiter, echo string) {
	carry := e.carry
	e.carry = echoCarry{}
	if echo != "" {
		w.echo = canonicalEcho(echo)
	} else if carry.pending {
		w.echo = carry.echo
	}
	w.echoTail = echo == "" && carry.tail
	if w.echo == "" {
		w.echoSt = echoResolved
	}
}

// fail ends a call without a match. Called with mu held.
func (e *Expecter) fail(w *waiter, err error) {
	// Text already written to Capture was delivered: it must not be
	// delivered again by the next call.
	e.buf = e.buf[:copy(e.buf, e.buf[min(w.captured, len(e.buf)):])]
	w.captured, w.from = 0, 0
	w.err = err
	w.finished = true
	close(w.done)
}

// idleFired ends w with an idle match if the stream is still quiet at an
// unfinished line; the timer is re-armed by every chunk, so firing means
// w.idle passed without one.
func (e *Expecter) idleFired(w *waiter) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if w.finished || e.active != w || w.echoSt == echoPending {
		return
	}
	text := e.text()
	line := text[strings.LastIndexByte(text, '\n')+1:]
	if len(text)-len(line) < w.from || strings.TrimSpace(line) == "" {
		return
	}
	// deliver the complete lines, keep the unfinished one for the next
	// call; a line too long to hold was already delivered in part, and
	// that part is consumed too
	end := len(text) - len(line)
	if w.capture != nil && w.captured > end {
		end = min(w.captured, len(text))
		line = text[end:]
	}
	w.m = Match{Index: IdleIndex, Text: line}
	switch {
	case w.capture == nil:
		w.m.Before = text[:end]
	case w.captured < end:
		io.WriteString(w.capture, text[w.captured:end])
	}
	e.cut(0, end)
	w.finished = true
	close(w.done)
}

// evaluate looks for the waiter's patterns in the unconsumed text. Called
// with mu held, by the reader after each chunk and by Expect at its start.
func (e *Expecter) evaluate(w *waiter) {
	w.gen++
	if w.idleT != nil {
		w.idleT.Reset(w.idle)
	}
	if w.echoSt == echoPending || w.echoTail {
		if !e.settleEcho(w) {
			return
		}
	}
	// Only the window's tail is searched, and only it is made a string:
	// the cost of a read stays flat however much text it brought.
	cur := e.norm.current()
	start := max(w.from, windowStart(e.buf, cur, e.window))
	var region string
	if lb := len(e.buf); start >= lb {
		region = cur[start-lb:]
	} else {
		region = string(e.buf[start:]) + cur
	}
	f, ok := search(region, w.patterns)
	if !ok {
		e.keepWindow(w)
		return
	}
	if w.settle > 0 && (w.settleN == 0 || f.index < w.settleN) && e.err == nil && w.printedBefore(start, region[:f.start]) {
		e.armSettle(w)
		return
	}
	f.start += start
	f.end += start
	e.matched(w, e.text(), f)
}

// printedBefore reports whether the stream brought anything but blanks
// between the echo (or the call's start) and a match: only then can the
// match be a line of output that merely looks like a prompt. The search
// began at start of the text, and before is the text from there up to the
// match. Called with mu held.
func (w *waiter) printedBefore(start int, before string) bool {
	return w.printed || w.captured > 0 || w.trimmed || start > w.from || strings.TrimSpace(before) != ""
}

// armSettle waits for the stream to stay quiet for w.settle after a match:
// the timer evaluates again, with no settling, unless new text (another
// evaluation) came first. The text stays as it is meanwhile: nothing is
// captured or trimmed until the match stands or is passed over. Called
// with mu held.
func (e *Expecter) armSettle(w *waiter) {
	gen := w.gen
	if w.timer != nil {
		w.timer.Stop()
	}
	w.timer = time.AfterFunc(w.settle, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if w.finished || w.gen != gen || e.active != w {
			return
		}
		settle := w.settle
		w.settle = 0
		e.evaluate(w)
		w.settle = settle
	})
}

// settleEcho removes the echo and the rest of its line as they arrive. It
// returns false while patterns must not be searched yet.
func (e *Expecter) settleEcho(w *waiter) bool {
	text := e.text()
	if w.echoSt == echoPending {
		var ok bool
		if text, ok = e.resolveEcho(w, text); !ok {
			return false
		}
	}
	if w.echoTail {
		n, done := echoTailEnd(text[w.from:])
		if n > 0 {
			e.cut(w.from, w.from+n)
		}
		w.echoTail = !done
	}
	return true
}

// resolveEcho finds and removes the echo. ok is false while the echo may
// still be arriving, so patterns must not be searched yet.
func (e *Expecter) resolveEcho(w *waiter, text string) (string, bool) {
	p, q, res := findEcho(text, w.echo)
	switch {
	case res == echoFound:
		if w.dropPre {
			p = 0
		}
		e.cut(p, q)
		w.from, w.echoTail = p, true
		w.echoSt = echoResolved
		return e.text(), true
	case res == echoPartial && len(text) <= e.window:
		return text, false
	}
	// Echo off, or it never came: search after the first line.
	nl := strings.IndexByte(text, '\n')
	if nl < 0 && len(text) <= e.window {
		return text, false
	}
	w.from = nl + 1
	w.echoSt = echoResolved
	return text, true
}

// matched completes the call with the match f found in text.
func (e *Expecter) matched(w *waiter, text string, f found) {
	s, t := f.start, f.end
	var before string
	switch {
	case w.capture == nil:
		before = text[:s]
	case s >= w.captured:
		pre := text[w.captured:s]
		nl := strings.LastIndexByte(pre, '\n')
		if nl >= 0 {
			io.WriteString(w.capture, pre[:nl+1])
		}
		before = pre[nl+1:]
	}
	w.m = Match{Index: f.index, Before: before, Text: text[s:t], Groups: f.groups}
	e.cut(0, t)
	w.finished = true
	close(w.done)
}

// keepWindow writes complete text to the capture and trims the text kept
// for matching to the window. Called with mu held.
func (e *Expecter) keepWindow(w *waiter) {
	if w.capture != nil && w.echoSt == echoResolved && w.captured < len(e.buf) {
		w.capture.Write(e.buf[w.captured:])
		w.captured = len(e.buf)
	}
	d := trimPoint(e.buf, e.window)
	if w.capture != nil {
		// Text not yet in the capture stays until it is.
		d = min(d, w.captured)
	}
	if d == 0 {
		return
	}
	w.trimmed = true
	e.buf = e.buf[:copy(e.buf, e.buf[d:])]
	w.captured = max(w.captured-d, 0)
	w.from = max(w.from-d, 0)
}
