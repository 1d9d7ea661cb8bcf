package devices

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// Bounds of the prompt driver's waits. None of them ends a command: a
// command's wait loops over bounded slices for as long as it runs.
const (
	// promptLoginTimeout bounds the wait for the first prompt after login
	// (a slow AAA server can take seconds).
	promptLoginTimeout = 30 * time.Second
	// promptStepTimeout bounds each step of a dialogue of our own
	// (session preparation, enable, configuration mode).
	promptStepTimeout = 15 * time.Second
	// promptWaitSlice is one bounded wait inside a command's wait loop.
	promptWaitSlice = time.Minute
)

func init() {
	drivers[profiles.CompletionPrompt] = newPromptDriver
}

// promptDriver drives a network device's CLI: a command is complete when
// one of the profile's mode prompts, rebuilt with the hostname learned at
// login, stands at the tail of the stream after the command's echo.
type promptDriver struct {
	profile *profiles.Profile
	e       *expect.Expecter
	host    string           // hostname learned from the last prompt
	partial bool             // host may be cut short (IOS shortens it in configuration prompts)
	mode    int              // index of the current mode in profile.Modes
	prompt  string           // the last prompt as printed
	learned []expect.Pattern // mode prompts for host, by mode index
}

func newPromptDriver(p *profiles.Profile) driver {
	return &promptDriver{profile: p}
}

func (d *promptDriver) state() driverState {
	if len(d.profile.Modes) == 0 {
		return driverState{}
	}
	mode := d.profile.Modes[d.mode]
	return driverState{Mode: mode.Name, Prompt: d.prompt, Privileged: mode.Privileged}
}

// genericPrompts are the profile's mode prompts as written, for any host.
func (d *promptDriver) genericPrompts() []expect.Pattern {
	ps := make([]expect.Pattern, len(d.profile.Modes))
	for i, m := range d.profile.Modes {
		ps[i] = m.Prompt
	}
	return ps
}

// learn records the mode whose prompt matched and rebuilds the learned
// prompts when the hostname in it changed. A mode whose prompt may show a
// shortened hostname (MinHostLength) does not replace a longer name it is a
// prefix of; a name first learned from such a prompt stays partial, and the
// generic prompts keep ending commands until a full prompt is seen.
func (d *promptDriver) learn(mode int, text string) error {
	d.mode, d.prompt = mode, strings.TrimSpace(lastLine(text))
	m := d.profile.Modes[mode]
	host := promptHost(m.Prompt, text)
	if host == "" || !d.profile.PinHostname {
		return nil
	}
	short := m.MinHostLength > 0
	if short && d.host != "" && strings.HasPrefix(d.host, host) {
		return nil
	}
	if host == d.host && d.learned != nil && d.partial == short {
		return nil
	}
	learned := make([]expect.Pattern, len(d.profile.Modes))
	for i, mm := range d.profile.Modes {
		p, err := mm.PromptFor(host)
		if err != nil {
			return fmt.Errorf("profile %s: mode %s: %w", d.profile.Name, mm.Name, err)
		}
		learned[i] = p
	}
	d.host, d.learned, d.partial = host, learned, short
	return nil
}

// promptHost returns the text of the prompt's "host" group in text.
func promptHost(p expect.Pattern, text string) string {
	if p.Regexp == nil {
		return ""
	}
	i := p.Regexp.SubexpIndex("host")
	sm := p.Regexp.FindStringSubmatch(text)
	if i <= 0 || sm == nil {
		return ""
	}
	return sm[i]
}

// step runs one dialogue step of our own and learns the mode of the prompt
// it ends on, if it ends on one.
func (d *promptDriver) step(ctx context.Context, st expect.Step, s jobSecrets) (expect.Match, error) {
	ms, err := d.e.Batch(ctx, []expect.Step{st}, promptStepTimeout, s.refs())
	if err != nil {
		return expect.Match{}, expectErr(err)
	}
	if len(ms) == 0 {
		return expect.Match{}, nil
	}
	last := ms[len(ms)-1]
	for i, p := range d.genericPrompts() {
		if p.Regexp != nil && p.Regexp.MatchString(last.Text) {
			return last, d.learn(i, last.Text)
		}
	}
	return last, nil
}

