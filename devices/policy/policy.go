package policy

import (
	"fmt"
	"regexp"
	"strings"
)

// Decision is what a policy says about a command or a path. Later values
// are stricter; the zero value is Allow.
type Decision int

const (
	Allow Decision = iota // run it
	Ask                   // run it only once a person approved
	Deny                  // never run it
)

func (d Decision) String() string {
	switch d {
	case Allow:
		return "allow"
	case Ask:
		return "ask"
	case Deny:
		return "deny"
	}
	return fmt.Sprintf("Decision(%d)", int(d))
}

// ParseDecision reads allow, ask or deny.
func ParseDecision(s string) (Decision, bool) {
	for _, d := range []Decision{Allow, Ask, Deny} {
		if s == d.String() {
			return d, true
		}
	}
	return Allow, false
}

// Rule is one regular expression of a deny, ask or allow list. It matches
// anywhere in the text unless it anchors itself (^ and $ are the text's
// start and end).
type Rule struct {
	List   Decision // the list it was written in
	Regexp *regexp.Regexp
	File   string // the config file that defines it
	Line   int    // 1-based line in File
	Key    string // where in the file, as "hosts[0].policy.deny[2]"
}

// Where is "file:line" of the rule.
func (r Rule) Where() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

// Rules are the lists for one kind of text, commands or file paths:
// deny is checked first, then ask, then allow, then Default applies.
type Rules struct {
	Deny, Ask, Allow []Rule
	// Default decides text no rule matches; the zero value is Allow.
	Default Decision
	// DefaultWhere is "file:line" of the default: key; "" when not set.
	DefaultWhere string
	// DefaultKey is the default's key in the file ("defaults.policy.default").
	DefaultKey string
}

// Empty says the rules allow everything: no rule, and the default allow.
func (r Rules) Empty() bool {
	return len(r.Deny)+len(r.Ask)+len(r.Allow) == 0 && r.Default == Allow
}

// Policy is what applies to one host. The zero value allows everything.
type Policy struct {
	Commands Rules // execute_command, execute_command_async and send_input
	Files    Rules // read_file and write_file paths
	// ReadOnly allows only what the host's profile declares read-only
	// and refuses every write of a file.
	ReadOnly bool
	// ReadOnlyWhere says who asked for read-only mode ("--read-only",
	// "config.yaml:3"); "" when ReadOnly is false.
	ReadOnlyWhere string
}

// Verdict is a decision with what made it.
type Verdict struct {
	Decision Decision
	// Rule is the rule that decided; nil when the default, read-only mode
	// or a line that could not be split decided.
	Rule *Rule
	// Segment is the part of the text decided on: one simple command of a
	// command line, one line of a device command, or the path.
	Segment string
	// Reason says in words why, when Rule is nil.
	Reason string
	// ReadOnly says read-only mode decided: the segment is not declared
	// read-only, or the call writes a file.
	ReadOnly bool
}

// stricter returns the stricter of a and b, a when they tie.
func stricter(a, b Verdict) Verdict {
	if b.Decision > a.Decision {
		return b
	}
	return a
}

// decide runs text through the lists in order: deny, ask, allow, default.
func (r Rules) decide(text string) Verdict {
	for _, list := range [][]Rule{r.Deny, r.Ask, r.Allow} {
		for i := range list {
			if list[i].Regexp.MatchString(text) {
				return Verdict{Decision: list[i].List, Rule: &list[i], Segment: text}
			}
		}
	}
	reason := "no rule matches; the default is " + r.Default.String()
	if r.DefaultWhere != "" {
		reason += fmt.Sprintf(" (%s at %s)", r.DefaultKey, r.DefaultWhere)
	}
	return Verdict{Decision: r.Default, Segment: text, Reason: reason}
}

// decideAll is the strictest verdict over several spellings of one text.
func (r Rules) decideAll(texts ...string) Verdict {
	v := r.decide(texts[0])
	for _, t := range texts[1:] {
		if t != texts[0] {
			v = stricter(v, r.decide(t))
		}
	}
	return v
}

// ruleText shows a rule as the person who wrote it will find it: the
// pattern between backquotes, not escaped again.
func ruleText(r *Rule) string {
	return fmt.Sprintf("%s rule `%s` (%s at %s)", r.List, r.Regexp.String(), r.Key, r.Where())
}

// Explain says in one sentence what decided and where it is written.
func (v Verdict) Explain() string {
	if v.Rule != nil {
		return fmt.Sprintf("%s matches the %s", quote(v.Segment), ruleText(v.Rule))
	}
	return v.Reason
}

func quote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// hasNewline: a segment spanning lines (a quoted newline) never matches
// a read-only pattern, which is anchored at line starts.
func hasNewline(s string) bool { return strings.ContainsAny(s, "\n\r") }
