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
	profile  *profiles.Profile
	e        *expect.Expecter
	host     string           // hostname learned from the last prompt
	partial  bool             // host may be cut short (IOS shortens it in configuration prompts)
	mode     int              // index of the current mode in profile.Modes
	prompt   string           // the last prompt as printed
	learned  []expect.Pattern // mode prompts for host, by mode index
	after    expect.Pattern   // afterPrompt's pattern, built for afterFor
	afterFor string
	// renaming is set while a line that may rename the host runs, so
	// that its prompt teaches the name again (see learn).
	renaming bool
	// renamed is set for the whole of a job whose prompts may show
	// another host name (job.Renamed).
	renamed bool
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
//
// A prompt that the mode's learned prompt still matches keeps the name,
// unless the line before it may rename the host: the generic capture is
// ambiguous where a sub-mode follows the name after a character that names
// use too (VRP's [sw-1-Vlanif10] is host sw-1 in view Vlanif10, or a host
// called sw-1-Vlanif10).
func (d *promptDriver) learn(mode int, text string) error {
	d.mode, d.prompt = mode, strings.TrimSpace(lastLine(text))
	if !d.partial && !d.renaming && mode < len(d.learned) && d.learned[mode].Regexp != nil &&
		d.learned[mode].Regexp.MatchString(text) {
		return nil
	}
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
	d.renamed = j.Renamed
	defer func() { d.renamed = false }()
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

// linePrompts are the learned prompts of every mode, followed by the
// generic ones when the line may change the hostname (so the new prompt
// ends it).
func (d *promptDriver) linePrompts(line string) []expect.Pattern {
	ps := append([]expect.Pattern(nil), d.learned...)
	if len(ps) == 0 {
		return d.genericPrompts()
	}
	if d.partial || d.mayRename(line) {
		ps = append(ps, d.genericPrompts()...)
	}
	return ps
}

// mayRename reports whether line may change the host name (the profile's
// hostname_change), so that the prompt after it may show another one.
func (d *promptDriver) mayRename(line string) bool {
	hc := d.profile.HostnameChange
	return d.renamed || hc != nil && hc.MatchString(line)
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
