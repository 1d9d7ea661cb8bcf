package profiles

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// secretNames are the references a step may contain as {{name}}.
var secretNames = []string{SecretEnable, SecretEnableCommand, SecretSudoPassword}

var secretRef = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

// caseKeys are the keys of one expected outcome of a step.
var caseKeys = append([]string{"prompt", "reply", "then", "limit", "message"}, patternKeys...)

// steps decodes a dialogue. Cases may name a mode's prompt with prompt:,
// so the profile's modes must be decoded first.
func (d *decoder) steps(n *yaml.Node, path string, p *Profile) []expect.Step {
	var out []expect.Step
	for i, item := range d.list(n, path) {
		spath := index(path, i)
		f := d.fields(item, spath, "send", "expect", "timeout")
		if f == nil {
			continue
		}
		var st expect.Step
		before := len(d.errs)
		if f["send"] != nil {
			st.Send, _ = d.str(f["send"], join(spath, "send"))
			d.checkRefs(f["send"], join(spath, "send"), st.Send)
		}
		for j, c := range d.list(f["expect"], join(spath, "expect")) {
			if cs, ok := d.stepCase(c, index(join(spath, "expect"), j), p); ok {
				st.Cases = append(st.Cases, cs)
			}
		}
		if st.Send == "" && len(st.Cases) == 0 && len(d.errs) == before {
			d.fail(item, spath, "a step needs send: or expect:", "add the text to send, the prompts to wait for, or both")
			continue
		}
		if f["timeout"] != nil {
			st.Timeout = d.duration(f["timeout"], join(spath, "timeout"))
		}
		out = append(out, st)
	}
	return out
}

// stepCase decodes one outcome: a pattern (regex, literal, or a mode's
// prompt), the reply, and what happens next.
func (d *decoder) stepCase(n *yaml.Node, path string, p *Profile) (expect.Case, bool) {
	f := d.fields(n, path, caseKeys...)
	if f == nil {
		return expect.Case{}, false
	}
	var c expect.Case
	if f["prompt"] != nil {
		pat, ok := d.promptRef(n, f, path, p)
		if !ok {
			return expect.Case{}, false
		}
		c.Pattern = pat
	} else {
		pat, ok := d.pattern(n, f, path, lineAnchored)
		if !ok {
			return expect.Case{}, false
		}
		c.Pattern = pat
	}
	if f["reply"] != nil {
		c.Reply, _ = d.str(f["reply"], join(path, "reply"))
		d.checkRefs(f["reply"], join(path, "reply"), c.Reply)
	}
	c.Then = d.action(f["then"], join(path, "then"))
	if f["limit"] != nil {
		c.Limit, _ = d.integer(f["limit"], join(path, "limit"), 0, 1000)
	}
	if f["message"] != nil {
		c.Message, _ = d.str(f["message"], join(path, "message"))
	}
	if c.Then == expect.Fail && c.Message == "" {
		d.fail(n, join(path, "message"), "a case with then: fail needs a message",
			"say what went wrong, for example \"the device rejected the enable secret\"")
		return expect.Case{}, false
	}
	return c, true
}

// promptRef resolves `prompt: MODE` to that mode's compiled prompt.
func (d *decoder) promptRef(n *yaml.Node, f map[string]*yaml.Node, path string, p *Profile) (expect.Pattern, bool) {
	for _, k := range patternKeys {
		if f[k] != nil {
			d.fail(f[k], join(path, k), "prompt: and "+k+": given together",
				"prompt: reuses the mode's prompt and its tests; remove "+k+":")
			return expect.Pattern{}, false
		}
	}
	name, ok := d.str(f["prompt"], join(path, "prompt"))
	if !ok {
		return expect.Pattern{}, false
	}
	m, found := p.Mode(name)
	if !found {
		if d.broken[name] {
			return expect.Pattern{}, false
		}
		d.fail(f["prompt"], join(path, "prompt"), fmt.Sprintf("unknown mode %q", name), "known modes: "+modeNames(p))
		return expect.Pattern{}, false
	}
	return m.Prompt, true
}

func (d *decoder) action(n *yaml.Node, path string) expect.Action {
	if n == nil {
		return expect.Next
	}
	s, _ := d.str(n, path)
	switch s {
	case "next":
		return expect.Next
	case "again":
		return expect.Again
	case "fail":
		return expect.Fail
	}
	d.fail(n, path, fmt.Sprintf("%q is not an action", s),
		"write next (the step is done), again (reply and keep waiting) or fail (stop with the message)")
	return expect.Next
}

// checkRefs rejects {{...}} names the expecter cannot fill, so a typo shows
// at load instead of sending "{{enable_secert}}" to a device.
func (d *decoder) checkRefs(n *yaml.Node, path, s string) {
	for _, m := range secretRef.FindAllStringSubmatch(s, -1) {
		if contains(secretNames, m[1]) {
			continue
		}
		hint := "known references: {{" + strings.Join(secretNames, "}}, {{") + "}}"
		if t := strings.TrimSpace(m[1]); contains(secretNames, t) {
			hint = fmt.Sprintf("write {{%s}} without spaces", t)
		}
		d.fail(n, path, fmt.Sprintf("unknown secret reference %q", m[0]), hint)
	}
	rest := secretRef.ReplaceAllString(s, "")
	if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		d.fail(n, path, "unbalanced {{ or }}", "write references as {{name}}")
	}
}
