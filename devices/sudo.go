package devices

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// errSudoRejected is the command's Err when sudo asked again after the
// password was given.
var errSudoRejected = fmt.Errorf("%w: sudo rejected the password", ErrSudo)

// sudoAnswer answers the session's own sudo prompt during one command. The
// prepared shell exports SUDO_PROMPT with a random text, so only a real sudo
// of this shell (in a pipeline, a subshell, a script) prints it; ordinary
// output that says "password for" is never answered.
type sudoAnswer struct {
	secret string // "" means none: the prompt becomes awaiting_input
	user   string // the login user, for the prompt shown to people
	// verify returns nil when sudo itself asks, from the terminal; an
	// error says why the prompt is left to the caller instead.
	verify func(context.Context) error

	answered   bool
	answeredAt int64 // Output length when the password was sent
	err        error // errSudoRejected once sudo asked again
	kicks      int   // Ctrl+C sent again to a sudo that outlived the first
}

// After a rejected password, sudo ends on the Ctrl+C that abandons it.
// Should it still ask sudoAbandonWait later (the keystroke lost, or sudo
// past the point where it reads it), a look at the terminal decides: while
// a sudo is still in its foreground, Ctrl+C goes again, at most sudoKicks
// times, so the command does not wait at a prompt nobody will answer.
const (
	sudoAbandonWait = 5 * time.Second
	sudoKicks       = 3
)

// kickSudo sends Ctrl+C again when sudo is still in the foreground of the
// session's terminal after the Ctrl+C that abandoned it. An error means
// the shell is lost.
func (d *posixDriver) kickSudo(ctx context.Context) error {
	if err := verifySudo(ctx, d.probe, d.curPID); err != nil {
		d.log.Info("no answer after abandoning a rejected sudo password, and no sudo asks any more", "check", err)
		return nil
	}
	d.log.Warn("sudo still asks after the Ctrl+C that abandoned a rejected password; sending Ctrl+C again", "tail", tail(d.e.Pending(), 200))
	return expectErr(d.e.Interrupt(ctx))
}

// prompted handles one appearance of the sudo prompt. With a password it
// answers once; a second prompt right after the answer (at most sudo's one
// line of complaint in between) means the password was wrong: Ctrl+C ends
// sudo at once instead of letting it ask three times, and the command will
// report errSudoRejected. Without a password the command waits for input,
// showing sudo's usual prompt rather than our private text.
func (s *sudoAnswer) prompted(ctx context.Context, e *expect.Expecter, j *job, asked string) error {
	if s.err != nil {
		return nil // rejected and interrupted already; wait for the marker
	}
	if s.answered && s.rejected(j.Output) {
		s.err = errSudoRejected
		return e.Interrupt(ctx)
	}
	who := asked
	if who == "" {
		who = s.user
	}
	prompt := fmt.Sprintf("[sudo] password for %s:", who)
	if s.secret == "" {
		if j.Secrets.SudoMissing != nil {
			prompt += fmt.Sprintf(" (not answered: %v)", j.Secrets.SudoMissing)
		}
		j.Report(StatusAwaitingInput, prompt)
		return nil
	}
	if asked != "" && asked != s.user {
		// the password at hand is the login user's; sudo wants another's
		// (a nested shell as another user, or a forged prompt)
		j.Report(StatusAwaitingInput, fmt.Sprintf("%s (%v: sudo asks for %s's password, and the one given is %s's)", prompt, errSudoUnverified, asked, s.user))
		return nil
	}
	if err := s.verify(ctx); err != nil {
		j.Report(StatusAwaitingInput, fmt.Sprintf("%s (%v)", prompt, err))
		return nil
	}
	s.answered, s.answeredAt = true, j.Output.Len()
	if err := e.SendSecret(ctx, s.secret+"\n"); err != nil {
		return err
	}
	return s.swallowNewline(ctx, e, j)
}

// rejected reports whether the output since the answer is exactly sudo's
// complaint: one line saying "Sorry, try again." (in English, or a
// translation, which also ends in a full stop). Any other output between
// two prompts is a second sudo of the same command line, answered again.
func (s *sudoAnswer) rejected(out *expect.Output) bool {
	text, _, err := out.ReadAt(s.answeredAt, 1024)
	if err != nil {
		return false
	}
	line := strings.TrimSpace(text)
	if line == "" || strings.Contains(line, "\n") {
		return false
	}
	return strings.Contains(strings.ToLower(line), "try again") || strings.HasSuffix(line, ".")
}

// swallowNewline drops the newline sudo prints after reading the password
// (the terminal does not echo the Enter), so the command's output starts
// where the program's does.
func (s *sudoAnswer) swallowNewline(ctx context.Context, e *expect.Expecter, j *job) error {
	nl := expect.Pattern{Name: "newline", Literal: "\n"}
	m, err := e.Expect(ctx, []expect.Pattern{nl}, expect.ExpectOptions{Timeout: posixInternalTimeout, Capture: j.Output})
	if err != nil {
		if errors.Is(err, expect.ErrTimeout) {
			return nil // sudo is slow to answer; its newline will show in the output
		}
		return err
	}
	if m.Before != "" {
		j.Output.WriteString(m.Before + "\n")
	}
	s.answeredAt = j.Output.Len()
	return nil
}
