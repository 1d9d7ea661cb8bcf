package profiles

import (
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// anchor says where in the text a pattern may match.
type anchor int

const (
	// tailAnchored patterns (prompts, pagers, input prompts) match only at
	// the very end of the stream: the source is compiled as (?m)(?:SRC)\z,
	// so a prompt-looking line followed by more output never matches.
	tailAnchored anchor = iota
	// lineAnchored patterns (errors, login patterns, step cases, strip
	// lines) are compiled as (?m)SRC: ^ and $ match at line boundaries.
	lineAnchored
)

// patternKeys are the keys every pattern mapping accepts.
var patternKeys = []string{"name", "regex", "literal", "tests"}

// compile builds a pattern's regexp. The author's source is compiled alone
// first so that a syntax error quotes what the author wrote, not our
// wrapping. A literal at the tail tolerates trailing blanks, because
// devices pad prompts such as "[yes,no] (no) " inconsistently.
func compile(src string, literal bool, a anchor) (*regexp.Regexp, error) {
	if literal {
		src = regexp.QuoteMeta(src)
	} else if _, err := regexp.Compile(src); err != nil {
		return nil, err
	}
	if a == lineAnchored {
		return regexp.Compile(`(?m)` + src)
	}
	if literal {
		return regexp.Compile(`(?m)(?:` + src + `)[ \t]*\z`)
	}
	return regexp.Compile(`(?m)(?:` + src + `)\z`)
}

// pattern decodes one pattern from the already split fields f of node n:
// exactly one of regex and literal, an optional name (default: the field
// path) and optional tests, which are run here.
func (d *decoder) pattern(n *yaml.Node, f map[string]*yaml.Node, path string, a anchor) (expect.Pattern, bool) {
	if f == nil {
		return expect.Pattern{}, false
	}
	name := path
	if f["name"] != nil {
		if s, ok := d.str(f["name"], join(path, "name")); ok {
			name = s
		}
	}
	var src, key string
	switch {
	case f["regex"] != nil && f["literal"] != nil:
		d.fail(n, path, "both regex and literal given", "keep one of them")
		return expect.Pattern{}, false
	case f["regex"] != nil:
		key = "regex"
	case f["literal"] != nil:
		key = "literal"
	default:
		d.fail(n, path, "no regex or literal given", "add regex: or literal: with the text to match")
		return expect.Pattern{}, false
	}
	src, ok := d.str(f[key], join(path, key))
	if !ok {
		return expect.Pattern{}, false
	}
	if src == "" {
		d.fail(f[key], join(path, key), "empty pattern", "an empty pattern matches everything; write the text to match")
		return expect.Pattern{}, false
	}
	re, err := compile(src, key == "literal", a)
	if err != nil {
		d.fail(f[key], join(path, key), err.Error(), "fix the regular expression")
		return expect.Pattern{}, false
	}
	p := expect.Pattern{Name: name, Regexp: re}
	if f["tests"] != nil {
		// A failing sample is reported but the pattern is still returned:
		// the profile is rejected anyway, and references to it should not
		// produce a second, misleading error.
		d.patternTests(f["tests"], join(path, "tests"), path, p)
	}
	return p, true
}

// patternTests checks the samples under tests: against p and records them.
func (d *decoder) patternTests(n *yaml.Node, path, field string, p expect.Pattern) {
	f := d.fields(n, path, "match", "no_match")
	if f == nil {
		return
	}
	t := PatternTest{Field: field}
	t.Match = d.texts(f["match"], join(path, "match"))
	t.NoMatch = d.texts(f["no_match"], join(path, "no_match"))
	for i, s := range t.Match {
		if !p.Regexp.MatchString(s) {
			d.fail(f["match"].Content[i], index(join(path, "match"), i),
				fmt.Sprintf("pattern %q does not match the sample %q", p.Name, s),
				"fix the pattern or the sample; "+anchorNote(p))
		}
	}
	for i, s := range t.NoMatch {
		if loc := p.Regexp.FindStringIndex(s); loc != nil {
			d.fail(f["no_match"].Content[i], index(join(path, "no_match"), i),
				fmt.Sprintf("pattern %q matches the sample %q (at %q), which it must not match", p.Name, s, s[loc[0]:loc[1]]),
				"make the pattern stricter or fix the sample")
		}
	}
	d.tests = append(d.tests, t)
}

// anchorNote reminds the author how the pattern was compiled.
func anchorNote(p expect.Pattern) string {
	return fmt.Sprintf("it was compiled as %s", p.Regexp.String())
}

// patternList decodes a list of pattern mappings.
func (d *decoder) patternList(n *yaml.Node, path string, a anchor) []expect.Pattern {
	var out []expect.Pattern
	for i, item := range d.list(n, path) {
		p := index(path, i)
		if pat, ok := d.pattern(item, d.fields(item, p, patternKeys...), p, a); ok {
			out = append(out, pat)
		}
	}
	return out
}

// singleRegexp decodes one pattern mapping into a bare regexp (strip lines,
// hostname changes), where a name would have nowhere to go.
func (d *decoder) singleRegexp(n *yaml.Node, path string) *regexp.Regexp {
	pat, ok := d.pattern(n, d.fields(n, path, patternKeys...), path, lineAnchored)
	if !ok {
		return nil
	}
	return pat.Regexp
}
