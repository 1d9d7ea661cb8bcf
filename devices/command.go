package devices

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// Command is one command given to Manager.Start, from queued to finished.
// It is safe for concurrent use: status polls, input and interrupts may come
// from any goroutine while the session's worker runs it.
type Command struct {
	id      string
	text    string
	session *session
	out     *expect.Output
	secrets jobSecrets
	// renamed: the host name may change under this command (RunOptions);
	// fixed at creation.
	renamed bool
	// hostTimeout is set by Manager.Start before it returns the command
	// and never changes after.
	hostTimeout time.Duration
	// ahead is how many commands were running or queued in the session
	// when this one was submitted; set by submit, never changed after.
	ahead int

	// ctx is cancelled when the session closes; it carries the values of
	// the context Start was called with but not its deadline.
	ctx    context.Context
	cancel context.CancelFunc

	mu          sync.Mutex
	info        CommandInfo // ID, Command, Session, Host, Key, Profile fixed at creation
	awaitLen    int64       // output length when awaiting_input began
	interrupted bool        // Ctrl+C sent on request
	inputSent   bool        // SendInput wrote something
	inputs      int         // how many times SendInput wrote
	ending      bool        // the driver saw the command end: no more keys for it
	hungUp      bool        // its shell was hung up because its input was stuck
	waitLine    string      // the unfinished line it waits at (job.Waiting); "" otherwise
	changed     chan struct{}
	done        chan struct{}
	prog        progress
}

// progress counts complete lines of output incrementally.
type progress struct {
	scanned  int64
	lines    int64
	partial  []byte // the end of the unfinished line, reused
	lastLine string
}

