package policy

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/cmdline"
)

// Syntax is how a session reads the text it is sent.
type Syntax int

const (
	// POSIX is a POSIX shell (linux and other marker profiles): a line
	// runs one simple command per segment (see cmdline.SplitPOSIX).
	POSIX Syntax = iota
	// Lines is a device CLI (prompt profiles): each line is one command.
	Lines
)

// Target is what a command is checked for: the session's syntax and its
// profile's read-only patterns.
type Target struct {
	Syntax Syntax
	// Profile names the profile the read-only patterns come from.
	Profile string
	// ReadOnly are the profile's read-only patterns; nil means it
	// declares none, so read-only mode allows nothing.
	ReadOnly []*regexp.Regexp
}

// Command decides a command line for t under p. A line with control
// characters other than newline and carriage return (see editing) is at
// least Ask, and refused in read-only mode. Otherwise every segment is
// checked, as written and as the shell reads it (quotes removed), and
// the strictest decision wins. A POSIX line that cannot be split safely
// (cmdline.Split.Opaque) is also checked whole and is at least Ask when p
// has command rules. In read-only mode each segment must also match one
// of t.ReadOnly from its first character, and a POSIX line must have no
// output redirection, no substitution and nothing opaque.
func Command(p Policy, t Target, line string) Verdict {
	v := Verdict{Decision: Allow, Segment: strings.TrimSpace(line)}
	if p.Commands.Empty() && !p.ReadOnly {
		return v
	}
	if strings.ContainsFunc(line, editing) {
		return controlVerdict(p, strings.TrimSpace(line), "the line")
	}
	var segs []cmdline.Segment
	var split cmdline.Split
	if t.Syntax == Lines {
		segs = cmdline.SplitLines(line)
	} else {
		split = cmdline.SplitPOSIX(line)
		segs = split.Segments
	}
	if !p.Commands.Empty() {
		for i, s := range segs {
			if sv := p.Commands.decideAll(s.Text, s.Plain()); i == 0 {
				v = sv
			} else {
				v = stricter(v, sv)
			}
		}
		if split.Opaque != "" {
			v = stricter(v, p.Commands.decideAll(strings.TrimSpace(line)))
			v = stricter(v, Verdict{Decision: Ask, Segment: strings.TrimSpace(line),
				Reason: "the line cannot be checked one command at a time: " + split.Opaque + "; such a line needs at least a person's approval"})
		}
	}
	if p.ReadOnly {
		v = stricter(v, readOnly(p, t, strings.TrimSpace(line), split, segs))
	}
	return v
}

// readOnly refuses the first segment that is not declared read-only.
func readOnly(p Policy, t Target, line string, split cmdline.Split, segs []cmdline.Segment) Verdict {
	refuse := func(seg, why string) Verdict {
		return Verdict{Decision: Deny, Segment: seg, Reason: fmt.Sprintf("read-only mode (%s): %s", p.ReadOnlyWhere, why), ReadOnly: true}
	}
	switch {
	case split.Opaque != "":
		return refuse(line, "the line cannot be checked one command at a time: "+split.Opaque)
	case split.Substitution:
		return refuse(line, "command substitution ($( ), backquotes, <( )) is not allowed")
	}
	for _, s := range segs {
		switch {
		case s.Redirects:
			return refuse(s.Text, fmt.Sprintf("%s redirects output (>), which writes a file", quote(s.Text)))
		case !matchesReadOnly(t.ReadOnly, s.Text):
			return refuse(s.Text, fmt.Sprintf("%s is not a read-only command of profile %s (its read_only patterns)", quote(s.Text), t.Profile))
		}
	}
	return Verdict{Decision: Allow}
}

// matchesReadOnly: one of res matches text from its first byte, and text
// is one line.
func matchesReadOnly(res []*regexp.Regexp, text string) bool {
	if hasNewline(text) {
		return false
	}
	for _, re := range res {
		if loc := re.FindStringIndex(text); loc != nil && loc[0] == 0 {
			return true
		}
	}
	return false
}

