package profiles

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// Config is how a platform changes its configuration as a transaction:
// the profile's config: section. Each operation is a list of commands
// typed in order in one session; apply_config composes them:
//
//	check:            Begin, the lines, Diff, Check, Discard, End
//	commit:           Begin, the lines, Diff, Check, Commit, End
//	commit_confirmed: Begin, the lines, Diff, Check, CommitConfirmed, End
//
// and after a failure anywhere past Begin it runs Discard and End.
// confirm_config runs Confirm, rollback_config Rollback (after Cancel,
// when a commit_confirmed is pending).
type Config struct {
	// Unsupported says why the platform cannot change its configuration
	// as a transaction; when set every other field is empty and
	// apply_config refuses with this text.
	Unsupported string
	// Mode is the mode the lines are typed in; a line that leaves it
	// fails the transaction.
	Mode string
	// AllowLines, when set, are the only lines apply_config types: each
	// must match one of these line-anchored patterns (Junos: set and
	// delete statements). ForbidLines are lines it never types (commands
	// that commit, leave the mode or run something else: IOS do, end,
	// exit). Both are checked before anything is typed, so that a line
	// cannot commit, roll back or move the edit level behind the
	// transaction's back.
	AllowLines, ForbidLines []expect.Pattern
	// ContinueAfterError types the remaining lines after one was
	// rejected, so that every rejected line is reported; for platforms
	// whose lines do not depend on a context (Junos set lines). False
	// stops at the first.
	ContinueAfterError bool
	// CheckChanges says the platform has no candidate: a check applies
	// the lines and reverts them. An ask rule then asks before a check
	// too, showing the lines (no diff exists before).
	CheckChanges bool
	// SafetyMinutes fills {minutes} outside commit_confirmed: a revert
	// timer that undoes an unfinished change by itself. Default 5.
	SafetyMinutes int
	// RollbackID is the template of the point to go back to, reported
	// after a commit ("1", "{archive}").
	RollbackID string
	// RollbackTo is what rollback_config's to must match before it is
	// typed into a command; nil: rollback_config is refused.
	RollbackTo *regexp.Regexp
	// The operations (see above). Begin, Diff, Commit, Discard and End
	// are required unless Unsupported is set.
	Begin, Diff, Check, Commit, CommitConfirmed, Discard, End, Confirm, Rollback []ConfigStep
	// Cancel ends a pending commit_confirmed at once, the device putting
	// back the configuration from before it, with that transaction's
	// variables (EOS: configure session NAME abort). rollback_config runs
	// it first on a platform whose timer would otherwise undo the
	// rollback when it runs out.
	Cancel []ConfigStep
}

// ConfigStep is one command of an operation.
type ConfigStep struct {
	// Send is the command; placeholders {minutes}, {timer} (the same
	// time as hh:mm:ss), {comment}, {to}, {transaction} (a name of the
	// transaction's own, such as mcp5f3a9c1e) and the variables that Set
	// steps define are filled in.
	Send string
	// Capture "diff" keeps the command's output as the diff.
	Capture string
	// Set defines variables from the output: the first group of each
	// regexp.
	Set map[string]*regexp.Regexp
	// OK must match the output, and Fail must not, or the operation
	// fails with Message; the profile's errors fail it as well.
	OK, Fail *expect.Pattern
	Message  string
	// Answers are the questions the command may ask (tail-anchored), and
	// what to type.
	Answers []ConfigAnswer
	// Optional steps may fail (an IOS "end" typed where there is nothing
	// to end): the operation goes on.
	Optional bool
}

// ConfigAnswer answers a question a step's command asks.
type ConfigAnswer struct {
	Pattern expect.Pattern
	Reply   string
}

// Placeholders every step may use.
var configPlaceholders = []string{"minutes", "timer", "comment", "to", "transaction"}

var (
	placeholder = regexp.MustCompile(`\{([a-z_]+)\}`)
	varName     = regexp.MustCompile(`^[a-z_]+$`)
)

// mappingValue is the value of key in mapping n; nil when absent.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