func newCommand(ctx context.Context, s *session, text string, secrets jobSecrets, outputCap int) *Command {
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c := &Command{
		id: newUUID(), text: text, session: s, out: expect.NewOutput(outputCap), secrets: secrets,
		ctx: cctx, cancel: cancel,
		changed: make(chan struct{}), done: make(chan struct{}),
	}
	if s.m != nil && s.m.hashOutputs.Load() {
		c.out.KeepSum()
	}
	c.info = CommandInfo{
		ID: c.id, Command: text, Session: s.name, Host: s.alias, Key: s.key, Profile: s.profileName(),
		Status: StatusQueued, QueuedAt: time.Now(),
	}
	return c
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// ID returns the command's random UUID. It never changes.
func (c *Command) ID() string { return c.id }

// HostTimeout is the command_timeout the configuration sets for the
// command's host (or as the default), zero when it sets none: how long a
// caller that named no wait of its own should wait.
func (c *Command) HostTimeout() time.Duration { return c.hostTimeout }

// Ahead is how many commands were running or queued in the command's
// session when it was submitted: zero means it was queued only until the
// session's worker took it up, which follows at once.
func (c *Command) Ahead() int { return c.ahead }

// Info returns a snapshot. It does not block on the command.
func (c *Command) Info() CommandInfo {
	partial := c.session.partialLine(c)
	typed := c.typedSecrets()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scanLocked()
	i := c.info
	i.OutputBytes, i.Dropped = c.out.Len(), c.out.Dropped()
	i.Lines, i.LastLine = c.prog.lines, c.prog.lastLine
	i.Restored = append([]string(nil), c.info.Restored...)
	i.Warnings = append([]string(nil), c.info.Warnings...)
	if i.Status == StatusAwaitingInput && i.OutputBytes > c.awaitLen {
		// output after the prompt: the program took the input and went on
		i.Status, i.InputPrompt = StatusRunning, ""
	}
	if i.Status == StatusRunning || i.Status == StatusAwaitingInput {
		i.PartialLine = partial
	}
	if i.Status == StatusAwaitingInput && i.PartialLine == "" {
		// between two waits of the driver the line is not pending in a
		// wait, but it is still what the program shows
		i.PartialLine = c.waitLine
	}
	i.SecretNames = c.SecretNames()
	if len(typed) > 0 {
		i.PartialLine, i.LastLine = maskLine(typed, i.PartialLine), maskLine(typed, i.LastLine)
		i.InputPrompt = maskLine(typed, i.InputPrompt)
	}
	return i
}

// scanLocked counts the lines written since the last scan.
func (c *Command) scanLocked() {
	for c.prog.scanned < c.out.Len() {
		next, err := c.out.Visit(c.prog.scanned, c.prog.scan)
		if errors.Is(err, expect.ErrDropped) && next > c.prog.scanned {
			// lines inside the dropped middle are not counted
			c.prog.scanned, c.prog.partial = next, c.prog.partial[:0]
			continue
		}
		if err != nil || next <= c.prog.scanned {
			return
		}
		c.prog.scanned = next
	}
}

// progressPartial bounds the unfinished line a progress keeps.
const progressPartial = 4096

// scan counts the lines in p, the next piece of the output, and keeps the
// last complete one.
func (pr *progress) scan(p []byte) {
	if n := bytes.Count(p, []byte{'\n'}); n > 0 {
		pr.lines += int64(n)
		last := bytes.LastIndexByte(p, '\n')
		if prev := bytes.LastIndexByte(p[:last], '\n'); prev >= 0 {
			pr.lastLine = string(p[prev+1 : last])
		} else {
			pr.lastLine = string(pr.partial) + string(p[:last])
		}
		pr.partial = pr.partial[:0]
		p = p[last+1:]
	}
	p = p[max(len(p)-progressPartial, 0):]
	if over := len(pr.partial) + len(p) - progressPartial; over > 0 {
		pr.partial = pr.partial[:copy(pr.partial, pr.partial[over:])]
	}
	pr.partial = append(pr.partial, p...)
}

// Output returns up to max bytes of the normalized output from offset, and
// the offset to ask for next. It reads live output while the command runs;
// a range dropped to respect the output cap returns an error wrapping
// expect.ErrDropped with the next readable offset. max zero or less means
// 64 KiB.
func (c *Command) Output(offset int64, max int) (string, int64, error) {
	if max <= 0 {
		max = 64 << 10
	}
	text, next, err := c.out.ReadAt(offset, max)
	return c.maskTyped(offset, text), next, err
}

// OutputSum returns the SHA-256 of the command's whole output so far,
// including what the output cap dropped. It reports false, and no sum,
// unless the Manager hashes outputs (HashOutputs), and once a secret was typed into the command's session (send_input's
// secret): the output is hashed as the host produced it, before masking,
// and a hash over text that may hold a secret could be used to guess it.
// It does not block on the command.
func (c *Command) OutputSum() ([32]byte, bool) {
	if len(c.typedSecrets()) > 0 {
		return [32]byte{}, false
	}
	return c.out.Sum()
}

// Done is closed when the command finished.
func (c *Command) Done() <-chan struct{} { return c.done }

// Changed returns a channel closed on the next status change or output.
// Call it again after it fired. It costs a goroutine until then (or until
// the command finishes).
func (c *Command) Changed() <-chan struct{} {
	c.mu.Lock()
	ch := c.changed
	c.mu.Unlock()
	select {
	case <-ch:
		return ch
	default:
	}
	out := c.out.Changed()
	merged := make(chan struct{})
	go func() {
		defer close(merged)
		select {
		case <-ch:
		case <-out:
		}
	}()
	return merged
}

// notifyLocked wakes the waiters of Changed.
func (c *Command) notifyLocked() {
	close(c.changed)
	if !c.info.Status.Finished() {
		c.changed = make(chan struct{})
	}
}

// Interrupt sends Ctrl+C to the running command, or removes a queued one
// (which then ends interrupted without having run). It returns once the
// interrupt is sent, not when the command ended: wait on Done. It returns
// ErrFinished for a finished command. Blocks at most until ctx ends.
func (c *Command) Interrupt(ctx context.Context) error {
	c.mu.Lock()
	st := c.info.Status
	if st == StatusQueued {
		// the worker checks this flag before sending the command
		c.interrupted = true
	}
	c.mu.Unlock()
	switch {
	case st.Finished():
		return ErrFinished
	case st == StatusQueued:
		if c.session.dequeue(c) {
			c.finish(StatusInterrupted, jobResult{}, nil, driverState{})
		}
		return nil
	}
	mark := c.out.Len()
	c.mu.Lock()
	inputs, prompt := c.inputs, c.info.InputPrompt
	c.mu.Unlock()
	err := c.session.toRunning(ctx, c, func(e *expect.Expecter) error {
		c.mu.Lock()
		c.interrupted = true
		c.mu.Unlock()
		if e.WriteBlocked() {
			return expect.ErrWriteBlocked // a Ctrl+C would queue behind it
		}
		return e.Interrupt(ctx)
	})
	if errors.Is(err, expect.ErrWriteBlocked) {
		return c.session.hangUpFor(ctx, c)
	}
	if err == nil {
		go c.repeatInterrupt(mark, inputs, st, prompt)
	}
	return err
}

// A Ctrl+C can be lost: when it reaches the terminal while the shell is
// still starting the command, the signal goes to the shell, or the line
// discipline flushes the command line the shell had not read yet. A person
// presses Ctrl+C again; so does repeatInterrupt, a few times at most, and
// only while the command shows no reaction (no output since but the line
// end a shell prints for a Ctrl+C it took itself, the status and question
// it had when interrupted, and no input sent by the caller since). A
// program asking a question (sudo's password) can lose the first one too.
const (
	interruptRepeatAfter = time.Second
	interruptRepeats     = 3
)

func (c *Command) repeatInterrupt(mark int64, inputs int, st Status, prompt string) {
	t := time.NewTimer(interruptRepeatAfter)
	defer t.Stop()
	for range interruptRepeats {
		select {
		case <-c.done:
			return
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		c.mu.Lock()
		answered, ending := c.inputs != inputs, c.ending
		c.mu.Unlock()
		info := c.Info()
		if answered || ending || info.Status != st || info.InputPrompt != prompt || c.out.Len() > mark+2 {
			// the caller took over with keys of its own, or the program
			// reacted (beyond the shell's own line end, or by asking
			// something else)
			return
		}
		ctx, cancel := context.WithTimeout(c.ctx, interruptRepeatAfter)
		_ = c.session.toRunning(ctx, c, func(e *expect.Expecter) error { return e.Interrupt(ctx) })
		cancel()
		t.Reset(interruptRepeatAfter)
	}
}

// secretPrompt is a prompt line that asks for a password, a passphrase or
// a PIN.
var secretPrompt = regexp.MustCompile(`(?i)(pass(word|phrase|code)?|secret|\bpin\b|kennwort|mot de passe|contraseña|senha)[^\n]{0,40}[:?]\s*$`)

// SendInput writes text to the running command's terminal as is (escapes
// are the caller's business). It returns ErrFinished for a finished command
// and ErrNotRunning for a queued one. Blocks at most until ctx ends.
//
// Text typed at a prompt that asks for a password (as the prompt line
// reads) is sent as a secret: the wire log shows it redacted. Any other
// text is first checked against the host's policy as a command line of
// the session; a refusal is a *policy.RefusedError and nothing is typed.
func (c *Command) SendInput(ctx context.Context, text string) error {
	asked := c.Info()
	c.mu.Lock()
	st := c.info.Status
	c.mu.Unlock()
	secret := secretPrompt.MatchString(asked.InputPrompt) || secretPrompt.MatchString(asked.PartialLine)
	send := (*expect.Expecter).Send
	if secret {
		send = (*expect.Expecter).SendSecret
	}
	switch {
	case st.Finished():
		return ErrFinished
	case st == StatusQueued:
		return ErrNotRunning
	}
	if !secret {
		if err := c.session.checkInput(ctx, text); err != nil {
			return err
		}
	}
	return c.typeKeys(ctx, text, send)
}

// typeKeys writes text with send to the running command's terminal, as
// input the caller gave.
func (c *Command) typeKeys(ctx context.Context, text string, send func(*expect.Expecter, context.Context, string) error) error {
	return c.session.toRunning(ctx, c, func(e *expect.Expecter) error {
		c.mu.Lock()
		c.inputSent = true
		c.inputs++
		prev, prompt := c.info.Status, c.info.InputPrompt
		c.mu.Unlock()
		// Running before the keys go out: the answer to them (the next
		// question of a dialogue) may be reported as soon as they are sent,
		// and must not be overwritten.
		c.report(StatusRunning, "")
		err := send(e, ctx, text)
		if err != nil && prev == StatusAwaitingInput {
			// nothing was answered: the question still stands
			c.report(prev, prompt)
		}
		return err
	})
}

// waiting is job.Waiting: the program waits at an unfinished line.
func (c *Command) waiting(line string) {
	c.report(StatusAwaitingInput, strings.TrimSpace(line))
	c.mu.Lock()
	c.waitLine = line
	c.mu.Unlock()
}

// report is job.Report: the live status from the driver.
func (c *Command) report(st Status, prompt string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.info.Status.Finished() {
		return
	}
	if c.info.Status == st && c.info.InputPrompt == prompt && (st != StatusAwaitingInput || c.out.Len() == c.awaitLen) {
		return // nothing new: the same prompt, and no output after it
	}
	c.info.Status, c.info.InputPrompt = st, prompt
	c.waitLine = ""
	if st == StatusAwaitingInput {
		c.awaitLen = c.out.Len()
	}
	c.notifyLocked()
}

// markEnding records that the driver saw the command end, or that it is
// about to finish for another reason.
func (c *Command) markEnding() {
	c.mu.Lock()
	c.ending = true
	c.mu.Unlock()
}

// markHungUp records that c's shell is being hung up.
func (c *Command) markHungUp() {
	c.mu.Lock()
	c.hungUp = true
	c.mu.Unlock()
}

func (c *Command) wasHungUp() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hungUp
}

// over reports whether c has finished or is about to: keys sent now would
// reach the shell, not the command.
func (c *Command) over() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ending || c.info.Status.Finished()
}

