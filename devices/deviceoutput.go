package devices

import (
	"strings"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// deviceHeldLines is how many complete lines a device command's output
// holds back from the live output, so that context lines printed before
// the prompt (Junos "[edit]", "{master:0}") can still be removed when the
// command ends.
const deviceHeldLines = 3

// deviceOutput sits between the expecter and a command's output: it looks
// for the profile's error lines as lines pass, and holds the last few lines
// back until the command ends, when the profile's strip_lines are removed
// from the end.
type deviceOutput struct {
	dst       *expect.Output
	profile   *profiles.Profile
	partial   string   // an incomplete line
	held      []string // complete lines, each with its newline
	errorLine string   // the first line matching an error pattern
}

func newDeviceOutput(dst *expect.Output, p *profiles.Profile) *deviceOutput {
	return &deviceOutput{dst: dst, profile: p}
}

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
	if o.errorLine == "" {
		text := strings.TrimRight(l, "\n")
		for _, p := range o.profile.Errors {
			if p.Regexp != nil && p.Regexp.MatchString(text) {
				o.errorLine = strings.TrimSpace(text)
				break
			}
		}
	}
	o.held = append(o.held, l)
	if len(o.held) > deviceHeldLines {
		o.dst.WriteString(o.held[0])
		o.held = o.held[1:]
	}
}

// finish strips context lines from the end and writes what is left.
func (o *deviceOutput) finish() {
	if strings.TrimSpace(o.partial) != "" {
		o.line(o.partial + "\n")
	}
	o.partial = ""
	for len(o.held) > 0 && o.strippable(strings.TrimRight(o.held[len(o.held)-1], "\n")) {
		o.held = o.held[:len(o.held)-1]
	}
	for _, l := range o.held {
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
