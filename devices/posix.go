package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/cmdline"
	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// Bounds of the POSIX driver's waits. None of them ends a command: a
// command's own wait loops over bounded waits for as long as it runs.
const (
	// posixReadyTimeout is how long the ready marker may take before the
	// driver looks for evidence that the shell will never print it: a
	// prompt of its own at the tail, still there posixPromptGrace later.
	// A shell that is only slow (conda, nvm, pyenv in its startup files,
	// a loaded host) shows no prompt yet and is waited for, up to
	// posixLoginLimit: falling back because a shell was slow would
	// attribute the preparation's late output to the first commands.
	posixReadyTimeout = 15 * time.Second
	posixLoginLimit   = 40 * time.Second // within the session's openBound
	// posixPrepIdle is how long a shell must sit quietly at a prompt of
	// its own, without the ready marker, before the preparation counts as
	// lost: a shell that read it is busy printing prompts and markers.
	posixPrepIdle = 400 * time.Millisecond
	// posixPrepAttempts is how often the preparation is typed in all.
	posixPrepAttempts = 3
	// posixAwaitIdle is how long a command's output must stay quiet at an
	// unfinished line (a REPL's ">>> ", a question no profile knows)
	// before the command counts as awaiting input.
	posixAwaitIdle = 200 * time.Millisecond
	// posixWaitSlice is one bounded wait inside a command's wait loop.
	posixWaitSlice = time.Minute
	// posixInternalTimeout bounds internal commands such as the cd of a
	// restore.
	posixInternalTimeout = 10 * time.Second
)

// genericPrompt is the fallback completion for a shell that could not be
// prepared and whose profile names no prompt: a line ending in one of the
// usual prompt characters.
var genericPrompt = expect.Pattern{Name: "generic prompt", Regexp: regexp.MustCompile(`(?m)^[^\n]{0,200}[$#%>❯»] ?\z`)}

func init() {
	drivers[profiles.Completion("marker")] = newPosixDriver
}

// posixDriver drives bash, zsh, dash and busybox ash through markers the
// prepared shell prints before every prompt (see posixPreparation).
type posixDriver struct {
	profile *profiles.Profile
	m       posixMarkers
	e       *expect.Expecter
	inputs  expect.Pattern // the profile's input prompts as one regexp; Regexp nil when none
	user    string         // login user, for sudo's prompt as shown to people
	log     *slog.Logger
	cwd     string
	reason  string // non-empty: fallback to prompt matching, and why
	attempt int    // the attempts the login shell's preparation took
	pid     int    // the login shell's process ID on the host; 0 when unknown
	curPID  int    // the current (possibly nested) shell's process ID; 0 when unknown
	probe   func(context.Context, string) (string, error)

	shellUser, shellName string       // as the current prepared shell reported them
	outer                []posixLevel // the shells below the current one, outermost first
}

func newPosixDriver(p *profiles.Profile) driver {
	return &posixDriver{profile: p, m: newPosixMarkers(), inputs: anyOf("input prompt", p.InputPrompts)}
}

// anyOf joins patterns into one alternation, so that a wait scans its
// window once for all of them instead of once per pattern: large outputs
// are searched chunk after chunk. Each alternative keeps its own flags.
// A list that does not compile as one (it always should) falls back to
// its first pattern's rules by returning the zero Pattern.
func anyOf(name string, ps []expect.Pattern) expect.Pattern {
	if len(ps) == 0 {
		return expect.Pattern{}
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		if p.Regexp != nil {
			parts[i] = "(?:" + p.Regexp.String() + ")"
		} else {
			parts[i] = regexp.QuoteMeta(p.Literal)
		}
	}
	re, err := regexp.Compile(strings.Join(parts, "|"))
	if err != nil {
		return expect.Pattern{}
	}
	return expect.Pattern{Name: name, Regexp: re}
}

// open types the preparation at once (the shell reads typed-ahead input
// when it is ready) and waits for the ready marker and the first prompt
// marker after it.
func (d *posixDriver) open(ctx context.Context, env driverEnv) (string, error) {
	d.e, d.user, d.log, d.probe = env.Expecter, env.Target.User, env.Logger, env.Probe
	login, m, attempts, err := d.prepare(ctx, d.m)
	d.attempt = attempts
	switch {
	case errors.Is(err, errNotPOSIX):
		d.reason = "the shell shows its own prompt but did not run the preparation (not a POSIX shell, or a menu at login); completion falls back to prompt matching and exit statuses are unknown"
		env.Logger.Warn("shell not prepared", "reason", d.reason, "attempts", attempts, "tail", tail(d.e.Pending(), 200))
		return login + d.e.Discard(), nil
	case err != nil:
		return "", fmt.Errorf("prepare shell: %w", expectErr(err))
	}
	d.shellUser, d.shellName = m.Groups[1], m.Groups[2]
	d.pid, _ = strconv.Atoi(m.Groups[3])
	d.curPID = d.pid
	first, err := d.e.Expect(ctx, []expect.Pattern{d.donePattern()}, expect.ExpectOptions{Timeout: posixReadyTimeout})
	if err != nil {
		return "", fmt.Errorf("prepare shell: first prompt: %w", expectErr(err))
	}
	d.cwd = first.Groups[2]
	return login, nil
}

