package devices

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// errSessionClosed ends the commands of a session that was closed.
var errSessionClosed = fmt.Errorf("%w: session closed", ErrClosed)

// session is one named PTY shell on one connection key, with a worker
// goroutine that runs its commands one at a time in arrival order. A dead
// shell is replaced on the next command; the driver then restores what it
// can of the old one's state.
type session struct {
	m      *Manager
	key    string // user@host:port
	name   string
	alias  string
	target hosts.Target
	// profile is chosen when the first shell opens (named, or detected);
	// nil before. Guarded by mu once set.
	profile *profiles.Profile

	// openMu serializes opening a shell (from Start or from the worker).
	openMu sync.Mutex
	// input is a lock (capacity 1) that can be waited on with a context:
	// held by the worker from picking a command until its text was sent,
	// and by SendInput and Interrupt while they write, so that input or
	// Ctrl+C never reaches the shell before their command or after it.
	input chan struct{}

	mu         sync.Mutex
	sh         *shell
	last       driverState // of the current or last shell, for restore and listing
	opened     int         // shells opened so far
	since      time.Time   // when the current shell opened
	reconnect  bool        // the next command runs on a replaced shell
	restored   []string    // what the replacement restored, for that command
	setup      []string    // preparation steps of the current shell that failed, for the listing
	unshown    []string    // those no command result has shown yet
	queue      []*Command
	running    *Command
	typed      []string // secrets typed by SendSecret into any of its commands; never shrinks
	closed     bool
	lastRun    time.Time     // when the worker last started a command
	wake       chan struct{} // capacity 1: the queue grew or the session closed
	workerDone chan struct{}
}

// shell is one open, prepared shell channel.
type shell struct {
	conn *Conn
	ch   *Shell
	e    *expect.Expecter
	drv  driver
	pid  int // the login shell's process ID on the host; 0 when unknown
	// warnings are the preparation steps that failed without making the
	// shell unusable ("on_open step 2 ... failed: % Unknown command").
	warnings []string
}

// alive reports whether neither the channel nor its connection ended.
func (sh *shell) alive() bool {
	select {
	case <-sh.e.Done():
		return false
	case <-sh.conn.Done():
		return false
	default:
		return true
	}
}

// close ends the channel and waits for the expecter's reader.
func (sh *shell) close() {
	_ = sh.e.Close()
}

func newSession(m *Manager, t hosts.Target, name string) *session {
	s := &session{
		m: m, key: t.Key(), name: name, alias: t.Alias, target: t,
		wake: make(chan struct{}, 1), workerDone: make(chan struct{}), input: make(chan struct{}, 1),
		lastRun: time.Now(), // a rename before the session began is seen when its shell logs in
	}
	go s.work()
	return s
}

// submit creates and queues a command, opening the shell first when the
// session has none and nothing is queued (so a dial or authentication
// failure is the caller's error). With commands ahead of it, a dead shell
// is replaced by the worker when its turn comes.
func (s *session) submit(ctx context.Context, text string, o RunOptions) (*Command, error) {
	s.mu.Lock()
	idle := s.running == nil && len(s.queue) == 0
	s.mu.Unlock()
	if idle {
		if err := s.ensureShell(ctx); err != nil {
			return nil, err
		}
	}
	c := newCommand(ctx, s, text, s.secretsFor(o), s.m.outputCap)
	c.renamed = o.renamed
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.cancel()
		return nil, errSessionClosed
	}
	c.ahead = len(s.queue)
	if s.running != nil {
		c.ahead++
	}
	s.queue = append(s.queue, c)
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return c, nil
}

// secretsFor fills a command's secrets from the target's.
func (s *session) secretsFor(o RunOptions) jobSecrets {
	js := jobSecrets{Sudo: o.SudoPassword, Enable: o.EnablePassword, EnableCommand: o.EnableCommand, Su: o.SuPassword}
	if js.Su == "" {
		js.Su = s.target.Secrets.Su
	}
	if js.Sudo == "" {
		js.Sudo = s.target.Secrets.Sudo
	}
	if e := s.target.Secrets.Missing("sudo_password"); js.Sudo == "" && e != nil {
		js.SudoMissing = e
	}
	if js.Enable == "" {
		js.Enable = s.target.Secrets.Enable
	}
	if e := s.target.Secrets.Missing("enable_secret"); js.Enable == "" && e != nil {
		js.EnableMissing = e
	}
	if js.EnableCommand == "" {
		js.EnableCommand = "enable"
	}
	return js
}

// work runs queued commands until the session closes.
func (s *session) work() {
	defer close(s.workerDone)
	for {
		c := s.next()
		if c == nil {
			return
		}
		s.runOne(c)
	}
}

// next takes the first queued command, waiting for one; nil once closed.
func (s *session) next() *Command {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil
		}
		if len(s.queue) > 0 {
			c := s.queue[0]
			s.queue = s.queue[1:]
			s.running = c
			s.mu.Unlock()
			return c
		}
		s.mu.Unlock()
		<-s.wake
	}
}

