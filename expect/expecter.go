package expect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultWindow is the match window used when Options.Window is zero.
const DefaultWindow = 4096

// idleKeep bounds the text kept while no Expect waits, so that a prompt
// arriving between two calls is still there for the next one.
const idleKeep = 64 << 10

// closeWriteWait bounds how long Close waits for a write in progress.
const closeWriteWait = 3 * time.Second

// readBuf is the size of the reader goroutine's buffer.
const readBuf = 32 << 10

// Options configures an Expecter. The zero value is usable.
type Options struct {
	// Window is how many bytes of normalized, unconsumed text at the tail of
	// the stream patterns are matched against; zero means DefaultWindow
	// (4096). Older text goes to the active Capture, or is dropped.
	Window int
	// WireLog receives the raw bytes both ways, one line per chunk: "< "
	// and the chunk read, or "> " and the chunk written, quoted with %q.
	// Text sent with SendSecret or as a {{name}} secret in Batch appears as
	// "<redacted>", and is also redacted where the remote side echoes it.
	// Writes to it are serialized. Nil means no wire log.
	WireLog io.Writer
	// Columns is the terminal width the remote side was given (the PTY's
	// width), so that the blank and carriage return a line editor prints
	// where a long line wraps are recognized and removed. Zero means
	// unknown: such a pair then counts as an ordinary carriage return.
	Columns int
}

// Expecter drives one interactive stream. New starts a goroutine that reads
// the stream until it ends; Close stops it.
//
// Expect and Batch are for one caller at a time (a second concurrent call
// fails at once). Send, SendSecret, Interrupt, Pending, Discard, Done, Err
// and Close are safe from any goroutine at any time.
type Expecter struct {
	r      io.Reader
	w      io.Writer
	window int
	wire   *wireLog

	mu     sync.Mutex
	norm   *normalizer
	buf    []byte  // committed, unconsumed text; the current line is in norm
	active *waiter // the Expect call waiting, if any
	carry  echoCarry
	err    error // terminal error, set once

	done       chan struct{} // closed when the stream ended or Close ran
	readerDone chan struct{} // closed when the reader goroutine returned
	wsem       chan struct{} // one write at a time, acquirable with a context
	lastSent   atomic.Uint32 // the last byte written, | 1<<8; 0 before any
	writes     sync.WaitGroup
	writeSince atomic.Int64 // UnixNano when the write in progress began; 0 when none
	closeOnce  sync.Once
	closed     bool // Close was called; guarded by mu
}

// New returns an Expecter reading r and writing w, and starts its reader
// goroutine. r is read until it returns an error (io.EOF included) or Close
// is called. opts is copied.
func New(r io.Reader, w io.Writer, opts Options) *Expecter {
	window := opts.Window
	if window <= 0 {
		window = DefaultWindow
	}
	e := &Expecter{
		r:          r,
		w:          w,
		window:     window,
		norm:       newNormalizer(max(2*window, 8192), opts.Columns),
		done:       make(chan struct{}),
		readerDone: make(chan struct{}),
		wsem:       make(chan struct{}, 1),
	}
	if opts.WireLog != nil {
		e.wire = &wireLog{w: opts.WireLog}
	}
	go e.read()
	return e
}

// read is the reader goroutine: it never stops draining the stream, so a
// busy remote side is never blocked by a slow caller.
func (e *Expecter) read() {
	defer close(e.readerDone)
	buf := make([]byte, readBuf)
	for {
		n, err := e.r.Read(buf)
		if n > 0 {
			e.wire.received(buf[:n])
			e.mu.Lock()
			e.norm.write(buf[:n])
			e.ingest()
			e.mu.Unlock()
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.EOF
			}
			e.mu.Lock()
			e.norm.flush()
			e.ingest()
			e.mu.Unlock()
			e.stop(fmt.Errorf("%w: read: %w", ErrClosed, err))
			return
		}
	}
}

// ingest moves newly committed text into buf and lets the waiting call look
// at it. Called with mu held.
func (e *Expecter) ingest() {
	e.buf = e.norm.take(e.buf)
	if w := e.active; w != nil && !w.finished {
		e.evaluate(w)
		return
	}
	if d := trimPoint(e.buf, idleKeep); d > 0 {
		e.buf = e.buf[:copy(e.buf, e.buf[d:])]
	}
}

// stop records the terminal error once and fails a waiting call.
func (e *Expecter) stop(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return
	}
	e.err = err
	close(e.done)
	if w := e.active; w != nil && !w.finished {
		e.evaluate(w)
		if !w.finished {
			e.fail(w, err)
		}
	}
}