// errNotPOSIX: the shell is at a prompt of its own and ignored the
// preparation.
var errNotPOSIX = errors.New("shell did not run the preparation")

// errPrepLost: the shell shows a prompt of its own and is waiting for
// input, but printed no ready marker: what was typed ahead was lost (a
// shell that flushes input while its line editor starts) or garbled into a
// syntax error.
var errPrepLost = errors.New("shell lost the typed-ahead preparation")

// prepare types the preparation with markers m and waits for its ready
// marker. A shell that shows its own prompt instead, and waits, lost what
// was typed (or is no POSIX shell): the preparation is typed again, up to
// posixPrepAttempts times in all, and only then does it give up
// (errNotPOSIX). It returns the login text seen before the marker and how
// many attempts it made.
func (d *posixDriver) prepare(ctx context.Context, m posixMarkers) (string, expect.Match, int, error) {
	var login strings.Builder
	start := time.Now()
	for attempt := 1; ; attempt++ {
		if err := d.e.Send(ctx, posixPreparation(m, d.profile.Env, attempt)); err != nil {
			return login.String(), expect.Match{}, attempt, err
		}
		ready, err := d.awaitReady(ctx, m.ready(attempt), start, &login)
		if !errors.Is(err, errPrepLost) {
			return login.String(), ready, attempt, err
		}
		if attempt == posixPrepAttempts {
			return login.String(), ready, attempt, errNotPOSIX
		}
		d.log.Info("shell lost the typed-ahead preparation; typing it again", "attempt", attempt+1, "tail", tail(d.e.Pending(), 200))
	}
}

// awaitReady waits for the ready marker, writing what came before it to
// login. It gives up early only on evidence: the stream went quiet at a
// prompt of the shell's own (errPrepLost). Without a prompt the shell is
// still starting (conda, nvm, pyenv in its startup files, a loaded host),
// and it is waited for up to posixLoginLimit: falling back because a
// shell was slow would attribute the preparation's late output to the
// first commands.
func (d *posixDriver) awaitReady(ctx context.Context, ready expect.Pattern, start time.Time, login *strings.Builder) (expect.Match, error) {
	for {
		m, err := d.e.Expect(ctx, []expect.Pattern{ready}, expect.ExpectOptions{Timeout: posixReadyTimeout, Idle: posixPrepIdle})
		login.WriteString(m.Before)
		switch {
		case err == nil && m.Index == expect.IdleIndex:
			if atTail(d.fallbackPrompt(), d.e.Pending()) {
				return m, errPrepLost
			}
		case !errors.Is(err, expect.ErrTimeout):
			return m, err
		case time.Since(start) >= posixLoginLimit:
			return m, err
		}
	}
}

func (d *posixDriver) donePattern() expect.Pattern {
	return expect.Pattern{Name: "completion marker", Regexp: d.m.done}
}

func (d *posixDriver) state() driverState {
	return driverState{Cwd: d.cwd, Fallback: d.reason, User: d.shellUser, Shell: d.shellName, Depth: len(d.outer), PID: d.pid}
}

// run sends the command alone, so that a program reading stdin sees
// nothing we typed, and waits for the marker the shell prints only once
// the command ended.
func (d *posixDriver) run(ctx context.Context, j *job) (jobResult, error) {
	if d.reason != "" {
		return d.runFallback(ctx, j)
	}
	d.e.Discard() // a background job's late output belongs to no command
	if err := d.e.Send(ctx, commandLine(j.Command)); err != nil {
		return jobResult{}, expectErr(err)
	}
	j.Report(StatusRunning, "")
	res, err := d.wait(ctx, j)
	if err == nil {
		j.Ending()
	}
	if err == nil && (j.Interrupted() || j.InputSent() || res.Err != nil || strings.Contains(j.Command, "stty")) {
		// a Ctrl+C that reached the shell just after the command ended,
		// or input the program left unread, makes the shell print more
		// markers; an stty or an interrupted program may have left the
		// terminal echoing: settle both before the next command
		err = d.sync(ctx)
	}
	return res, err
}

