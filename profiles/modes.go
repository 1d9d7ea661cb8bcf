package profiles

import (
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// modes decodes the mode graph in two passes: names and prompts first, so
// that transitions and steps anywhere in the profile can refer to any mode.
func (d *decoder) modes(n *yaml.Node, p *Profile) {
	items := d.list(n, "modes")
	if len(items) == 0 && p.Completion == CompletionPrompt {
		blame := n
		if blame == nil {
			blame = &yaml.Node{}
		}
		d.fail(blame, "modes", "a prompt profile needs at least one mode",
			"add modes: with a name and a prompt for every prompt the device shows")
		return
	}
	fields := make([]map[string]*yaml.Node, len(items))
	kept := make([]int, len(items)) // position in p.Modes, or -1
	seen := make(map[string]bool)
	for i, item := range items {
		kept[i] = -1
		path := index("modes", i)
		fields[i] = d.fields(item, path, "name", "prompt", "min_host_length", "privileged", "transitions")
		if fields[i] == nil {
			continue
		}
		m, ok := d.mode(item, fields[i], path, p.Completion == CompletionPrompt && p.PinHostname)
		switch {
		case !ok:
			d.broken[m.Name] = true // already reported; don't report every reference to it too
		case seen[m.Name]:
			d.fail(fields[i]["name"], join(path, "name"), fmt.Sprintf("mode %q defined twice", m.Name), "give every mode its own name")
		default:
			seen[m.Name] = true
			kept[i] = len(p.Modes)
			p.Modes = append(p.Modes, m)
		}
	}
	// Transitions of modes that failed are still decoded, for their errors.
	for i, f := range fields {
		if f == nil {
			continue
		}
		from, _ := d.str(f["name"], "")
		ts := d.transitions(f["transitions"], join(index("modes", i), "transitions"), p, from)
		if kept[i] >= 0 {
			p.Modes[kept[i]].Transitions = ts
		}
	}
}

// mode decodes a mode's name, prompt and privileged flag.
func (d *decoder) mode(n *yaml.Node, f map[string]*yaml.Node, path string, pin bool) (Mode, bool) {
	name, ok := d.str(f["name"], join(path, "name"))
	if !ok || name == "" {
		d.fail(n, join(path, "name"), "a mode needs a name", `add name: such as "exec" or "configuration"`)
		return Mode{}, false
	}
	if f["prompt"] == nil {
		d.fail(n, join(path, "prompt"), fmt.Sprintf("mode %q has no prompt", name), "add prompt: with a regex matching the prompt line")
		return Mode{Name: name}, false
	}
	ppath := join(path, "prompt")
	pf := d.fields(f["prompt"], ppath, patternKeys...)
	if pf != nil && pf["name"] == nil {
		pf["name"] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}
	}
	prompt, ok := d.pattern(f["prompt"], pf, ppath, tailAnchored)
	if !ok {
		return Mode{Name: name}, false
	}
	if pin && prompt.Regexp.SubexpIndex("host") < 0 {
		d.fail(f["prompt"], ppath, fmt.Sprintf("the prompt of mode %q has no (?P<host>...) group", name),
			"capture the hostname as (?P<host>...) so the prompt can be pinned to the device's real name, or set pin_hostname: false")
		return Mode{Name: name}, false
	}
	if hostGroups(prompt.Regexp) > 1 {
		d.fail(f["prompt"], ppath, fmt.Sprintf("the prompt of mode %q has more than one (?P<host>...) group", name),
			"use one host group and put alternatives inside it, so the hostname is always in the same group")
		return Mode{Name: name}, false
	}
	m := Mode{Name: name, Prompt: prompt}
	if f["min_host_length"] != nil {
		m.MinHostLength, _ = d.integer(f["min_host_length"], join(path, "min_host_length"), 1, 63)
	}
	if f["privileged"] != nil {
		m.Privileged = d.boolean(f["privileged"], join(path, "privileged"))
	}
	return m, true
}

// transitions decodes the edges leaving mode from.
func (d *decoder) transitions(n *yaml.Node, path string, p *Profile, from string) []Transition {
	var out []Transition
	seen := make(map[string]bool)
	for i, item := range d.list(n, path) {
		tpath := index(path, i)
		f := d.fields(item, tpath, "to", "steps")
		if f == nil {
			continue
		}
		// Steps first: their problems are worth reporting even when the
		// target mode is wrong.
		before := len(d.errs)
		steps := d.steps(f["steps"], join(tpath, "steps"), p)
		stepsFailed := len(d.errs) > before
		to, ok := d.str(f["to"], join(tpath, "to"))
		switch {
		case !ok:
			d.fail(item, join(tpath, "to"), "a transition needs to:", "name the mode it leads to")
			continue
		case to == from:
			d.fail(f["to"], join(tpath, "to"), fmt.Sprintf("mode %q has a transition to itself", from), "remove it")
			continue
		case seen[to]:
			d.fail(f["to"], join(tpath, "to"), fmt.Sprintf("two transitions from %q to %q", from, to), "keep one of them")
			continue
		}
		if _, exists := p.Mode(to); !exists {
			if !d.broken[to] {
				d.fail(f["to"], join(tpath, "to"), fmt.Sprintf("unknown mode %q", to), "known modes: "+modeNames(p))
			}
			continue
		}
		seen[to] = true
		if len(steps) == 0 {
			if stepsFailed {
				continue
			}
			d.fail(item, join(tpath, "steps"), fmt.Sprintf("the transition from %q to %q has no steps", from, to),
				"add steps: with at least one send: and the prompts to expect")
			continue
		}
		out = append(out, Transition{To: to, Steps: steps})
	}
	return out
}

func modeNames(p *Profile) string {
	s := ""
	for i, m := range p.Modes {
		if i > 0 {
			s += ", "
		}
		s += m.Name
	}
	return s
}

func hostGroups(re *regexp.Regexp) int {
	n := 0
	for _, name := range re.SubexpNames() {
		if name == "host" {
			n++
		}
	}
	return n
}