// refs are the secret references a profile's steps may name.
func (s jobSecrets) refs() map[string]string {
	return map[string]string{
		profiles.SecretEnable:        s.Enable,
		profiles.SecretEnableCommand: s.EnableCommand,
		profiles.SecretSudoPassword:  s.Sudo,
	}
}

// privilegedMode returns the first privileged mode reachable from the
// current one, and the path to it.
func (d *promptDriver) privilegedMode() ([]profiles.Transition, bool) {
	from := d.profile.Modes[d.mode].Name
	for _, m := range d.profile.Modes {
		if !m.Privileged || m.Name == from {
			continue
		}
		if path, err := d.profile.Path(from, m.Name); err == nil {
			return path, true
		}
	}
	return nil, false
}

// escalate walks to a privileged mode with the enable secret. It is a no-op
// when the current mode is privileged or no secret was given. When the
// config file's enable secret gave nothing, a command that would have been
// raised fails saying which reference, rather than run unprivileged.
func (d *promptDriver) escalate(ctx context.Context, s jobSecrets) error {
	if len(d.profile.Modes) == 0 || d.profile.Modes[d.mode].Privileged {
		return nil
	}
	if s.Enable == "" && s.EnableMissing == nil {
		return nil
	}
	path, ok := d.privilegedMode()
	if !ok {
		return nil // the platform has no privileged mode to reach (Junos)
	}
	if s.Enable == "" {
		return fmt.Errorf("%w: the command was not run, rather than run unprivileged in %s mode: %w", ErrPrivilege, d.profile.Modes[d.mode].Name, s.EnableMissing)
	}
	d.e.Discard()
	for _, tr := range path {
		for _, st := range tr.Steps {
			if _, err := d.step(ctx, st, s); err != nil {
				return d.abandon(ctx, err)
			}
		}
	}
	if !d.profile.Modes[d.mode].Privileged {
		return fmt.Errorf("%w: still at %q after %s", ErrPrivilege, d.prompt, s.EnableCommand)
	}
	return nil
}

// abandon ends a failed privilege dialogue: the device may still sit at its
// password prompt, so Ctrl+C takes it back to a mode prompt before the
// failure is reported. An error wrapping ErrClosed means the shell is gone.
func (d *promptDriver) abandon(ctx context.Context, cause error) error {
	if errors.Is(cause, ErrClosed) {
		return cause
	}
	if err := d.e.Interrupt(ctx); err != nil {
		return expectErr(err)
	}
	m, err := d.e.Expect(ctx, d.genericPrompts(), expect.ExpectOptions{Timeout: promptStepTimeout})
	if err != nil {
		return fmt.Errorf("%w: no prompt after abandoning the enable dialogue: %w", ErrClosed, expectErr(err))
	}
	if err := d.learn(m.Index, m.Text); err != nil {
		return err
	}
	var de *expect.DialogueError
	if errors.As(cause, &de) {
		return fmt.Errorf("%w: %s (device said %q)", ErrPrivilege, de.Message, tail(de.Tail, 200))
	}
	return fmt.Errorf("%w: %w", ErrPrivilege, cause)
}

// restore raises the privilege level again after a reconnect when the old
// shell was privileged and a secret is at hand.
func (d *promptDriver) restore(ctx context.Context, prev driverState, s jobSecrets) ([]string, error) {
	if !prev.Privileged || d.state().Privileged || s.Enable == "" {
		return nil, nil
	}
	if err := d.escalate(ctx, s); err != nil {
		if errors.Is(err, ErrClosed) {
			return nil, err
		}
		return nil, nil // the next command reports the failure itself
	}
	return []string{"privileged mode"}, nil
}

