package devices

import (
	"context"
	"log/slog"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// A driver knows how to talk to one kind of interactive shell: how to
// prepare it once the channel is open, how to run one command and tell when
// it ended, and how to put the shell back where it was after a reconnect.
// The POSIX driver (posix.go) completes commands on a marker the prepared
// shell prints; the prompt driver (promptdriver.go) completes them on the
// device's mode prompt.
//
// Concurrency: a session's worker goroutine owns its driver and calls open,
// run, state and restore one at a time, never concurrently. Other goroutines
// may meanwhile call the expecter's Send, SendSecret and Interrupt (input
// and Ctrl+C from Command.SendInput and Command.Interrupt); a driver must
// tolerate that, and must not interrupt anything on its own initiative
// except to abandon a secret prompt it has just answered wrongly.
//
// Blocking: every method blocks until done or until ctx ends. A driver
// never sleeps to guess that something finished; it waits for patterns.
// Every Expect it makes has a finite timeout; a wait that may legitimately
// last for ever (a command running for hours) loops over bounded waits.
type driver interface {
	// open prepares a freshly opened shell. It is called once per shell,
	// right after the channel opened, before any output was consumed. It
	// returns the login text seen before the shell was ready (banner,
	// MOTD), normalized. An error means the shell is unusable; it should
	// wrap ErrTimeout (the shell never became ready), ErrClosed (the
	// channel ended) or ErrPrivilege.
	//
	// A driver that cannot prepare the shell but can still work in a
	// degraded way returns nil and reports why through state().Fallback.
	open(ctx context.Context, env driverEnv) (login string, err error)

	// run executes one command and returns when it finished. It streams
	// the command's normalized output into j.Output as it arrives (no
	// echo, no marker, no prompt) and reports running / awaiting_input
	// through j.Report.
	//
	// A non-nil error means the shell itself is lost or out of step (the
	// channel closed, ctx ended, the completion never came back after an
	// interrupt): the session drops the shell. A command that ran and
	// failed is not an error: it is described in the result (ExitCode,
	// ErrorLine, or Err for a rejected sudo password or enable secret,
	// after which the shell is still usable).
	run(ctx context.Context, j *job) (jobResult, error)

	// state returns where the shell stands after the last open, run or
	// restore. It must be cheap; it is called from the worker goroutine
	// only.
	state() driverState

	// restore brings a freshly opened shell back to prev, the state of the
	// shell it replaces: the working directory, the privileged mode. It
	// returns what it restored, for people ("cwd /srv", "privileged
	// mode"). Something that could not be restored is an error only when
	// the shell is unusable; otherwise it is left out of the list and
	// logged.
	restore(ctx context.Context, prev driverState, secrets jobSecrets) ([]string, error)
}

// driverEnv is everything a driver needs to open a shell.
type driverEnv struct {
	// Expecter reads and writes the shell channel. The driver does not
	// close it: the session does.
	Expecter *expect.Expecter
	// Profile is the device profile chosen for the target; never nil.
	Profile *profiles.Profile
	// Target is the resolved host (User for sudo's prompt, Secrets for
	// enable during open).
	Target hosts.Target
	// Logger is never nil.
	Logger *slog.Logger
	// Probe runs a command on a second channel of the same connection
	// and returns its standard output: a look at the host that the shell
	// and its programs cannot see or answer. Nil when there is none.
	Probe func(ctx context.Context, cmd string) (string, error)
	// Login is the login text already read while the profile was being
	// recognized (banner, MOTD and, when it ends in one, the first
	// prompt), consumed from the Expecter; "" when the profile was known
	// beforehand.
	Login string
	// Warn records a preparation step that failed without making the
	// shell unusable (an on_open command the device rejected), for the
	// log, the session's first result and its listing. Never nil.
	Warn func(msg string)
}

// job is one command as a driver sees it.
type job struct {
	// Command is the text to run, exactly as the caller gave it (it may
	// span lines); the driver appends the line ending.
	Command string
	// Output receives the command's normalized output; never nil.
	Output *expect.Output
	// Secrets answer prompts that belong to the session (sudo, enable).
	Secrets jobSecrets
	// Renamed says the device's host name may have changed since the last
	// command (a configuration transaction committed a new one, or rolled
	// back to an old one): a driver that pins the host name accepts
	// another in this command's prompts and learns it.
	Renamed bool
	// Report tells the command's owner its live status: StatusRunning, or
	// StatusAwaitingInput with the prompt to show. Safe to call often;
	// never nil. The driver must call Report(StatusRunning, "") right
	// after the command text was written: input and Ctrl+C for the command
	// are held back until then, so they never reach the shell before the
	// command does (an enable dialogue before the command is not delayed
	// by them either way).
	Report func(st Status, prompt string)
	// Waiting reports that the program waits at line, an unfinished line
	// no pattern knows, which stays unconsumed (and so out of the output):
	// awaiting_input, with line as the prompt and the partial line.
	Waiting func(line string)
	// Interrupted reports whether Ctrl+C was sent on the caller's request,
	// so that a driver can tell a requested interrupt from a wrong secret.
	Interrupted func() bool
	// InputSent reports whether the caller sent input during the command:
	// input the program did not read is left for the shell, which may run
	// it after the command ended. Never nil.
	InputSent func() bool
	// Ending tells the command's owner that the driver saw the command
	// end, before any resynchronization with the shell: from then on no
	// Ctrl+C or input is written for it (it would reach the shell). A key
	// written before the call returns is reflected by Interrupted and
	// InputSent after it. Optional for a driver; never nil.
	Ending func()
}

// jobSecrets are the secrets a command may use, already defaulted from the
// target.
type jobSecrets struct {
	Sudo          string // "" means none: sudo's prompt becomes awaiting_input
	Su            string // answers su's password prompt for a command that is su; "" means none
	SudoMissing   error  // why the configured sudo password is unavailable; nil when none was configured or it was found
	Enable        string // "" means none
	EnableMissing error  // why the configured enable secret is unavailable; nil when none was configured or it was found
	EnableCommand string // never "": defaults to "enable"
}

// jobResult is how a command ended when the shell survived it.
type jobResult struct {
	// ExitCode is the exit status; nil when the shell cannot report it.
	ExitCode *int
	// ErrorLine is a device error line that matched the profile's errors.
	ErrorLine string
	// Err is a failure of the machinery during the command that left the
	// shell usable (ErrSudo, ErrPrivilege); the command then counts as
	// failed.
	Err error
	// Interrupted says the command was cut short by Ctrl+C and did not
	// report an exit status of its own: it ends as interrupted.
	Interrupted bool
	// Note tells people something the session did beside running the
	// command ("entered a nested bash shell as root"); "" means nothing.
	Note string
}

// driverState is where a shell stands between commands.
type driverState struct {
	Cwd        string // working directory (marker profiles)
	Mode       string // mode name (prompt profiles)
	Prompt     string // the prompt as last seen (prompt profiles)
	Privileged bool   // the current mode counts as privileged
	// User and Shell are who runs the current shell and which it is, as
	// the prepared shell reported them (marker profiles); Depth counts
	// the shells it runs inside of within the session (0: the login
	// shell, or what replaced it).
	User, Shell string
	Depth       int
	// PID is the process ID of the session's login shell on the host, for
	// hanging it up out of band; 0 when unknown.
	PID int
	// Fallback is non-empty when the driver could not prepare the shell
	// and completes commands by matching a generic prompt; it says why.
	Fallback string
}

// drivers maps a profile's completion strategy to the constructor of the
// driver that implements it. Each driver's file registers itself in init().
// A constructor gets the profile the shell will be driven with; it must not
// block or start goroutines.
var drivers = map[profiles.Completion]func(p *profiles.Profile) driver{}