// runOne runs c on the shell, replacing a dead shell first.
func (s *session) runOne(c *Command) {
	// The session is idle again before c is seen to end: a command
	// given by whoever waited for c must not queue behind it (and so
	// skip the caller's own dial and its error).
	finish := func(st Status, res jobResult, err error, ds driverState) {
		c.markEnding() // keys for c meanwhile get ErrFinished, not ErrNotRunning
		s.mu.Lock()
		s.running = nil
		s.mu.Unlock()
		c.finish(st, res, err, ds)
	}
	if err := s.ensureShell(c.ctx); err != nil {
		finish(s.lostStatus(c), jobResult{}, err, driverState{})
		return
	}
	s.mu.Lock()
	sh, reconnected, restored, warnings := s.sh, s.reconnect, s.restored, s.unshown
	s.reconnect, s.restored, s.unshown = false, nil, nil
	lastRun := s.lastRun
	s.lastRun = time.Now()
	s.mu.Unlock()
	// A transaction of this server may have renamed the device since this
	// session's last command (or its automatic rollback may have).
	renamed := c.renamed || s.m.config.renamedSince(s.key, lastRun)
	if sh == nil { // closed meanwhile
		finish(StatusInterrupted, jobResult{}, errSessionClosed, driverState{})
		return
	}
	if err := s.lockInput(c.ctx); err != nil {
		finish(StatusInterrupted, jobResult{}, errSessionClosed, driverState{})
		return
	}
	var once sync.Once
	release := func() { once.Do(s.unlockInput) }
	defer release()
	if !c.begin(reconnected, restored, sh.drv.state().Fallback, warnings) {
		finish(StatusInterrupted, jobResult{}, nil, driverState{})
		return
	}
	j := &job{Command: c.text, Output: c.out, Secrets: c.secrets, Renamed: renamed, Interrupted: c.wasInterrupted, InputSent: c.wasGivenInput,
		Ending: func() {
			release()
			if s.lockInput(context.WithoutCancel(c.ctx)) == nil { // waits out a key being written
				c.markEnding()
				s.unlockInput()
			}
		},
		Report: func(st Status, prompt string) {
			if st == StatusRunning {
				release() // the command text is out: input may follow
			}
			c.report(st, prompt)
		},
		Waiting: c.waiting}
	res, err := sh.drv.run(c.ctx, j)
	release()
	st := sh.drv.state()
	s.mu.Lock()
	s.last = st
	if err != nil && s.sh == sh {
		s.sh = nil
	}
	s.mu.Unlock()
	if err != nil {
		s.m.logger.Info("shell dropped", "host", s.alias, "session", s.name, "err", err)
		sh.close()
		status := s.lostStatus(c)
		if status == StatusInterrupted {
			err = errSessionClosed // closing the shell is what ended the wait
		}
		err = lostErr(err, sh.conn)
		if c.wasHungUp() {
			err = errHungUp
		}
		finish(status, jobResult{}, err, st)
		return
	}
	finish(c.outcome(res), res, nil, st)
}

func (s *session) lockInput(ctx context.Context) error {
	select {
	case s.input <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *session) unlockInput() { <-s.input }

// lostStatus is how a command ends when its shell went away: interrupted
// when the session was closed on purpose, lost otherwise.
func (s *session) lostStatus(c *Command) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || c.ctx.Err() != nil || c.wasHungUp() {
		return StatusInterrupted
	}
	return StatusLost
}

// lostErr makes sure the error of a lost command wraps ErrClosed.
// When the connection itself died, its reason (a keepalive that went
// unanswered, the host closing it) is what the error says.
func lostErr(err error, conn *Conn) error {
	if errors.Is(err, context.Canceled) {
		return errSessionClosed
	}
	select {
	case <-conn.Done():
		if cerr := conn.Err(); cerr != nil {
			return fmt.Errorf("%w: connection lost: %w (%w)", ErrClosed, cerr, err)
		}
	default:
	}
	if errors.Is(err, ErrClosed) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrClosed, err)
}

// dequeue removes a queued command; false if it is no longer queued.
func (s *session) dequeue(c *Command) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.queue {
		if q == c {
			s.queue = append(s.queue[:i:i], s.queue[i+1:]...)
			return true
		}
	}
	return false
}

// partialLineMax bounds CommandInfo.PartialLine.
const partialLineMax = 200

// partialLine returns the end of the unfinished line at the tail of the
// shell's stream while the driver waits for c itself: text that no newline
// ended yet, so it is not in c's output. Empty at any other time (c not
// running, or the driver in a dialogue of its own), and never any of the
// session's private marker or sudo prompt text, which a shell can print
// before the driver consumes it.
func (s *session) partialLine(c *Command) string {
	s.mu.Lock()
	running, sh := s.running, s.sh
	s.mu.Unlock()
	if running != c || sh == nil {
		return ""
	}
	p, ok := sh.e.PendingLine(c.out)
	if !ok || strings.Contains(p, privateSudoPrefix) {
		return ""
	}
	if i := strings.IndexByte(p, markerStart); i >= 0 {
		p = p[:i]
	}
	if len(p) > partialLineMax {
		p = p[len(p)-partialLineMax:]
		for i := 0; i < len(p) && i < utf8.UTFMax && !utf8.RuneStart(p[0]); i++ {
			p = p[1:]
		}
	}
	return p
}