// run sends the command one line at a time, as a person pasting into a
// device would: every line gets its own echo and prompt.
func (d *promptDriver) run(ctx context.Context, j *job) (jobResult, error) {
	if err := d.escalate(ctx, j.Secrets); err != nil {
		if errors.Is(err, ErrClosed) {
			return jobResult{}, err
		}
		return jobResult{Err: err}, nil
	}
	out := newDeviceOutput(j.Output, d.profile)
	lines := strings.Split(strings.TrimRight(j.Command, "\n"), "\n")
	for i, line := range lines {
		if err := d.runLine(ctx, j, out, line, i == 0); err != nil {
			out.finish()
			return jobResult{}, err
		}
	}
	j.Ending() // a key typed now would be a command line for the device
	out.finish()
	if j.Interrupted() {
		// A CLI drops what it had not printed yet when Ctrl+C stops a
		// command (IOS and vtysh flush their output), so what arrived is
		// all there is, and it may lack the end.
		return jobResult{Interrupted: true, ErrorLine: out.errorLine,
			Note: "interrupted with Ctrl+C: the device may have discarded output it had not sent yet"}, nil
	}
	code := 0
	if out.errorLine != "" {
		code = 1
	}
	return jobResult{ExitCode: &code, ErrorLine: out.errorLine}, nil
}

// runLine sends one line and waits for a mode prompt after its echo,
// advancing pagers and reporting input prompts on the way.
//
// A prompt at the tail with nothing printed before it ends the line at
// once. A prompt after output may be a line of that output which only
// looks like one ("R1#" in a banner) and reached us at a packet boundary,
// so it is confirmed without sleeping: a newline is typed (the probe), and
// the device answers it with a prompt of its own only once the command
// ended. The line ended at the last prompt line before that answer. Text
// between the real prompt and the answer (a log message, vtysh's
// STARVATION warning) belongs to the session, not to the command.
func (d *promptDriver) runLine(ctx context.Context, j *job, out *deviceOutput, line string, first bool) error {
	d.e.Discard() // asynchronous log lines printed after the last prompt
	if help, ok := strings.CutSuffix(line, "?"); ok && d.profile.ClearLine != "" {
		return d.runHelp(ctx, j, out, line, help, first)
	}
	if err := d.e.Send(ctx, line+"\n"); err != nil {
		return expectErr(err)
	}
	if first {
		j.Report(StatusRunning, "")
	}
	prompts := d.linePrompts(line)
	nPrompts := len(prompts)
	patterns := append(prompts[:nPrompts:nPrompts], d.afterPrompt())
	for _, p := range d.profile.Pagers {
		patterns = append(patterns, p.Pattern)
	}
	nPagers := len(d.profile.Pagers)
	patterns = append(patterns, d.profile.InputPrompts...)
	echo := line
	var c confirm // the prompt being confirmed, if any
	for {
		opts := expect.ExpectOptions{Timeout: promptWaitSlice, Capture: out, Echo: echo, DropBeforeEcho: true, Idle: deviceAwaitIdle}
		if c.pending {
			// what follows a prompt is held until the probe tells whether
			// it is more output or the session's own
			opts.Capture, opts.Idle = &c.after, 0
		}
		m, err := d.e.Expect(ctx, patterns, opts)
		echo = ""
		if errors.Is(err, expect.ErrTimeout) {
			continue // a long command is not a failure: never give up on our own
		}
		if err != nil {
			return expectErr(err)
		}
		switch {
		case m.Index == expect.IdleIndex:
			// a question no pattern knows: the line stays unconsumed
			j.Waiting(m.Text)
		case m.Index <= nPrompts:
			if !c.pending {
				if m.Index < nPrompts && !out.printed && strings.TrimSpace(m.Before) == "" {
					return d.learn(m.Index%len(d.profile.Modes), m.Text) // nothing it could be part of
				}
				out.WriteString(m.Before)
				prompt := m.Text // a prompt, or the last one followed by text
				if m.Index == nPrompts {
					prompt = d.prompt
				}
				if err := c.start(ctx, d.e, prompt, m.Text); err != nil {
					return err
				}
				continue
			}
			done, err := d.settle(ctx, &c, out, prompts, m)
			if done || err != nil {
				return err
			}
		case m.Index <= nPrompts+nPagers:
			pager := d.profile.Pagers[m.Index-nPrompts-1]
			out.WriteString(c.release() + m.Before)
			key := pager.Key
			if q := pager.Quit; q != "" && j.Interrupted() {
				key = q
			}
			if err := d.e.Send(ctx, key); err != nil {
				return expectErr(err)
			}
		default:
			out.WriteString(c.release() + m.Before + m.Text)
			j.Report(StatusAwaitingInput, lastLine(m.Before+m.Text))
		}
	}
}

