package policy

import (
	"context"
	"errors"
	"fmt"
)

// Sentinels of refusals.
var (
	// ErrRefused is the sentinel of every refusal; a *RefusedError
	// unwraps to it.
	ErrRefused = errors.New("policy: refused")
	// ErrNoApprover means an ask decision found nobody to ask: the server
	// has no way to reach a person yet.
	ErrNoApprover = errors.New("policy: no person can be asked for approval")
	// ErrDeclined means the person asked did not approve.
	ErrDeclined = errors.New("policy: a person declined")
)

// Question is what an Approver shows a person.
type Question struct {
	Host    string  // the host as the agent named it
	Target  string  // user@host:port
	Session string  // the shell session; "" for a file
	Action  string  // "command", "input", "read", "write"
	Text    string  // the whole command line, input or path
	Detail  string  // for a write, what it changes (a diff); else ""
	Verdict Verdict // the ask decision, with the rule that made it
}

// Approver asks a person whether a call that the policy marks ask may go
// ahead. Approve blocks until the person answers or ctx ends; it returns
// nil when the person approved, and an error wrapping ErrDeclined or
// ErrNoApprover otherwise. Implementations must be safe for concurrent
// use, and must reach a person, never the agent whose call it is: nothing
// the agent sends (tool parameters, command text, input) may answer.
type Approver interface {
	Approve(ctx context.Context, q Question) error
}

// NoApprover is the Approver of a server that cannot ask anyone: every
// ask decision is refused with ErrNoApprover.
type NoApprover struct{}

// Approve returns ErrNoApprover.
func (NoApprover) Approve(context.Context, Question) error { return ErrNoApprover }

// RefusedError is a call the policy did not let through.
type RefusedError struct {
	Question
	// Approval is why an ask decision was not approved (ErrNoApprover,
	// ErrDeclined, the context's error); nil for a deny.
	Approval error
}

func (e *RefusedError) Error() string {
	if e.Verdict.Decision == Ask {
		return fmt.Sprintf("policy: %s on %s needs a person's approval (%s), which was not given: %v", e.Action, e.Host, e.Verdict.Explain(), e.Approval)
	}
	return fmt.Sprintf("policy: %s on %s refused: %s", e.Action, e.Host, e.Verdict.Explain())
}

// Unwrap exposes ErrRefused and, for ask, why approval was not had.
func (e *RefusedError) Unwrap() []error {
	if e.Approval != nil {
		return []error{ErrRefused, e.Approval}
	}
	return []error{ErrRefused}
}

// Enforce turns a verdict into an error: nil for Allow, a *RefusedError
// for Deny, and for Ask whatever a (nil means NoApprover) answers. It
// blocks while a person is asked.
func Enforce(ctx context.Context, a Approver, q Question) error {
	switch q.Verdict.Decision {
	case Allow:
		return nil
	case Ask:
		if a == nil {
			a = NoApprover{}
		}
		err := a.Approve(ctx, q)
		if err == nil {
			return nil
		}
		return &RefusedError{Question: q, Approval: err}
	}
	return &RefusedError{Question: q}
}
