package profiles

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// PromptFor returns the mode's prompt with its "host" capture group pinned
// to the hostname learned at login, so that a line in the output which only
// looks like a prompt (another device's name in `show run`, a log line)
// does not end a command. The group stays a capture named "host". When
// MinHostLength is set and host is longer, prefixes of host down to that
// length match too, because some devices shorten long names in some
// prompts. It does no I/O.
func (m Mode) PromptFor(host string) (expect.Pattern, error) {
	if m.Prompt.Regexp == nil {
		return expect.Pattern{}, fmt.Errorf("profiles: mode %q has no prompt regexp", m.Name)
	}
	if host == "" {
		return expect.Pattern{}, errors.New("profiles: PromptFor needs the hostname learned at login, got \"\"")
	}
	tree, err := syntax.Parse(m.Prompt.Regexp.String(), syntax.Perl)
	if err != nil { // cannot happen for a pattern that compiled at load
		return expect.Pattern{}, fmt.Errorf("profiles: mode %q: %w", m.Name, err)
	}
	lit, err := syntax.Parse(hostAlternatives(host, m.MinHostLength), syntax.Perl)
	if err != nil {
		return expect.Pattern{}, fmt.Errorf("profiles: mode %q: hostname %q: %w", m.Name, host, err)
	}
	if !replaceCapture(tree, "host", lit) {
		return expect.Pattern{}, fmt.Errorf("profiles: the prompt of mode %q has no (?P<host>...) group to pin", m.Name)
	}
	re, err := regexp.Compile(tree.String())
	if err != nil {
		return expect.Pattern{}, fmt.Errorf("profiles: mode %q: pinning hostname %q: %w", m.Name, host, err)
	}
	return expect.Pattern{Name: m.Prompt.Name, Regexp: re}, nil
}

// hostAlternatives is the regexp for host, or for host and its prefixes of
// at least min characters, longest first.
func hostAlternatives(host string, min int) string {
	r := []rune(host)
	if min <= 0 || len(r) <= min {
		return regexp.QuoteMeta(host)
	}
	s := ""
	for n := len(r); n >= min; n-- {
		if s != "" {
			s += "|"
		}
		s += regexp.QuoteMeta(string(r[:n]))
	}
	return "(?:" + s + ")"
}

// replaceCapture swaps the contents of every capture group called name
// for sub, keeping the group itself; it reports whether it found one.
func replaceCapture(re *syntax.Regexp, name string, sub *syntax.Regexp) bool {
	if re.Op == syntax.OpCapture && re.Name == name {
		re.Sub = []*syntax.Regexp{sub}
		return true
	}
	found := false
	for _, s := range re.Sub {
		if replaceCapture(s, name, sub) {
			found = true
		}
	}
	return found
}