// deviceAwaitIdle is how long a device command's output must stay quiet at
// an unfinished line that no pattern knows before it counts as a question
// (awaiting_input, with the line as the partial line).
const deviceAwaitIdle = 200 * time.Millisecond

// promptProbe is typed to confirm a prompt: an empty line, which a CLI at its
// prompt answers with a new prompt and nothing else.
const promptProbe = "\n"

// confirm is a prompt seen after output, waiting for the probe's answer.
type confirm struct {
	pending bool
	prompt  string          // the prompt alone
	text    string          // the text matched: the prompt, maybe with text after it
	after   strings.Builder // complete lines that arrived after it
	probed  bool            // a probe is out and was not answered yet
}

// start makes text the prompt to confirm and types the probe unless one
// is out already.
func (c *confirm) start(ctx context.Context, e *expect.Expecter, prompt, text string) error {
	c.pending, c.prompt, c.text = true, prompt, text
	c.after.Reset()
	if c.probed {
		return nil
	}
	c.probed = true
	return expectErr(e.Send(ctx, promptProbe))
}

// release gives up the confirmation when a pager or a question follows
// (they may have taken the probe as their answer) and returns the text it
// held, which is output.
func (c *confirm) release() string {
	if !c.pending {
		return ""
	}
	s := c.text + c.after.String()
	c.pending, c.probed = false, false
	c.after.Reset()
	return s
}