// commandLine is what is typed for a command: one line, or a brace group
// when it spans lines, so that the shell prints one marker for all of it
// (each line would otherwise be a command of its own with its own
// prompt). Trailing line endings are dropped: an empty line would print a
// marker of its own.
func commandLine(cmd string) string {
	cmd = strings.TrimRight(cmd, "\r\n")
	if strings.ContainsAny(cmd, "\r\n") {
		return "{\n" + cmd + "\n}\n"
	}
	return cmd + "\n"
}

// wait follows a sent command to its marker, answering the session's sudo
// prompt and reporting input prompts on the way. A command that starts a
// POSIX shell ends once that shell is prepared (enterNested); a marker of
// a shell below the current one ends it too (the nested shell exited).
func (d *posixDriver) wait(ctx context.Context, j *job) (jobResult, error) {
	patterns := []expect.Pattern{d.donePattern(), {Name: "sudo prompt", Regexp: d.m.sudoPrompt}}
	if d.inputs.Regexp != nil {
		patterns = append(patterns, d.inputs)
	}
	outerAt := len(patterns)
	patterns = append(patterns, d.outerPatterns()...)
	lateAt := len(patterns) // ready markers of a nested preparation given up on
	var pending nestedPrep
	launch, launches := cmdline.ShellLaunch(j.Command)
	s := sudoAnswer{secret: j.Secrets.Sudo, user: d.user,
		verify: func(ctx context.Context) error { return verifySudo(ctx, d.probe, d.curPID) }}
	su := suAnswer{secret: j.Secrets.Su, verify: func(ctx context.Context) error { return verifyAsker(ctx, d.probe, d.curPID, "su") }}
	for {
		slice := posixWaitSlice
		if s.err != nil && s.kicks < sudoKicks {
			slice = sudoAbandonWait
		}
		m, err := d.e.Expect(ctx, patterns, expect.ExpectOptions{Timeout: slice, Capture: j.Output, Idle: posixAwaitIdle})
		if errors.Is(err, expect.ErrTimeout) {
			if s.err != nil && s.kicks < sudoKicks {
				s.kicks++
				if err := d.kickSudo(ctx); err != nil {
					return jobResult{}, err
				}
			}
			continue // a long command is not a failure: never give up on our own
		}
		if err != nil {
			return jobResult{}, expectErr(err)
		}
		switch {
		case m.Index == expect.IdleIndex:
			if launches && launch.Su && su.prompted(ctx, d.e, j, m.Text) {
				continue
			}
			if launches && atTail(genericPrompt, m.Text) {
				launches = false // typed into it once, never again
				note, ok, err := d.enterNested(ctx, launch, &pending)
				if err != nil {
					return jobResult{}, expectErr(err)
				}
				if ok {
					zero := 0
					return jobResult{ExitCode: &zero, Note: note}, nil
				}
				patterns = append(patterns[:lateAt], pending.readyPatterns()...)
			}
			// the line stays unconsumed: it is the prompt's start if a
			// pattern completes it, and shown as the partial line
			j.Waiting(m.Text)
		case m.Index == 0:
			j.Output.WriteString(m.Before)
			code, _ := strconv.Atoi(m.Groups[1])
			d.cwd = m.Groups[2]
			return jobResult{ExitCode: &code, Err: s.err}, nil
		case m.Index == 1:
			j.Output.WriteString(m.Before)
			if err := s.prompted(ctx, d.e, j, m.Groups[1]); err != nil {
				return jobResult{}, expectErr(err)
			}
		case m.Index >= lateAt:
			// the nested shell ran the preparation after all
			note, ok, err := d.adoptNested(ctx, pending.launch, pending.m, m)
			if err != nil {
				return jobResult{}, expectErr(err)
			}
			if ok {
				zero := 0
				return jobResult{ExitCode: &zero, Note: note}, nil
			}
		case m.Index >= outerAt:
			j.Output.WriteString(m.Before)
			code, note := d.leaveTo(m.Index-outerAt, m)
			return jobResult{ExitCode: &code, Note: note}, nil
		default:
			if launches && launch.Su && su.prompted(ctx, d.e, j, m.Before+m.Text) {
				continue
			}
			j.Output.WriteString(m.Before + m.Text)
			j.Report(StatusAwaitingInput, lastLine(m.Before+m.Text))
		}
	}
}

