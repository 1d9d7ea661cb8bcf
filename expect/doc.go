// Package expect drives an interactive byte stream (a shell or a network
// device's CLI) the way a person at a terminal would: send text, wait for
// a pattern, answer a dialogue.
//
// An Expecter wraps any io.Reader and io.Writer. It knows nothing of SSH: in
// production the stream is a PTY channel, in tests an io.Pipe or a reader
// that returns one byte per read.
//
// # Concurrency
//
// One goroutine, started by New, owns the reading and never stops draining
// the stream, so a busy remote side is never blocked by a slow caller. Expect
// and Batch are meant for one caller at a time (the command that owns the
// stream); Send, Interrupt, Close and the Output readers are safe from any
// goroutine at any time.
//
// # Stream model
//
// Bytes read are normalized (line endings, ANSI and VT escapes, backspace
// overstrikes, pager erasure) into committed lines plus one current line
// that may still change. Patterns are matched against the tail of that text
// only (Options.Window), so the cost of a match does not grow with output.
// Text after a match stays in the stream for the next call.
//
// # What it does not do
//
// It does not know prompts, shells or devices (package profiles holds that
// knowledge), does not retry, and never sleeps to guess that output ended:
// every wait ends at a match, at its deadline, or when the stream fails.
package expect