// plainKeys are the control keys input may hold without being read as
// line editing: Enter (newline, carriage return), Ctrl+C, Ctrl+D, Ctrl+Z
// and Ctrl+\. They reach the program as keys; none of them makes a
// shell or a CLI run text other than what was typed.
const plainKeys = "\n\r\x03\x04\x1a\x1c"

// editing reports a control character that a terminal, a shell or a CLI
// may use to edit, complete or recall a line (Ctrl+U, Tab, backspace,
// Escape and the arrow keys it starts, Ctrl+R...), so that what runs is
// not the text as sent. Newline and carriage return are not.
func editing(r rune) bool {
	return (r < 0x20 || r == 0x7f) && r != '\n' && r != '\r'
}

// controlVerdict is the verdict on text that holds editing keys: the
// strictest of its rules and Ask, and Deny in read-only mode.
func controlVerdict(p Policy, text, what string) Verdict {
	v := Verdict{Decision: Ask, Segment: text,
		Reason: what + " holds control keys (such as Tab, Ctrl+U, Ctrl+R, backspace or Escape) that may edit, complete or recall a line, so what runs is not the text as sent; it needs at least a person's approval"}
	if !p.Commands.Empty() {
		v = stricter(p.Commands.decideAll(text), v)
	}
	if p.ReadOnly {
		v = stricter(v, Verdict{Decision: Deny, Segment: text, ReadOnly: true,
			Reason: fmt.Sprintf("read-only mode (%s): %s holds control keys other than Enter, Ctrl+C, Ctrl+D, Ctrl+Z and Ctrl+\\", p.ReadOnlyWhere, what)})
	}
	return v
}

// Input decides text typed into a running command with send_input, as a
// command line of the same session. Enter, Ctrl+C, Ctrl+D, Ctrl+Z and
// Ctrl+\ are keys, not commands: the last four are dropped and a carriage
// return counts as a newline, and text that is only those keys and blanks
// is allowed. Text with any other control key (see editing) is at least
// Ask when p has command rules, and refused in read-only mode.
func Input(p Policy, t Target, text string) Verdict {
	if p.Commands.Empty() && !p.ReadOnly {
		return Verdict{Decision: Allow}
	}
	if strings.ContainsFunc(text, func(r rune) bool { return editing(r) && !strings.ContainsRune(plainKeys, r) }) {
		return controlVerdict(p, text, "the input")
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n':
			return r
		case r < 0x20:
			return -1
		}
		return r
	}, text)
	if strings.TrimSpace(clean) == "" {
		return Verdict{Decision: Allow}
	}
	return Command(p, t, clean)
}

// Path decides a path of read_file (write false) or write_file (write
// true). The rules see the path as given and, when it differs, cleaned
// (path.Clean); a path with a .. element is at least Ask when p has file
// rules, since what it names depends on the directory it starts from. In
// read-only mode every write is refused.
func Path(p Policy, name string, write bool) Verdict {
	v := Verdict{Decision: Allow, Segment: name}
	if write && p.ReadOnly {
		v = Verdict{Decision: Deny, Segment: name, Reason: fmt.Sprintf("read-only mode (%s): no file is written", p.ReadOnlyWhere), ReadOnly: true}
	}
	if p.Files.Empty() {
		return v
	}
	v = stricter(p.Files.decideAll(name, path.Clean(name)), v)
	if v.Decision < Ask && hasDotDot(name) {
		v = Verdict{Decision: Ask, Segment: name, Reason: fmt.Sprintf("%s has a .. element, so the file rules cannot tell which file it names; such a path needs at least a person's approval", quote(name))}
	}
	return v
}

func hasDotDot(name string) bool {
	for _, e := range strings.Split(name, "/") {
		if e == ".." {
			return true
		}
	}
	return false
}
