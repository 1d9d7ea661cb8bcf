package devices

import (
	"io"
	"strings"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// deviceOutput sits between the expecter and a command's output: it looks
// for the profile's error lines as lines pass, and writes each line at once
// except blank lines and strip_lines (context lines such as Junos "[edit]"
// or "{master:0}"), which wait for the next line: when the command ends,
// those at its end are removed.
type deviceOutput struct {
	dst       *expect.Output
	profile   *profiles.Profile
	partial   string   // an incomplete line
	held      []string // strippable complete lines, each with its newline
	errorLine string   // the first line matching an error pattern
	printed   bool     // a line that is not blank was written
	// promptLike, when set, marks lines that may be the prompt that ended
	// the command, read in one piece with the answer to a probe typed
	// ahead: they wait like context lines, so the driver can take them
	// back (takeHeld). Held lines that are not context lines are output
	// after all when the command ends.
	promptLike func(line string) bool
}

func newDeviceOutput(dst *expect.Output, p *profiles.Profile) *deviceOutput {
	return &deviceOutput{dst: dst, profile: p}
}

// Unwrap is the output the command's owner reads, so that the expecter
// knows its unfinished line belongs to this command.
func (o *deviceOutput) Unwrap() io.Writer { return o.dst }

// Write takes normalized text from the expecter. It never fails.
func (o *deviceOutput) Write(p []byte) (int, error) {
	o.WriteString(string(p))
	return len(p), nil
}

// WriteString is Write for strings.
func (o *deviceOutput) WriteString(s string) {
	s = o.partial + s
	o.partial = ""
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			o.partial = s
			return
		}
		o.line(s[:i+1])
		s = s[i+1:]
	}
}

func (o *deviceOutput) line(l string) {
	text := strings.TrimRight(l, "\n")
	if o.errorLine == "" {
		for _, p := range o.profile.Errors {
			if p.Regexp != nil && p.Regexp.MatchString(text) {
				o.errorLine = strings.TrimSpace(text)
				break
			}
		}
	}
	if o.strippable(text) || (o.promptLike != nil && o.promptLike(text)) {
		o.held = append(o.held, l)
		return
	}
	o.printed = true
	for _, h := range o.held {
		o.dst.WriteString(h)
	}
	o.held = o.held[:0]
	o.dst.WriteString(l)
}

// takeHeld removes and returns the lines held back: context lines and
// lines that may be the prompt that ended the command.
func (o *deviceOutput) takeHeld() string {
	s := strings.Join(o.held, "")
	o.held = o.held[:0]
	return s
}

// finish writes an unfinished last line and the lines held back, less the
// context lines at the end.
func (o *deviceOutput) finish() {
	if strings.TrimSpace(o.partial) != "" {
		o.line(o.partial + "\n")
	}
	o.partial = ""
	n := len(o.held)
	for n > 0 && o.strippable(strings.TrimRight(o.held[n-1], "\n")) {
		n--
	}
	for _, l := range o.held[:n] {
		o.dst.WriteString(l)
	}
	o.held = nil
}
func (o *deviceOutput) strippable(line string) bool {
	if strings.TrimSpace(line) == "" {
		return true
	}
	for _, re := range o.profile.StripLines {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}
