package expect

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Sentinel errors. Errors returned by this package wrap one of these.
var (
	// ErrTimeout: the deadline passed before any pattern matched.
	ErrTimeout = errors.New("expect: timed out")
	// ErrClosed: the stream ended (EOF or read error) or Close was called.
	ErrClosed = errors.New("expect: stream closed")
	// ErrDialogue: a batch case with Action Fail matched, or a case matched
	// more often than its Limit allows.
	ErrDialogue = errors.New("expect: dialogue failed")
	// ErrWriteBlocked: an earlier write has not completed (the remote side
	// reads nothing and every buffer on the way is full), so nothing more
	// can be written, a Ctrl+C included.
	ErrWriteBlocked = errors.New("expect: an earlier write is still blocked")
)

// Pattern is something to wait for at the tail of the normalized stream.
// Exactly one of Regexp and Literal is set.
type Pattern struct {
	// Name identifies the pattern in errors and results ("prompt", "pager").
	Name string
	// Regexp is matched against the window; compile it with (?m) when it
	// anchors at line starts.
	Regexp *regexp.Regexp
	// Literal is matched as exact text when Regexp is nil.
	Literal string
}

// String returns the pattern's source for messages.
func (p Pattern) String() string {
	if p.Regexp != nil {
		return p.Regexp.String()
	}
	return fmt.Sprintf("%q", p.Literal)
}

// IdleIndex is Match.Index when an Expect with ExpectOptions.Idle returned
// because the stream went quiet at an unfinished line.
const IdleIndex = -1

// Match is what a successful Expect found.
type Match struct {
	// Index is the position of the matched pattern in the list given, or
	// IdleIndex: then Text is the unfinished last line (what of it was not
	// already delivered to Capture), which stays unconsumed, and Before
	// holds the complete lines before it when there is no Capture.
	Index int
	// Before is the normalized text between the previous match (or the
	// last consumed point) and the start of this match. When the call had
	// a Capture, Before holds only what was not already written there.
	Before string
	// Text is the matched text; Groups its submatches (Groups[0] == Text).
	Text   string
	Groups []string
}

// TimeoutError carries the evidence of an ErrTimeout.
type TimeoutError struct {
	Patterns []Pattern     // what was awaited
	Tail     string        // the last normalized text seen (at most ~500 bytes)
	Elapsed  time.Duration // how long the call waited
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("expect: timed out after %s waiting for %v; tail %q", e.Elapsed.Round(time.Millisecond), e.Patterns, e.Tail)
}

func (e *TimeoutError) Unwrap() error { return ErrTimeout }

// Action says what a batch does after one of a step's cases matched.
type Action int

const (
	// Next ends the step and goes on with the next one.
	Next Action = iota
	// Again sends the case's Reply and keeps waiting in the same step (a
	// pager key, a password answered before the prompt appears).
	Again
	// Fail ends the batch with a DialogueError wrapping ErrDialogue.
	Fail
)

// Case is one possible outcome of a step.
type Case struct {
	Pattern Pattern
	// Reply is sent when the case matches; "" sends nothing. It may name
	// secrets as {{name}}, filled from Batch's secrets at send time.
	Reply string
	// Then is what follows the reply.
	Then Action
	// Limit is how many times the case may match within one step before
	// the batch fails; zero means no limit. A password prompt that comes
	// back (a wrong secret) is caught with Limit 1.
	Limit int
	// Message explains a Fail (or an exceeded Limit) to a person.
	Message string
}

// Step is one exchange of a dialogue: optionally send, then wait for one of
// the cases. A step with no cases only sends.
type Step struct {
	// Send is written as is (add "\n" yourself); it may name secrets as
	// {{name}}.
	Send string
	// Cases are awaited after sending; the first to match wins (by position
	// in the stream, then by order in the list).
	Cases []Case
	// Timeout bounds the wait for this step; zero means the batch's timeout.
	Timeout time.Duration
}

// DialogueError reports a failed batch step with its evidence.
type DialogueError struct {
	Step    int    // index of the failing step
	Case    string // name of the case's pattern, if a case decided it
	Message string // the case's Message
	Tail    string // the last normalized text seen
}

func (e *DialogueError) Error() string {
	return fmt.Sprintf("expect: step %d failed (%s): %s; tail %q", e.Step, e.Case, e.Message, e.Tail)
}

func (e *DialogueError) Unwrap() error { return ErrDialogue }