// toRunning calls fn with the shell's expecter if c is the running
// command and its text was sent, holding the input lock so the command
// cannot end and another start in between. A command that finished
// meanwhile gives ErrFinished. Blocks at most until ctx ends.
func (s *session) toRunning(ctx context.Context, c *Command, fn func(*expect.Expecter) error) error {
	if err := s.lockInput(ctx); err != nil {
		return err
	}
	defer s.unlockInput()
	s.mu.Lock()
	running, sh := s.running, s.sh
	s.mu.Unlock()
	if c.over() {
		return ErrFinished
	}
	if running != c || sh == nil {
		return ErrNotRunning
	}
	return fn(sh.e)
}

// hangUpTimeout bounds the side channel that hangs a shell up.
const hangUpTimeout = 10 * time.Second

// hangUp ends the shell's process on the host over a second channel of the
// same connection. It is for a shell whose input is stuck: a program that
// reads none of what was typed fills the terminal, sshd's buffer and the
// channel's window, and then neither a Ctrl+C (it queues behind the input)
// nor closing the channel (sshd keeps it open until it delivered the
// input) reaches it. Killing the login shell hangs up the terminal, which
// ends the programs in the foreground and drops the undelivered input, so
// it is never run as commands. The shell is closed either way.
//
// When the shell cannot be killed (its process is unknown, or it became a
// process of another user through exec sudo -i), the whole connection is
// closed instead: sshd then ends every session on it, and the other
// sessions of the host reconnect at their next command. That is the only
// other way to stop sshd from delivering the input later.
func (s *session) hangUp(ctx context.Context, sh *shell) {
	killed := false
	if sh.pid > 0 {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hangUpTimeout)
		var errb bytes.Buffer
		code, err := sh.conn.Exec(ctx, "kill -KILL "+strconv.Itoa(sh.pid), nil, io.Discard, &errb)
		cancel()
		killed = err == nil && code == 0
		if !killed {
			s.m.logger.Warn("could not hang up a shell with stuck input; closing its connection", "host", s.alias, "session", s.name,
				"pid", sh.pid, "code", code, "err", err, "stderr", tail(errb.String(), 200))
		}
	}
	if !killed {
		_ = sh.conn.Close()
	}
	sh.close()
}

// hangUpFor ends c by hanging its shell up (see hangUp), when c is the
// running command. The worker then sees the shell end, and c ends
// interrupted with errHungUp; the next command opens a new shell.
func (s *session) hangUpFor(ctx context.Context, c *Command) error {
	s.mu.Lock()
	running, sh := s.running, s.sh
	s.mu.Unlock()
	if running != c || sh == nil {
		return ErrFinished
	}
	c.markHungUp()
	s.m.logger.Info("hanging up a shell whose input is stuck", "host", s.alias, "session", s.name, "id", c.id)
	s.hangUp(ctx, sh)
	return nil
}

// close ends the session: queued commands end interrupted, the running one
// is cancelled (interrupted, Err session closed), the shell closes, and the
// worker is waited for (bounded by ctx).
func (s *session) close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return s.wait(ctx)
	}
	s.closed = true
	queued, running, sh := s.queue, s.running, s.sh
	s.queue, s.sh = nil, nil
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	for _, c := range queued {
		c.finish(StatusInterrupted, jobResult{}, errSessionClosed, driverState{})
	}
	if running != nil {
		running.cancel()
	}
	if sh != nil {
		if sh.e.WriteBlocked() {
			s.hangUp(ctx, sh) // input nobody reads would hold the channel open
		}
		sh.close()
	}
	return s.wait(ctx)
}

func (s *session) wait(ctx context.Context) error {
	select {
	case <-s.workerDone:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("close session %s on %s: %w", s.name, s.alias, ctx.Err())
	}
}

// empty reports whether the session never had a shell and has no
// commands.
func (s *session) empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened == 0 && s.running == nil && len(s.queue) == 0
}

// info describes the session for listings.
func (s *session) info() SessionInfo {
	profile := s.profileName()
	s.mu.Lock()
	defer s.mu.Unlock()
	i := SessionInfo{
		Alias: s.alias, Key: s.key, Name: s.name, Profile: profile,
		Mode: s.last.Mode, Prompt: s.last.Prompt, Cwd: s.last.Cwd,
		User: s.last.User, Shell: s.last.Shell, Depth: s.last.Depth,
		ConnectedSince: s.since, Reconnects: max(s.opened-1, 0),
		Warnings: append([]string(nil), s.setup...),
	}
	if s.running != nil {
		i.Running = s.running.id
	}
	for _, c := range s.queue {
		i.Queued = append(i.Queued, c.id)
	}
	return i
}
