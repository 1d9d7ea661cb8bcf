package devices

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// How a device command ends, without sleeping.
//
// A prompt at the tail with nothing printed before it ends the line at
// once: there is no output it could be part of. A prompt after output may
// be a line of that output which only looks like one ("R1#" in a banner)
// and reached us at a packet boundary. It is confirmed by the probe, an
// empty line, which a CLI reads only once the command ended and answers
// with a prompt of its own: the command ended at the last prompt line
// before that answer. The probe is typed when a prompt shows, or with the
// command itself when the profile's type_ahead says the command never
// asks anything (then the answer may come in one read with the prompt).
//
// Text between the real prompt and the answer (a log message, vtysh's
// STARVATION warning printed on the prompt's own line) belongs to the
// session, not to the command. Such text looks like output that followed
// a look-alike; only then does the driver wait, up to the profile's
// settle, for another prompt to tell the two apart.

// deviceAwaitIdle is how long a device command's output must stay quiet at
// an unfinished line that no pattern knows before it counts as a question
// (awaiting_input, with the line as the partial line).
const deviceAwaitIdle = 200 * time.Millisecond

// promptProbe is typed to confirm a prompt: an empty line, which a CLI at
// its prompt answers with a new prompt and nothing else.
const promptProbe = "\n"

// promptReprobe is how long a prompt at the tail waits for the probe's
// answer before the probe is typed again; it doubles each time, up to
// promptWaitSlice.
const promptReprobe = 2 * time.Second

// confirm is where a line stands between its output and its end.
type confirm struct {
	pending bool            // text holds a prompt that may have ended the command
	text    string          // from that prompt on: the prompt, maybe with text after it
	after   strings.Builder // complete lines that arrived after text
	probed  bool            // a probe is out and was not answered yet
	keys    [2]bool         // Interrupted and InputSent when the probe went out
}

// keysSince reports whether Ctrl+C or input went to the command since the
// probe was typed: either may have taken it (a tty flushes typed-ahead
// input on Ctrl+C; a program reads it as its own).
func (c *confirm) keysSince(j *job) bool {
	return c.keys != [2]bool{j.Interrupted(), j.InputSent()}
}

// probe types the probe.
func (c *confirm) probe(ctx context.Context, e *expect.Expecter, j *job) error {
	c.probed, c.keys = true, [2]bool{j.Interrupted(), j.InputSent()}
	key := promptProbe
	if e.EndsInCR() {
		key = "\r" // a line feed would end the Enter the caller typed
	}
	return expectErr(e.Send(ctx, key))
}

// hold makes text, which starts with a prompt, the candidate end.
func (c *confirm) hold(text string) {
	c.pending, c.text = true, text
	c.after.Reset()
}

// release gives up the candidate when a pager or a question follows (they
// may have taken the probe as their answer) and returns the text it held,
// which is output.
func (c *confirm) release() string {
	s := ""
	if c.pending {
		s = c.text + c.after.String()
	}
	c.pending, c.probed = false, false
	c.after.Reset()
	return s
}