// runFallback runs a command on a shell that could not be prepared: the
// echo is removed by the expecter and the profile's prompt ends it.
func (d *posixDriver) runFallback(ctx context.Context, j *job) (jobResult, error) {
	d.e.Discard()
	if err := d.e.Send(ctx, j.Command+"\n"); err != nil {
		return jobResult{}, expectErr(err)
	}
	j.Report(StatusRunning, "")
	// the marker too: a login that was only slow runs the preparation
	// late, and from then on the shell is prepared after all
	patterns := []expect.Pattern{d.fallbackPrompt(), d.donePattern(), d.m.ready(d.attempt)}
	if d.inputs.Regexp != nil {
		patterns = append(patterns, d.inputs)
	}
	echo := j.Command
	prepMarker := false // the next marker ends the late preparation, not the command
	for {
		m, err := d.e.Expect(ctx, patterns, expect.ExpectOptions{Timeout: posixWaitSlice, Capture: j.Output, Echo: echo})
		echo = "" // the echo comes once
		if errors.Is(err, expect.ErrTimeout) {
			continue
		}
		if err != nil {
			return jobResult{}, expectErr(err)
		}
		switch m.Index {
		case 0:
			j.Output.WriteString(strings.TrimSuffix(m.Before, "\n"))
			return jobResult{}, nil
		case 1:
			d.reason, d.cwd = "", m.Groups[2]
			if prepMarker {
				prepMarker = false
				continue
			}
			j.Output.WriteString(m.Before)
			code, _ := strconv.Atoi(m.Groups[1])
			return jobResult{ExitCode: &code}, nil
		case 2:
			prepMarker = true
			continue
		}
		j.Output.WriteString(m.Before + m.Text)
		j.Report(StatusAwaitingInput, lastLine(m.Before+m.Text))
	}
}

// atTail reports whether p matches the end of s's last 512 bytes.
func atTail(p expect.Pattern, s string) bool {
	s = tail(s, 512)
	if p.Regexp != nil {
		return p.Regexp.MatchString(s)
	}
	return p.Literal != "" && strings.HasSuffix(s, p.Literal)
}

// fallbackPrompt is the first mode prompt of the profile, or a generic one.
func (d *posixDriver) fallbackPrompt() expect.Pattern {
	if len(d.profile.Modes) > 0 && (d.profile.Modes[0].Prompt.Regexp != nil || d.profile.Modes[0].Prompt.Literal != "") {
		return d.profile.Modes[0].Prompt
	}
	return genericPrompt
}

// restore changes back to the previous working directory.
func (d *posixDriver) restore(ctx context.Context, prev driverState, _ jobSecrets) ([]string, error) {
	if d.reason != "" || prev.Cwd == "" || prev.Cwd == d.cwd {
		return nil, nil
	}
	code, err := d.internal(ctx, cdLine(prev.Cwd))
	if err != nil {
		return nil, err
	}
	if code != 0 || d.cwd != prev.Cwd {
		return nil, nil // the directory is gone: the home directory will do
	}
	return []string{"cwd " + prev.Cwd}, nil
}

// internal runs a short command of our own and discards its output.
func (d *posixDriver) internal(ctx context.Context, line string) (int, error) {
	d.e.Discard()
	if err := d.e.Send(ctx, line+"\n"); err != nil {
		return 0, expectErr(err)
	}
	m, err := d.e.Expect(ctx, []expect.Pattern{d.donePattern()}, expect.ExpectOptions{Timeout: posixInternalTimeout})
	if err != nil {
		return 0, expectErr(err)
	}
	code, _ := strconv.Atoi(m.Groups[1])
	d.cwd = m.Groups[2]
	return code, nil
}

// sync turns the terminal's echo off again and prints a fresh random text,
// and waits for it and the marker after it, consuming any marker left over
// from a Ctrl+C or unread input.
func (d *posixDriver) sync(ctx context.Context) error {
	nonce := randomHex(8)
	// the printed text carries \x1e, which the typed line (octal escapes)
	// cannot, so only the output matches, even while the terminal echoes
	if err := d.e.Send(ctx, " stty -echo 2>/dev/null; printf '\\036sync-%s\\037' "+nonce+"\n"); err != nil {
		return expectErr(err)
	}
	synced := expect.Pattern{Name: "sync", Regexp: regexp.MustCompile("\x1esync-" + nonce + "\x1f")}
	for _, p := range []expect.Pattern{synced, d.donePattern()} {
		m, err := d.e.Expect(ctx, []expect.Pattern{p}, expect.ExpectOptions{Timeout: posixInternalTimeout})
		if err != nil {
			return fmt.Errorf("resynchronize with the shell after an interrupt: %w", expectErr(err))
		}
		if p.Regexp == d.m.done {
			d.cwd = m.Groups[2]
		}
	}
	return nil
}

// expectErr maps the engine's sentinels onto this package's, keeping the
// evidence (the engine's error stays in the chain).
func expectErr(err error) error {
	switch {
	case errors.Is(err, expect.ErrClosed):
		return fmt.Errorf("%w: the shell ended: %w", ErrClosed, err)
	case errors.Is(err, expect.ErrTimeout):
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

// lastLine returns the last non-empty line of s, trimmed.
func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// tail returns at most the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
