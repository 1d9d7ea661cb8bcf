package approve

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"
)

// DefaultTimeout is how long a request waits for a person by default.
const DefaultTimeout = 5 * time.Minute

// errTimedOut is the cause of a request's context when nobody answered
// in time.
var errTimedOut = errors.New("approve: nobody answered in time")

// Request is what a person is asked to approve.
type Request struct {
	ID       string    `json:"id"`
	Host     string    `json:"host"`    // the host as the agent named it
	Target   string    `json:"target"`  // user@host:port
	Session  string    `json:"session"` // "" for a file
	Action   string    `json:"action"`  // command, input, read, write
	Text     string    `json:"text"`    // the command exactly as it will be typed, or the path
	Detail   string    `json:"detail"`  // for a write, the diff of its content
	Rule     string    `json:"rule"`    // the rule that asked, and where it is written
	Client   string    `json:"client"`  // the MCP client's name and version
	Asked    time.Time `json:"asked"`
	Deadline time.Time `json:"deadline"`
}

// Outcome is how a request ended.
type Outcome int

const (
	Approved    Outcome = iota
	Declined            // a person said no
	Cancelled           // a person dismissed the question without answering
	TimedOut            // nobody answered before the deadline
	Unreachable         // nobody could be asked: no elicitation and no terminal
	Abandoned           // the call that asked ended first
)

// Answer is the end of a request.
type Answer struct {
	Outcome Outcome
	// By is who answered: "elicitation" (the MCP client), or
	// "terminal (pid N)".
	By string
	// Why adds what an Outcome alone does not say (the client's error).
	Why string
}

// Asker asks a person about r through another channel (the MCP client)
// and returns their answer; ctx ends when r is answered elsewhere or its
// deadline passes.
type Asker func(ctx context.Context, r Request) (Answer, error)

// Broker keeps the pending requests of one server.
type Broker struct {
	timeout time.Duration
	log     *slog.Logger

	mu      sync.Mutex
	pending map[string]*pending
	ln      net.Listener
	path    string
	parent  int // the server's parent process: the MCP client
	session int // the server's session ID
}

type pending struct {
	req    Request
	answer chan Answer // cap 1: the first answer wins
	askErr string      // why the MCP client could not ask; under Broker.mu
}

// New makes a broker whose requests wait at most timeout (zero:
// DefaultTimeout). log may be nil.
func New(timeout time.Duration, log *slog.Logger) *Broker {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Broker{timeout: timeout, log: log, pending: map[string]*pending{}}
}

// Timeout is how long a request waits for a person.
func (b *Broker) Timeout() time.Duration { return b.timeout }

// Terminal reports whether a person at a terminal can answer: the socket
// listens.
func (b *Broker) Terminal() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ln != nil
}

// SocketPath is the socket's path; "" when it does not listen.
func (b *Broker) SocketPath() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.path
}

// Ask registers r, with a new ID and deadline, and waits for the first
// answer: from a terminal, from ask (nil: none), or none by the deadline
// or when ctx ends. When nobody can answer it returns Unreachable at
// once. An error of ask is not an answer: a terminal may still give one
// before the deadline.
func (b *Broker) Ask(ctx context.Context, r Request, ask Asker) Answer {
	terminal := b.Terminal()
	if ask == nil && !terminal {
		return Answer{Outcome: Unreachable}
	}
	r.ID = newID()
	r.Asked = time.Now().UTC().Truncate(time.Second)
	r.Deadline = r.Asked.Add(b.timeout)
	p := &pending{req: r, answer: make(chan Answer, 1)}
	b.mu.Lock()
	b.pending[r.ID] = p
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.pending, r.ID)
		b.mu.Unlock()
	}()
	b.log.Info("approval requested", "id", r.ID, "host", r.Host, "action", r.Action, "terminal", terminal, "elicitation", ask != nil)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timer := time.AfterFunc(b.timeout, func() { cancel(errTimedOut) })
	defer timer.Stop()
	if ask != nil {
		go func() {
			a, err := ask(ctx, r)
			if err != nil {
				if ctx.Err() == nil {
					b.log.Warn("approval: the MCP client could not ask", "id", r.ID, "err", err)
				}
				if !terminal {
					p.give(Answer{Outcome: Unreachable, Why: err.Error()})
				}
				b.mu.Lock()
				p.askErr = err.Error()
				b.mu.Unlock()
				return
			}
			p.give(a)
		}()
	}
	select {
	case a := <-p.answer:
		b.log.Info("approval answered", "id", r.ID, "approved", a.Outcome == Approved, "by", a.By)
		return a
	case <-ctx.Done():
		// An answer given before the request left the list still counts:
		// the person was told it was taken. One after it is refused.
		b.mu.Lock()
		delete(b.pending, r.ID)
		b.mu.Unlock()
		select {
		case a := <-p.answer:
			return a
		default:
		}
		if context.Cause(ctx) == errTimedOut {
			b.mu.Lock()
			why := p.askErr
			b.mu.Unlock()
			return Answer{Outcome: TimedOut, Why: why}
		}
		return Answer{Outcome: Abandoned, Why: context.Cause(ctx).Error()}
	}
}

// give records a's answer unless one was given already.
func (p *pending) give(a Answer) bool {
	select {
	case p.answer <- a:
		return true
	default:
		return false
	}
}

// list returns the pending requests, oldest first.
func (b *Broker) list() []Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Request, 0, len(b.pending))
	for _, p := range b.pending {
		out = append(out, p.req)
	}
	slices.SortFunc(out, func(a, c Request) int { return a.Asked.Compare(c.Asked) })
	return out
}

// answer gives request id the answer a; it fails when no such request
// waits or it was answered already.
func (b *Broker) answer(id string, a Answer) error {
	b.mu.Lock()
	defer b.mu.Unlock() // Ask takes a request off the list under the lock, then reads its last answer
	p, ok := b.pending[id]
	if !ok {
		return fmt.Errorf("no request %s waits here (it was answered, timed out, or belongs to another server)", id)
	}
	if !p.give(a) {
		return fmt.Errorf("request %s was answered already", id)
	}
	return nil
}

// idAlphabet leaves out letters and digits that are easy to misread.
const idAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newID is a short random request ID that a person can type.
func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}