// runLine sends one line and waits for a mode prompt after its echo,
// advancing pagers and reporting input prompts on the way.
func (d *promptDriver) runLine(ctx context.Context, j *job, out *deviceOutput, line string, first bool) error {
	d.e.Discard() // asynchronous log lines printed after the last prompt
	if help, ok := strings.CutSuffix(line, "?"); ok && d.profile.ClearLine != "" {
		return d.runHelp(ctx, j, out, line, help, first)
	}
	var c confirm
	send := line + "\n"
	if d.typeAhead(line) {
		send += promptProbe
		c.probed, c.keys = true, [2]bool{j.Interrupted(), j.InputSent()}
	}
	if err := d.e.Send(ctx, send); err != nil {
		return expectErr(err)
	}
	if first {
		j.Report(StatusRunning, "")
	}
	prompts := d.linePrompts(line)
	d.renaming = d.mayRename(line)
	defer func() { d.renaming = false }()
	nPrompts := len(prompts)
	out.promptLike = func(l string) bool { return d.promptLike(prompts, l) }
	defer func() { out.promptLike = nil }()
	patterns := append(prompts[:nPrompts:nPrompts], d.afterPrompt())
	for _, p := range d.profile.Pagers {
		patterns = append(patterns, p.Pattern)
	}
	nPagers := len(d.profile.Pagers)
	patterns = append(patterns, d.profile.InputPrompts...)
	echo := line
	reprobe := promptReprobe
	for {
		opts := expect.ExpectOptions{Timeout: promptWaitSlice, Capture: out, Echo: echo, DropBeforeEcho: true, Idle: deviceAwaitIdle}
		awaitingAnswer := c.pending && c.probed
		if c.pending {
			// what follows a candidate is held until the probe's answer
			// tells whether it is more output or the session's own
			opts.Capture = &c.after
		}
		if awaitingAnswer {
			opts.Timeout = reprobe
		}
		m, err := d.e.Expect(ctx, patterns, opts)
		echo = ""
		if errors.Is(err, expect.ErrTimeout) {
			if awaitingAnswer {
				// A prompt stands at the tail and the probe's answer has
				// not come: it may have come already, among lines taken
				// for output (a device message of many lines drawn after
				// it, with the prompt again). Ask again; an extra empty
				// line at a CLI's prompt only draws another prompt.
				if err := c.probe(ctx, d.e, j); err != nil {
					return err
				}
				reprobe = min(2*reprobe, promptWaitSlice)
			}
			continue // a long command is not a failure: never give up on our own
		}
		if err != nil {
			return expectErr(err)
		}
		switch {
		case m.Index == expect.IdleIndex:
			// a question no pattern knows, so what came before was no
			// prompt (and the question may take the probe as its
			// answer): the line stays unconsumed
			out.WriteString(c.release())
			j.Waiting(m.Text)
		case m.Index <= nPrompts:
			done, err := d.atPrompt(ctx, j, &c, out, prompts, m, m.Index == nPrompts)
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

// atPrompt handles a prompt m at the tail (or, when textAfter, the last
// prompt with text after it) and reports whether the line ended there.
func (d *promptDriver) atPrompt(ctx context.Context, j *job, c *confirm, out *deviceOutput, prompts []expect.Pattern, m expect.Match, textAfter bool) (bool, error) {
	if c.probed && c.keysSince(j) {
		c.probed = false // the probe may be gone: type another
	}
	done, err := d.confirmAt(ctx, c, out, prompts, m, textAfter)
	if !done && err == nil && c.pending && !c.probed {
		err = c.probe(ctx, d.e, j)
	}
	return done, err
}

// confirmAt is atPrompt without typing the probe.
func (d *promptDriver) confirmAt(ctx context.Context, c *confirm, out *deviceOutput, prompts []expect.Pattern, m expect.Match, textAfter bool) (bool, error) {
	switch {
	case c.pending && textAfter:
		c.after.WriteString(m.Before + m.Text) // more text after the candidate
		return false, nil
	case c.pending:
		return d.settle(ctx, c, out, prompts, c.text+c.after.String()+m.Before, m)
	case !textAfter && !c.probed && !out.printed && strings.TrimSpace(m.Before) == "":
		return true, d.learn(m.Index%len(d.profile.Modes), m.Text) // nothing it could be part of
	case textAfter || !c.probed:
		out.WriteString(m.Before)
		c.hold(m.Text)
		return false, nil
	}
	// The probe went with the command, so m may be its answer, read in
	// one piece with the prompt that ended the command (held back).
	return d.settle(ctx, c, out, prompts, out.takeHeld()+m.Before, m)
}

// asyncLines bounds the session's own text after a prompt: a message of
// a few lines. More after a prompt-like line is output.
const asyncLines = 3

// settle decides where the line ended, given a prompt m that may answer
// the probe and text, what arrived before m since the last line that is
// surely output. It reports whether the line ended; if not, the real end
// is still to come and c holds the candidate.
//
// The answer repeats the prompt it answers. So, less trailing blank and
// strip_lines, text ending in the line m shows means the command ended
// there and m is the answer. Text without that prompt, or with more than
// a short message after it, is output, and m is the command's own prompt
// (the answer is still to come). Otherwise text holds that prompt with a
// few lines after it (or text on its own line): either output after a
// look-alike (then m is the real prompt and the answer follows it at
// once), or the session's own text after the real prompt (then nothing
// follows): the profile's settle tells them apart, on this path only.
func (d *promptDriver) settle(ctx context.Context, c *confirm, out *deviceOutput, prompts []expect.Pattern, text string, m expect.Match) (bool, error) {
	lines := strings.SplitAfter(text, "\n")
	for len(lines) > 0 && out.strippable(strings.TrimRight(lines[len(lines)-1], "\n")) {
		lines = lines[:len(lines)-1]
	}
	mp := strings.TrimSpace(lastLine(m.Text))
	k := -1 // the last line that shows m's prompt
	for i := len(lines) - 1; i >= 0 && k < 0; i-- {
		if mp != "" && strings.HasPrefix(strings.TrimSpace(lines[i]), mp) {
			k = i
		}
	}
	if k < 0 || len(lines)-1-k > asyncLines {
		out.WriteString(text)
		c.hold(m.Text)
		return false, nil
	}
	end := strings.TrimRight(lines[k], "\n \t")
	i := promptLine(prompts, end)
	if i >= 0 && k == len(lines)-1 {
		out.WriteString(strings.Join(lines[:k], ""))
		c.pending, c.probed = false, false
		return true, d.learn(i%len(d.profile.Modes), end)
	}
	// Is another prompt coming?
	c.after.Reset()
	m2, err := d.e.Expect(ctx, prompts, expect.ExpectOptions{Timeout: max(d.profile.Settle, time.Millisecond), Capture: &c.after})
	if errors.Is(err, expect.ErrTimeout) {
		// the prompt at line k was real: what followed it is the session's
		out.WriteString(strings.Join(lines[:k], ""))
		c.pending, c.probed = false, false
		if i := promptLine(prompts, mp); i >= 0 {
			return true, d.learn(i%len(d.profile.Modes), mp)
		}
		return true, nil
	}
	if err != nil {
		return false, expectErr(err)
	}
	// text was output: m is the real prompt, and m2 answers the probe
	out.WriteString(text)
	return d.settle(ctx, c, out, prompts, m.Text+c.after.String()+m2.Before, m2)
}

// promptLike reports whether line is a prompt of prompts, or the last
// prompt seen with text after it.
func (d *promptDriver) promptLike(prompts []expect.Pattern, line string) bool {
	return promptLine(prompts, line) >= 0 || (d.prompt != "" && strings.HasPrefix(line, d.prompt))
}

// typeAhead reports whether the profile lets the probe go with line.
func (d *promptDriver) typeAhead(line string) bool {
	for _, p := range d.profile.TypeAhead {
		if p.Regexp != nil && p.Regexp.MatchString(line) {
			return true
		}
	}
	return false
}

// afterPrompt matches the last prompt seen followed by text on its line
// and at most two more lines, at the tail: a CLI's own message printed
// right after its prompt (vtysh's STARVATION warning, a log line), which
// leaves no prompt at the tail. It only ever starts a confirmation.
// The pattern is built once per prompt text, not per command line.
func (d *promptDriver) afterPrompt() expect.Pattern {
	if d.after.Regexp != nil && d.afterFor == d.prompt {
		return d.after
	}
	p := d.prompt
	if p == "" {
		p = "\x00" // nothing learned yet: never matches
	}
	d.after, d.afterFor = expect.Pattern{Name: "text after the prompt", Regexp: regexp.MustCompile(
		`(?m)^` + regexp.QuoteMeta(p) + `[^\n]*\n(?:[^\n]*\n){0,2}\z`)}, d.prompt
	return d.after
}

// promptLine is the index of the first of prompts that a whole line
// matches, blanks at its end aside (Junos pads the line an Enter ends);
// -1 when none does.
func promptLine(prompts []expect.Pattern, line string) int {
	line = strings.TrimRight(line, " \t")
	for i, p := range prompts {
		if p.Regexp != nil && p.Regexp.MatchString(line) {
			return i
		}
	}
	return -1
}
