package devices

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/cmdline"
	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// A command can start an interactive POSIX shell inside the session
// (`sudo -i`, `su -`, `bash`, `exec zsh`). Such a shell prints no marker,
// so the session would wait on the command until that shell exits. The
// driver recognizes these commands by their text, and once the new shell
// sits quietly at a prompt of its own it prepares it the verified way
// (posixPreparation with markers of its own): the command then completes,
// and later commands run in the nested shell, exactly. Leaving it (`exit`)
// prints the outer shell's marker, which the driver watches for at every
// level below the current one.
//
// Nothing is typed into a program that the command text does not name as a
// POSIX shell: `ssh router`, `python3` or a vendor CLI stay awaiting_input
// for the agent to drive with send_input.

// posixLevel is a prepared shell the session left by starting a nested one.
type posixLevel struct {
	m           posixMarkers
	cwd         string
	user, shell string
	pid         int
}

// nestedMarkers are markers for a shell started inside this one: a token
// of its own, the session's sudo prompt.
func nestedMarkers(outer posixMarkers) posixMarkers {
	m := newPosixMarkers()
	m.sudo, m.sudoPrompt = outer.sudo, outer.sudoPrompt
	return m
}

// enterNested prepares the shell a launch command started, now quiet at
// its prompt. It reports false, with the shell left as it is, when no
// ready marker came (the program was no POSIX shell after all): the
// command then goes on as any other.
//
// A shell merely slow to read what was typed (a loaded host) may still run
// the preparation after it was given up on: pending then holds the
// markers, and the command's wait adopts the shell when one of their ready
// markers comes (adoptNested).
func (d *posixDriver) enterNested(ctx context.Context, l cmdline.Launch, pending *nestedPrep) (string, bool, error) {
	m := nestedMarkers(d.m)
	_, ready, attempts, err := d.prepare(ctx, m)
	if errors.Is(err, errNotPOSIX) {
		d.log.Warn("the started program did not take the shell preparation", "attempts", attempts, "tail", tail(d.e.Pending(), 200))
		*pending = nestedPrep{m: m, attempts: attempts, launch: l}
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return d.adoptNested(ctx, l, m, ready)
}

// nestedPrep is a nested preparation given up on that may still run.
type nestedPrep struct {
	m        posixMarkers
	attempts int // 0: none pending
	launch   cmdline.Launch
}

// readyPatterns is the ready marker of the last attempt made: the shell
// reads the attempts in the order they were typed, so that marker is the
// last of them, and the completion marker after it the shell's prompt.
func (p nestedPrep) readyPatterns() []expect.Pattern {
	if p.attempts == 0 {
		return nil
	}
	return []expect.Pattern{p.m.ready(p.attempts)}
}

// adoptNested makes the shell whose ready marker ready (of markers m) came
// the current one, once its first prompt's marker came too.
func (d *posixDriver) adoptNested(ctx context.Context, l cmdline.Launch, m posixMarkers, ready expect.Match) (string, bool, error) {
	first, err := d.e.Expect(ctx, []expect.Pattern{{Name: "completion marker", Regexp: m.done}}, expect.ExpectOptions{Timeout: posixReadyTimeout})
	if err != nil {
		return "", false, fmt.Errorf("prepare the nested shell: first prompt: %w", err)
	}
	from := d.shellUser
	if !l.Replace {
		d.outer = append(d.outer, posixLevel{m: d.m, cwd: d.cwd, user: d.shellUser, shell: d.shellName, pid: d.curPID})
	}
	d.m, d.cwd, d.shellUser, d.shellName = m, first.Groups[2], ready.Groups[1], ready.Groups[2]
	d.curPID, _ = strconv.Atoi(ready.Groups[3])
	if l.Replace {
		return fmt.Sprintf("the shell was replaced by %s, running as %s; exit ends the session's shell", d.shellName, d.shellUser), true, nil
	}
	return fmt.Sprintf("entered a nested %s shell as %s (depth %d); exit returns to %s's shell", d.shellName, d.shellUser, len(d.outer), from), true, nil
}

// outerPatterns are the completion markers of the shells below the
// current one, outermost first: one of them means the nested shells above
// it ended.
func (d *posixDriver) outerPatterns() []expect.Pattern {
	ps := make([]expect.Pattern, len(d.outer))
	for i, l := range d.outer {
		ps[i] = expect.Pattern{Name: "outer completion marker", Regexp: l.m.done}
	}
	return ps
}

// leaveTo returns to level k after the shells above it ended; m is that
// level's completion marker.
func (d *posixDriver) leaveTo(k int, m expect.Match) (int, string) {
	left := d.shellUser
	l := d.outer[k]
	d.outer = d.outer[:k]
	d.m, d.shellUser, d.shellName, d.cwd, d.curPID = l.m, l.user, l.shell, m.Groups[2], l.pid
	code, _ := strconv.Atoi(m.Groups[1])
	return code, fmt.Sprintf("left the nested shell of %s; back in %s's %s shell (depth %d)", left, d.shellUser, d.shellName, k)
}

// suPrompt is su's question for the target user's password, as the
// unfinished line of a command that is su and printed nothing else. su
// cannot be given a private prompt as sudo can, so the rest of the
// protection is that it is answered once, only for a command that is su,
// only before anything else was printed, and only when a second channel
// shows su in the terminal's foreground.
var suPrompt = regexp.MustCompile(`(?i)^(?:password|passwort|mot de passe|contraseña|senha|密码)[^\n]{0,20}: ?$`)

// suAnswer answers su's password prompt during one command.
type suAnswer struct {
	secret   string
	answered bool
	refused  bool // the prompt failed verification: left to the caller
	// verify returns nil when su itself asks from the terminal.
	verify func(context.Context) error
}

// prompted answers line if it is su's prompt and it may be answered. It
// reports whether it answered.
func (s *suAnswer) prompted(ctx context.Context, e *expect.Expecter, j *job, line string) bool {
	if s.secret == "" || !suPrompt.MatchString(strings.TrimSpace(line)+" ") {
		return false
	}
	if s.refused {
		return true // still the prompt it was not answered at: reported already
	}
	if s.answered || j.Output.Len() != 0 {
		return false
	}
	s.answered = true
	if err := s.verify(ctx); err != nil {
		s.refused = true
		j.Report(StatusAwaitingInput, strings.TrimSpace(line)+" ("+err.Error()+")")
		return true
	}
	e.Discard() // the prompt line: it is no output of the command
	if e.SendSecret(ctx, s.secret+"\n") != nil {
		return false
	}
	// su prints the newline the terminal did not echo
	return (&sudoAnswer{}).swallowNewline(ctx, e, j) == nil
}