var configKeys = []string{"unsupported", "mode", "allow_lines", "forbid_lines", "continue_after_error", "check_changes", "safety_minutes", "rollback_id", "rollback_to",
	"begin", "diff", "check", "commit", "commit_confirmed", "discard", "end", "confirm", "rollback", "cancel"}

// firstOp is the index in configKeys of the first operation.
const firstOp = 9

// config decodes the config: section; modes must be decoded first.
func (d *decoder) config(n *yaml.Node, p *Profile) *Config {
	if n == nil {
		return nil
	}
	const path = "config"
	f := d.fields(n, path, configKeys...)
	if f == nil {
		return nil
	}
	c := &Config{SafetyMinutes: 5}
	if s, ok := d.str(f["unsupported"], join(path, "unsupported")); ok {
		c.Unsupported = strings.TrimSpace(s)
		for _, k := range configKeys[1:] {
			if f[k] != nil {
				d.fail(f[k], join(path, k), "given with unsupported:", "a platform without transactions has nothing else under config:; remove this key or unsupported:")
			}
		}
		return c
	}
	if s, ok := d.str(f["mode"], join(path, "mode")); ok {
		if !slices.ContainsFunc(p.Modes, func(m Mode) bool { return m.Name == s }) {
			d.fail(f["mode"], join(path, "mode"), fmt.Sprintf("no mode is named %q", s), "name the configuration mode of modes:")
		}
		c.Mode = s
	} else if f["mode"] == nil {
		d.fail(n, join(path, "mode"), "missing", "name the mode the lines are typed in (the configuration mode of modes:)")
	}
	c.AllowLines = d.patternList(f["allow_lines"], join(path, "allow_lines"), lineAnchored)
	c.ForbidLines = d.patternList(f["forbid_lines"], join(path, "forbid_lines"), lineAnchored)
	if f["continue_after_error"] != nil {
		c.ContinueAfterError = d.boolean(f["continue_after_error"], join(path, "continue_after_error"))
	}
	if f["check_changes"] != nil {
		c.CheckChanges = d.boolean(f["check_changes"], join(path, "check_changes"))
	}
	if f["safety_minutes"] != nil {
		c.SafetyMinutes, _ = d.integer(f["safety_minutes"], join(path, "safety_minutes"), 1, 120)
	}
	c.RollbackID, _ = d.str(f["rollback_id"], join(path, "rollback_id"))
	if f["rollback_to"] != nil {
		c.RollbackTo = d.singleRegexp(f["rollback_to"], join(path, "rollback_to"))
		if c.RollbackTo != nil && c.RollbackTo.MatchString("1\n") {
			d.fail(f["rollback_to"], join(path, "rollback_to"), "matches text with a newline", "anchor it with ^ and $ (without (?m)) so that only one id matches")
		}
	}
	ops := map[string]*[]ConfigStep{"begin": &c.Begin, "diff": &c.Diff, "check": &c.Check, "commit": &c.Commit,
		"commit_confirmed": &c.CommitConfirmed, "discard": &c.Discard, "end": &c.End, "confirm": &c.Confirm, "rollback": &c.Rollback, "cancel": &c.Cancel}
	vars := slices.Clone(configPlaceholders)
	for _, k := range configKeys[firstOp:] { // set: variables first, so any step may use them
		if l := f[k]; l != nil && l.Kind == yaml.SequenceNode {
			for _, item := range l.Content {
				if set := mappingValue(resolve(item), "set"); set != nil && set.Kind == yaml.MappingNode {
					for j := 0; j+1 < len(set.Content); j += 2 {
						vars = append(vars, set.Content[j].Value)
					}
				}
			}
		}
	}
	for _, k := range configKeys[firstOp:] {
		*ops[k] = d.configSteps(f[k], join(path, k), vars)
	}
	for _, k := range []string{"begin", "diff", "commit", "discard", "end"} {
		if f[k] == nil {
			d.fail(n, join(path, k), "missing", "every platform with transactions needs begin, diff, commit, discard and end (or unsupported: with the reason it has none)")
		}
	}
	if !slices.ContainsFunc(c.Diff, func(s ConfigStep) bool { return s.Capture == "diff" }) && f["diff"] != nil {
		d.fail(f["diff"], join(path, "diff"), "no step captures the diff", "add capture: diff to the command that prints it")
	}
	if len(c.Rollback) > 0 && c.RollbackTo == nil && len(d.errs) == 0 {
		d.fail(f["rollback"], join(path, "rollback"), "rollback: without rollback_to:", "add rollback_to: with the pattern a rollback id must match; it is typed into a command")
	}
	return c
}

