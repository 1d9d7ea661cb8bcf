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
// Normalization is done one byte at a time, so how the stream was split
// into reads never changes the text. A carriage return followed by text
// overwrites the line from its start (progress bars); CR LF and LF CR are
// one newline. NUL and bytes that are not UTF-8 stay visible as \x00 and
// \xNN; other control characters (\x1e and \x1f among them) pass through.
//
// # Memory
//
// While an Expect waits, the text older than the window goes to its
// Capture (an io.Writer, usually an *Output, which keeps head and tail of a
// command's output within a cap) or is dropped; between calls up to 64 KiB
// of unconsumed text is kept, so a prompt that arrives between two calls is
// not lost. An Expecter's memory is bounded by its window and one read, not
// by the size of the output. An Output's capacity can be lowered while it
// is written (Shrink), and OnGrow tells its owner how much each write added,
// so that many Outputs can share one budget.
//
// # Echo
//
// A terminal echoes what is typed. ExpectOptions.Echo names the command
// just sent; its echo is removed (also when the terminal wrapped or padded
// it) and can never satisfy a pattern.
//
// # What it does not do
//
// It does not know prompts, shells or devices (package profiles holds that
// knowledge), does not retry, and never sleeps to guess that output ended:
// every wait ends at a match, at its deadline, or when the stream fails.
package expect