// settle decides, at a prompt m seen while the prompt in c waits for the
// probe's answer, where the command ended. The text from c's prompt up to
// m, less trailing blank and strip_lines, ends in a prompt line when the
// command ended there and m answers the probe: what came before that line
// is output. Otherwise the text is either output after a look-alike (then
// m is the real prompt and the answer follows it at once) or the session's
// own text after the real prompt (then nothing follows): the profile's
// settle tells them apart, on this path only.
func (d *promptDriver) settle(ctx context.Context, c *confirm, out *deviceOutput, prompts []expect.Pattern, m expect.Match) (bool, error) {
	text := c.text + c.after.String() + m.Before
	lines := strings.SplitAfter(text, "\n")
	for len(lines) > 0 && out.strippable(strings.TrimRight(lines[len(lines)-1], "\n")) {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 { // a prompt that strip_lines match: take it
		c.pending, c.probed = false, false
		return true, d.learn(promptIndex(prompts, c.prompt)%len(d.profile.Modes), c.prompt)
	}
	last := strings.TrimRight(lines[len(lines)-1], "\n")
	for i, p := range prompts {
		if p.Regexp != nil && p.Regexp.MatchString(last) {
			out.WriteString(strings.Join(lines[:len(lines)-1], ""))
			c.pending, c.probed = false, false
			return true, d.learn(i%len(d.profile.Modes), last)
		}
	}
	// Is another prompt coming?
	c.after.Reset()
	m2, err := d.e.Expect(ctx, prompts, expect.ExpectOptions{Timeout: max(d.profile.Settle, time.Millisecond), Capture: &c.after})
	if errors.Is(err, expect.ErrTimeout) {
		// c's prompt was real: what followed it is the session's
		c.pending, c.probed = false, false
		return true, d.learn(promptIndex(prompts, c.prompt)%len(d.profile.Modes), c.prompt)
	}
	if err != nil {
		return false, expectErr(err)
	}
	// c's prompt was output: m is the real prompt, the answer is m2
	out.WriteString(text)
	c.prompt, c.text = m.Text, m.Text
	return d.settle(ctx, c, out, prompts, m2)
}

// linePrompts are the learned prompts of every mode, followed by the
// generic ones when the line may change the hostname (so the new prompt
// ends it).
func (d *promptDriver) linePrompts(line string) []expect.Pattern {
	ps := append([]expect.Pattern(nil), d.learned...)
	if len(ps) == 0 {
		return d.genericPrompts()
	}
	if hc := d.profile.HostnameChange; d.partial || (hc != nil && hc.MatchString(line)) {
		ps = append(ps, d.genericPrompts()...)
	}
	return ps
}

// afterPrompt matches the last prompt seen followed by text on its line
// and at most two more lines, at the tail: a CLI's own message printed
// right after its prompt (vtysh's STARVATION warning, a log line), which
// leaves no prompt at the tail. It only ever starts a confirmation.
func (d *promptDriver) afterPrompt() expect.Pattern {
	p := d.prompt
	if p == "" {
		p = "\x00" // nothing learned yet: never matches
	}
	return expect.Pattern{Name: "text after the prompt", Regexp: regexp.MustCompile(
		`(?m)^` + regexp.QuoteMeta(p) + `[^\n]*\n(?:[^\n]*\n){0,2}\z`)}
}

// promptIndex is the index of the first of prompts that matches text; 0
// when none does.
func promptIndex(prompts []expect.Pattern, text string) int {
	for i, p := range prompts {
		if p.Regexp != nil && p.Regexp.MatchString(text) {
			return i
		}
	}
	return 0
}

// runHelp types a line that asks the CLI for help ("show ?") without a
// newline, which would run the incomplete command. The device prints the
// help and types the line again after its prompt ("R1#show "): the help is
// the output. The profile's clear_line key then erases the retyped line,
// and an empty line brings a clean prompt back.
func (d *promptDriver) runHelp(ctx context.Context, j *job, out *deviceOutput, line, rest string, first bool) error {
	if err := d.e.Send(ctx, line); err != nil {
		return expectErr(err)
	}
	if first {
		j.Report(StatusRunning, "")
	}
	retyped := expect.Pattern{Name: "line typed again after help", Regexp: regexp.MustCompile(
		`(?m)^` + regexp.QuoteMeta(d.prompt) + `[ \t]*` + regexp.QuoteMeta(strings.TrimSpace(rest)) + `[ \t]*\z`)}
	patterns := []expect.Pattern{retyped}
	for _, p := range d.profile.Pagers {
		patterns = append(patterns, p.Pattern)
	}
	var help strings.Builder
	for {
		m, err := d.e.Expect(ctx, patterns, expect.ExpectOptions{Timeout: promptWaitSlice, Capture: &help})
		if errors.Is(err, expect.ErrTimeout) {
			continue
		}
		if err != nil {
			return expectErr(err)
		}
		help.WriteString(m.Before)
		if m.Index == 0 {
			break
		}
		if err := d.e.Send(ctx, d.profile.Pagers[m.Index-1].Key); err != nil {
			return expectErr(err)
		}
	}
	// The first line is the echo of what was typed.
	text := help.String()
	if i := strings.IndexByte(text, '\n'); i >= 0 && strings.Contains(text[:i], strings.TrimSpace(rest)) {
		text = text[i+1:]
	}
	out.WriteString(text)
	if err := d.e.Send(ctx, d.profile.ClearLine+promptProbe); err != nil {
		return expectErr(err)
	}
	prompts := d.linePrompts("")
	m, err := d.e.Expect(ctx, prompts, expect.ExpectOptions{Timeout: promptStepTimeout})
	if err != nil {
		return fmt.Errorf("no prompt after clearing the help line: %w", expectErr(err))
	}
	return d.learn(m.Index%len(d.profile.Modes), m.Text)
}
