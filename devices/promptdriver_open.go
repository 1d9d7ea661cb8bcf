package devices

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// loginPagerLimit bounds how many pages of login text (a banner sent
// through more) are answered before the first prompt: a device that pages
// for ever is not logging in.
const loginPagerLimit = 100

// LoginError means that a shell printed text at login, but none of the
// profile's mode prompts appeared at its end in time: the profile does not
// fit the device (a router's profile named for a Linux host), or its mode
// prompts do not match this device's prompt. The host itself answered. It
// wraps ErrTimeout.
type LoginError struct {
	Profile  string        // the profile whose prompts were awaited
	LastLine string        // the last line that arrived, trimmed
	Tail     string        // the end of what arrived, at most about 500 bytes
	Elapsed  time.Duration // how long the wait lasted
	Err      error         // the wait's own error, wrapping ErrTimeout
}

func (e *LoginError) Error() string {
	return fmt.Sprintf("the login prompt did not match profile %s: last line was %q (waited %s for one of its mode prompts)",
		e.Profile, e.LastLine, e.Elapsed.Round(time.Millisecond))
}

func (e *LoginError) Unwrap() error { return e.Err }

// open waits for the first prompt, learns the hostname and the mode from
// it, and runs the profile's preparation steps (pager off, wide terminal).
// A preparation step the device answers with one of the profile's error
// lines is reported through env.Warn; the shell stays usable.
func (d *promptDriver) open(ctx context.Context, env driverEnv) (string, error) {
	d.e = env.Expecter
	m, ok := loginPrompt(d.profile, env.Login)
	if !ok {
		var err error
		if m, err = d.awaitFirstPrompt(ctx); err != nil {
			return "", err
		}
		m.Before = env.Login + m.Before
	}
	if err := d.learn(m.Index, m.Text); err != nil {
		return "", err
	}
	login := m.Before
	if err := d.leaveLanding(ctx); err != nil {
		return "", err
	}
	for i, st := range d.profile.OnOpen {
		got, err := d.step(ctx, st, jobSecrets{EnableCommand: profiles.DefaultEnableCommand})
		if err != nil {
			return "", fmt.Errorf("prepare session (on_open step %d, %q): %w", i+1, strings.TrimSpace(st.Send), err)
		}
		if line := errorLine(d.profile, got.Before); line != "" && env.Warn != nil {
			env.Warn(fmt.Sprintf("on_open step %d %q failed: %s", i+1, strings.TrimSpace(st.Send), line))
		}
	}
	return login, nil
}

// awaitFirstPrompt waits for one of the profile's mode prompts, answering
// its pagers on the way (a greeting sent through more) at most
// loginPagerLimit times. It returns the prompt's match with all the text
// before it. The wait is bounded by promptLoginTimeout and, when sooner,
// ctx's deadline: the caller's timeout. A wait that saw text but no prompt
// ends in a *LoginError.
func (d *promptDriver) awaitFirstPrompt(ctx context.Context) (expect.Match, error) {
	start := time.Now()
	wait := waitWithin(ctx, promptLoginTimeout)
	prompts := d.genericPrompts()
	patterns := prompts
	for _, pg := range d.profile.Pagers {
		patterns = append(patterns, pg.Pattern)
	}
	var before strings.Builder
	for pages := 0; ; pages++ {
		left := wait - time.Since(start)
		if left <= 0 {
			left = time.Millisecond // one last look at what arrived
		}
		m, err := d.e.Expect(ctx, patterns, expect.ExpectOptions{Timeout: left})
		if err != nil {
			return expect.Match{}, d.loginErr(err, time.Since(start))
		}
		before.WriteString(m.Before)
		if m.Index < len(prompts) {
			m.Before = before.String()
			return m, nil
		}
		if pages >= loginPagerLimit {
			return expect.Match{}, fmt.Errorf("%w: the login showed the pager %d times without reaching a %s prompt; last line %q",
				ErrTimeout, pages, d.profile.Name, strings.TrimSpace(m.Text))
		}
		if err := d.e.Send(ctx, d.profile.Pagers[m.Index-len(prompts)].Key); err != nil {
			return expect.Match{}, fmt.Errorf("answer the pager at login: %w", expectErr(err))
		}
	}
}

// loginErr explains a wait for the first prompt that ended without one:
// a *LoginError when text arrived (the device answered, its prompt is not
// the profile's), else the timeout as it is (nothing came back).
func (d *promptDriver) loginErr(err error, waited time.Duration) error {
	var te *expect.TimeoutError
	seen := ""
	switch {
	case errors.As(err, &te):
		seen = te.Tail
	case errors.Is(err, context.DeadlineExceeded):
		seen = tail(d.e.Pending(), 500)
	}
	if strings.TrimSpace(seen) == "" {
		return fmt.Errorf("wait for the first %s prompt: %w", d.profile.Name, expectErr(err))
	}
	return &LoginError{Profile: d.profile.Name, LastLine: lastLine(seen), Tail: seen, Elapsed: waited, Err: expectErr(err)}
}

// loginPrompt finds one of p's mode prompts as the last line of login,
// text already read while the profile was being recognized, and returns
// the match a wait for it would have made.
func loginPrompt(p *profiles.Profile, login string) (expect.Match, bool) {
	cut := strings.LastIndexByte(login, '\n') + 1
	line := login[cut:]
	if strings.TrimSpace(line) == "" {
		return expect.Match{}, false
	}
	for i, m := range p.Modes {
		if m.Prompt.Regexp != nil && m.Prompt.Regexp.MatchString(line) {
			return expect.Match{Index: i, Before: login[:cut], Text: line, Groups: []string{line}}, true
		}
	}
	return expect.Match{}, false
}

// errorLine returns the first line of out that one of p's error patterns
// matches, trimmed; "" when none does.
func errorLine(p *profiles.Profile, out string) string {
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\r\n")
		for _, pat := range p.Errors {
			if pat.Regexp != nil && pat.Regexp.MatchString(line) {
				return strings.TrimSpace(line)
			}
		}
	}
	return ""
}

// leaveLanding moves from where a login landed to the profile's first mode
// when the landing mode is an unprivileged side door (a Junos root login
// lands in the FreeBSD shell). A privileged landing (an IOS user with
// privilege 15) is kept: leaving it would drop privileges.
func (d *promptDriver) leaveLanding(ctx context.Context) error {
	if d.mode == 0 || d.profile.Modes[d.mode].Privileged {
		return nil
	}
	path, err := d.profile.Path(d.profile.Modes[d.mode].Name, d.profile.Modes[0].Name)
	if err != nil {
		return nil // no way out: stay where the login landed
	}
	for _, tr := range path {
		for _, st := range tr.Steps {
			if _, err := d.step(ctx, st, jobSecrets{EnableCommand: profiles.DefaultEnableCommand}); err != nil {
				return fmt.Errorf("leave %s mode for %s: %w", d.profile.Modes[d.mode].Name, d.profile.Modes[0].Name, err)
			}
		}
	}
	return nil
}
