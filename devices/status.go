package devices

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Status is where a command stands. A command moves from queued to running,
// may pass through awaiting_input (and back to running), and ends in exactly
// one of the finished statuses.
type Status string

// The statuses a command can have.
const (
	// StatusQueued: waiting behind another command on the same shell.
	StatusQueued Status = "queued"
	// StatusRunning: sent to the shell, not finished.
	StatusRunning Status = "running"
	// StatusAwaitingInput: an input prompt of the profile (or sudo's) sits
	// at the tail of the output; answer with Command.SendInput.
	StatusAwaitingInput Status = "awaiting_input"
	// StatusCompleted: finished with exit status 0 (devices: no error line).
	StatusCompleted Status = "completed"
	// StatusFailed: ran and failed: exit status other than 0, a device
	// error line matched, or sudo or enable rejected the secret.
	StatusFailed Status = "failed"
	// StatusInterrupted: Ctrl+C was sent on request, a queued command was
	// removed, or its session was closed.
	StatusInterrupted Status = "interrupted"
	// StatusLost: the connection or the shell died under the command.
	StatusLost Status = "lost"
)

// Finished reports whether s is a final status.
func (s Status) Finished() bool {
	switch s {
	case StatusCompleted, StatusFailed, StatusInterrupted, StatusLost:
		return true
	}
	return false
}

// RunOptions are the per-command secrets. A zero field falls back to the
// target's configured secret; none at all means a prompt for it is
// reported as awaiting_input instead of being answered.
type RunOptions struct {
	// SudoPassword answers this session's own sudo prompt (never any other
	// text); zero means Target.Secrets.Sudo.
	SudoPassword string
	// EnablePassword is the enable secret of a network device; zero means
	// Target.Secrets.Enable.
	EnablePassword string
	// EnableCommand raises the privilege level; zero means "enable".
	EnableCommand string
	// SuPassword answers su's password prompt, once, for a command that
	// is su itself (su, su -, sudo su ...); zero means Target.Secrets.Su.
	SuPassword string
	// OpenTimeout bounds dialing and opening a new shell in Start,
	// beside ctx; zero leaves the target's own bounds. The time a person
	// takes to approve the command is not counted.
	OpenTimeout time.Duration
	// renamed says a configuration transaction may have changed the
	// device's host name before or during this command: its prompts may
	// show another one.
	renamed bool
}

// openContext is ctx bounded by o.OpenTimeout.
func (o RunOptions) openContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if o.OpenTimeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, o.OpenTimeout)
}

// CommandInfo is a snapshot of a command. Times are zero while they have not
// happened yet.
type CommandInfo struct {
	ID      string // random UUID v4
	Command string // as given to Start
	Session string // the session (shell) name, "default" unless named
	Host    string // the alias the caller asked for
	Key     string // user@host:port of the connection
	Profile string // device profile driving the shell

	Status    Status
	QueuedAt  time.Time
	StartedAt time.Time // zero while queued
	EndedAt   time.Time // zero while not finished

	// ExitCode is the shell's exit status (marker profiles), or 0 / 1 for
	// devices (1 when an error line matched); nil until known and when the
	// shell could not report it (fallback, lost, removed from the queue).
	ExitCode *int
	// ErrorLine is the device error line that matched, or "".
	ErrorLine string
	// Err is a failure of the machinery rather than of the command: sudo
	// rejected the password, the connection was lost, the session was
	// closed, preparation failed. It wraps a devices sentinel (ErrSudo,
	// ErrClosed, ErrPrivilege ...); nil otherwise.
	Err error
	// InputPrompt is the prompt line at the tail while awaiting_input. A
	// sudo prompt is shown as "[sudo] password for <user>:", never with
	// the session's private prompt text.
	InputPrompt string

	Cwd string // working directory after the command (marker profiles)
	// Note says what the session did beside running the command (entered
	// or left a nested shell); "" means nothing.
	Note   string
	Mode   string // device mode after the command (prompt profiles); "" for shells
	Prompt string // device prompt after the command

	OutputBytes int64  // output produced so far, including what was dropped
	Dropped     int64  // bytes dropped from the middle to respect the cap
	Lines       int64  // complete output lines so far, not counting any in the dropped middle
	LastLine    string // the last complete output line
	// PartialLine is, while the command runs, the line it is printing that
	// no newline has ended yet (a REPL's ">>> " waiting for input, a
	// progress bar), at most partialLineMax bytes of its end; empty
	// otherwise. It is not part of the output until its newline comes.
	PartialLine string

	// Reconnected reports that the connection or shell was re-established
	// before this command; Restored says what was put back ("cwd /srv",
	// "privileged mode").
	Reconnected bool
	Restored    []string
	// Fallback is non-empty when completion fell back to matching the
	// profile's generic prompt because the shell could not be prepared; it
	// says why. Exit statuses are unknown then.
	Fallback string
	// Warnings are the preparation steps of a new shell that failed
	// without making it unusable (an on_open command the device
	// rejected); only the first command on that shell carries them. nil
	// means none.
	Warnings []string
	// SecretNames are the names of the secrets the host's config entry
	// offers to Command.SendSecret, sorted; never a value. nil means none.
	SecretNames []string
}

// Duration is how long the command ran (so far, while running); zero while
// queued.
func (i CommandInfo) Duration() time.Duration {
	switch {
	case i.StartedAt.IsZero():
		return 0
	case i.EndedAt.IsZero():
		return time.Since(i.StartedAt)
	}
	return i.EndedAt.Sub(i.StartedAt)
}

// SessionInfo describes one open shell.
type SessionInfo struct {
	Alias   string // the alias the session was opened with
	Key     string // user@host:port
	Name    string // session name
	Profile string
	Mode    string // device mode; "" for shells
	Prompt  string // device prompt; "" for shells
	Cwd     string // working directory after the last command (shells)
	User    string // who runs the current shell (shells)
	Shell   string // which shell it is (shells)
	Depth   int    // how many shells of the session it runs inside of (shells)

	ConnectedSince time.Time // when the current shell was opened
	Reconnects     int       // how many times the shell was re-established
	Running        string    // ID of the running command, or ""
	Queued         []string  // IDs of queued commands, in order
	// Warnings are the preparation steps of the current shell that failed
	// without making it unusable; nil means none.
	Warnings []string
}

// Errors of the session layer. Errors returned by Manager and Command wrap
// one of these or one of the connection sentinels (ErrAuth, ErrClosed ...).
var (
	// ErrFinished: the command already finished; it cannot take input or
	// be interrupted.
	ErrFinished = errors.New("devices: command already finished")
	// ErrNotRunning: the command is still queued; input can only go to a
	// running command.
	ErrNotRunning = errors.New("devices: command is not running yet")
	// ErrPrivilege: raising the privilege level (enable) failed or was
	// rejected.
	ErrPrivilege = errors.New("devices: could not raise the privilege level")
	// ErrProfile: the device profile asked for does not exist, or this
	// build has no driver for its completion strategy.
	ErrProfile = errors.New("devices: unusable device profile")
)

// errHungUp is the Err of a command whose shell was hung up because input
// sent to it could not be delivered.
var errHungUp = fmt.Errorf("%w: the shell was hung up: the program read none of the input sent to it, so neither Ctrl+C nor more input could reach it; the undelivered input was dropped, and the next command opens a new shell", ErrClosed)