// configSteps decodes a list of steps: a command as text, or a mapping.
func (d *decoder) configSteps(n *yaml.Node, path string, vars []string) []ConfigStep {
	var out []ConfigStep
	for i, item := range d.list(n, path) {
		spath := index(path, i)
		var st ConfigStep
		if item.Kind == yaml.ScalarNode {
			st.Send, _ = d.str(item, spath)
		} else {
			f := d.fields(item, spath, "send", "capture", "set", "ok", "fail", "message", "answers", "optional")
			if f == nil {
				continue
			}
			st.Send, _ = d.str(f["send"], join(spath, "send"))
			if f["send"] == nil {
				d.fail(item, join(spath, "send"), "missing", "give the command to type")
			}
			if s, ok := d.str(f["capture"], join(spath, "capture")); ok {
				if s != "diff" {
					d.fail(f["capture"], join(spath, "capture"), fmt.Sprintf("%q cannot be captured", s), "write capture: diff")
				}
				st.Capture = s
			}
			if set := f["set"]; set != nil && set.Kind != yaml.MappingNode {
				d.fail(set, join(spath, "set"), "expected a mapping, found "+kindName(set), "write name: {regex: ...} lines")
			} else if set != nil {
				st.Set = map[string]*regexp.Regexp{}
				for j := 0; j+1 < len(set.Content); j += 2 {
					name, v := set.Content[j].Value, resolve(set.Content[j+1])
					if !varName.MatchString(name) || slices.Contains(configPlaceholders, name) {
						d.fail(set.Content[j], join(spath, "set."+name), "not a variable name of its own", "use lower-case letters and _, other than "+strings.Join(configPlaceholders, ", "))
						continue
					}
					re := d.singleRegexp(v, join(spath, "set."+name))
					if re != nil && re.NumSubexp() != 1 {
						d.fail(v, join(spath, "set."+name), "needs exactly one group ( )", "put the part to keep in parentheses")
					}
					st.Set[name] = re
				}
			}
			for _, k := range []string{"ok", "fail"} {
				if f[k] == nil {
					continue
				}
				pat, ok := d.pattern(f[k], d.fields(f[k], join(spath, k), patternKeys...), join(spath, k), lineAnchored)
				if ok {
					if k == "ok" {
						st.OK = &pat
					} else {
						st.Fail = &pat
					}
				}
			}
			st.Message, _ = d.str(f["message"], join(spath, "message"))
			if f["optional"] != nil {
				st.Optional = d.boolean(f["optional"], join(spath, "optional"))
			}
			for j, a := range d.list(f["answers"], join(spath, "answers")) {
				apath := index(join(spath, "answers"), j)
				af := d.fields(a, apath, append([]string{"reply"}, patternKeys...)...)
				if af == nil {
					continue
				}
				pat, ok := d.pattern(a, af, apath, tailAnchored)
				reply, rok := d.str(af["reply"], join(apath, "reply"))
				if !rok && af["reply"] == nil {
					d.fail(a, join(apath, "reply"), "missing", `give the text to type, such as "yes\n"`)
				}
				if ok {
					st.Answers = append(st.Answers, ConfigAnswer{Pattern: pat, Reply: reply})
				}
			}
		}
		if strings.ContainsAny(st.Send, "\r\n") {
			d.fail(item, spath, "the command holds a line break", "one command per step; the line is ended for you")
		}
		for _, m := range placeholder.FindAllStringSubmatch(st.Send, -1) {
			if !slices.Contains(vars, m[1]) {
				d.fail(item, spath, fmt.Sprintf("unknown placeholder {%s}", m[1]), "use {"+strings.Join(configPlaceholders, "}, {")+"}, or a variable that a set: step defines")
			}
		}
		out = append(out, st)
	}
	return out
}