// text returns the unconsumed normalized text. Called with mu held.
func (e *Expecter) text() string {
	return string(e.buf) + e.norm.current()
}

// cut removes text[p:q] from the unconsumed text. Called with mu held.
func (e *Expecter) cut(p, q int) {
	lb := len(e.buf)
	switch {
	case q <= lb:
		e.buf = append(e.buf[:p], e.buf[q:]...)
	case p >= lb:
		cur := e.norm.current()
		e.buf = append(e.buf, cur[:p-lb]...)
		e.norm.consume(q - lb)
	default:
		e.buf = e.buf[:p]
		e.norm.consume(q - lb)
	}
}

// Pending returns the unconsumed normalized text (at most Window bytes from
// its end) without consuming it: the stale prompt or partial output a
// failed wait left behind. It does not block on the stream.
func (e *Expecter) Pending() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return tailOf(e.text(), e.window)
}

// PendingLine returns the unfinished last line of the unconsumed text (what
// follows its last newline) while an Expect call whose Capture is capture
// (or a writer in front of it, see captures) waits past its echo, and false
// at any other time: the text a program has
// printed without ending the line yet (a prompt of its own), seen only
// through the wait that owns it, never in a dialogue of the caller's own.
func (e *Expecter) PendingLine(capture io.Writer) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.active
	if capture == nil || w == nil || w.finished || !captures(w.capture, capture) || w.echoSt == echoPending {
		return "", false
	}
	// Only the last line is copied (the line under the cursor, after
	// the committed text's last newline): status polls call this often.
	return string(e.buf[bytes.LastIndexByte(e.buf, '\n')+1:]) + e.norm.current(), true
}

// Discard consumes and returns all unconsumed text, for example log lines a
// device printed asynchronously before a new command is sent, and forgets
// an echo a timed-out Expect was still waiting for. It does not block on
// the stream.
func (e *Expecter) Discard() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.text()
	e.cut(0, len(t))
	e.carry = echoCarry{}
	if w := e.active; w != nil {
		w.captured, w.from = 0, 0
	}
	return t
}

// Done returns a channel closed when the stream ended: EOF, a read error,
// or Close.
func (e *Expecter) Done() <-chan struct{} { return e.done }

// Err returns the error that ended the stream (wrapping ErrClosed and, for a
// read failure, the read error), or nil while it runs.
func (e *Expecter) Err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

// Close stops the Expecter: a waiting Expect returns ErrClosed, the reader
// and writer are closed when they implement io.Closer, and Close waits for
// the reader goroutine and pending writes to end. When the reader is not an
// io.Closer, Close cannot interrupt a blocked Read and returns without
// waiting for it; the goroutine ends at that Read's return. Calling Close
// again does nothing and returns nil.
func (e *Expecter) Close() error {
	var err error
	e.closeOnce.Do(func() {
		e.mu.Lock()
		e.closed = true
		e.mu.Unlock()
		e.stop(fmt.Errorf("%w: closed", ErrClosed))
		rc, rCloses := e.r.(io.Closer)
		if rCloses {
			err = rc.Close()
		}
		wc, wCloses := e.w.(io.Closer)
		if wCloses && !sameObject(e.r, e.w) {
			err = errors.Join(err, wc.Close())
		}
		if wCloses || rCloses && sameObject(e.r, e.w) {
			// a write the far side never takes (an SSH channel whose
			// peer stopped reading) may not return even now: it is not
			// waited for beyond closeWriteWait, and its goroutine ends
			// when the transport under the stream does
			written := make(chan struct{})
			go func() { e.writes.Wait(); close(written) }()
			select {
			case <-written:
			case <-time.After(closeWriteWait):
			}
		}
		if rCloses {
			<-e.readerDone
		}
	})
	return err
}

// sameObject reports whether r and w are one value (a net.Conn, a channel),
// which must be closed only once.
func sameObject(r io.Reader, w io.Writer) bool {
	if r == nil || w == nil || !reflect.TypeOf(r).Comparable() || !reflect.TypeOf(w).Comparable() {
		return false
	}
	return any(r) == any(w)
}

// captures reports whether the writer an Expect captures into is target, or
// a filter in front of it that names it through an Unwrap method.
func captures(w, target io.Writer) bool {
	for i := 0; w != nil && i < 8; i++ {
		if w == target {
			return true
		}
		u, ok := w.(interface{ Unwrap() io.Writer })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
	return false
}