// wasInterrupted is job.Interrupted.
func (c *Command) wasInterrupted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.interrupted
}

// wasGivenInput is job.InputSent.
func (c *Command) wasGivenInput() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inputSent
}

// begin marks the command running on a shell, unless it was interrupted
// while queued: then it reports false and must not be sent.
func (c *Command) begin(reconnected bool, restored []string, fallback string, warnings []string) bool {
	c.mu.Lock()
	if c.interrupted || c.info.Status.Finished() {
		c.mu.Unlock()
		return false
	}
	c.info.Status, c.info.StartedAt = StatusRunning, time.Now()
	c.info.Reconnected, c.info.Restored, c.info.Fallback = reconnected, restored, fallback
	c.info.Warnings = warnings
	c.notifyLocked()
	c.mu.Unlock()
	if c.session != nil && c.session.m != nil {
		c.session.m.running.track(c.out) // before the driver writes to it
	}
	return true
}

// finish records the end. The first call wins; later ones do nothing.
func (c *Command) finish(st Status, res jobResult, err error, state driverState) {
	c.mu.Lock()
	if c.info.Status.Finished() {
		c.mu.Unlock()
		return
	}
	if err == nil {
		err = res.Err
	}
	c.info.Status, c.info.EndedAt, c.info.InputPrompt = st, time.Now(), ""
	c.info.ExitCode, c.info.ErrorLine, c.info.Err, c.info.Note = res.ExitCode, res.ErrorLine, err, res.Note
	c.info.Cwd, c.info.Mode, c.info.Prompt = state.Cwd, state.Mode, state.Prompt
	c.notifyLocked()
	c.scanLocked() // count the lines before an old output may be cut
	c.mu.Unlock()
	c.cancel()
	if c.session != nil && c.session.m != nil {
		// before done: whoever sees c end sees the retention budget kept
		c.session.m.running.untrack(c.out)
		c.session.m.retained.add(c.out)
	}
	close(c.done)
}

// outcome decides the final status of a command the shell survived.
func (c *Command) outcome(res jobResult) Status {
	failed := res.Err != nil || res.ErrorLine != "" || (res.ExitCode != nil && *res.ExitCode != 0)
	switch {
	case res.Interrupted && res.Err == nil:
		return StatusInterrupted
	case failed && c.wasInterrupted() && res.Err == nil:
		return StatusInterrupted
	case failed:
		return StatusFailed
	}
	return StatusCompleted
}
