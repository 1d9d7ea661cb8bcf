package hosts

import (
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
)

// PolicyConfig is one policy: mapping of the config file, as written in
// defaults or in one host entry.
//
//	policy:
//	  default: ask               # allow, ask or deny: commands no rule matches
//	  deny:  ['\breboot\b']      # Go regular expressions, checked in this order
//	  ask:   ['^reload', '^configure']
//	  allow: ['^show ']
//	  files:                     # the same for read_file and write_file paths
//	    default: allow
//	    deny: ['^/etc/shadow$']
type PolicyConfig struct {
	Commands policy.Rules
	Files    policy.Rules
}

// ReadOnlyConfig is a read_only: setting and where it was written.
type ReadOnlyConfig struct {
	On    bool
	Where string // "file:line"
}

// policy decodes a policy: mapping: the command rules, and the file rules
// under files:.
func (d *decoder) policy(n *yaml.Node, where string) *PolicyConfig {
	p := &PolicyConfig{}
	fields := d.ruleFields(&p.Commands)
	fields["files"] = func(v *yaml.Node, f string) { d.mapping(v, f, d.ruleFields(&p.Files)) }
	d.mapping(n, where, fields)
	return p
}

// ruleFields decode default, deny, ask and allow into r.
func (d *decoder) ruleFields(r *policy.Rules) map[string]func(*yaml.Node, string) {
	return map[string]func(*yaml.Node, string){
		"default": func(v *yaml.Node, f string) {
			s := d.scalar(v, f)
			dec, ok := policy.ParseDecision(s)
			if !ok {
				d.fail(v, f, fmt.Sprintf("%q is not a decision", s), "use allow, ask or deny")
			}
			r.Default, r.DefaultWhere, r.DefaultKey = dec, fmt.Sprintf("%s:%d", d.file, d.keyLine), f
		},
		"deny":  func(v *yaml.Node, f string) { r.Deny = d.rules(v, f, policy.Deny) },
		"ask":   func(v *yaml.Node, f string) { r.Ask = d.rules(v, f, policy.Ask) },
		"allow": func(v *yaml.Node, f string) { r.Allow = d.rules(v, f, policy.Allow) },
	}
}

// rules decodes a list of Go regular expressions, each named in errors by
// its own line.
func (d *decoder) rules(n *yaml.Node, field string, list policy.Decision) []policy.Rule {
	var out []policy.Rule
	for i, item := range d.seq(n, field) {
		item = deref(item)
		key := fmt.Sprintf("%s[%d]", field, i)
		src := d.scalar(item, key)
		if d.err != nil {
			return nil
		}
		re, err := regexp.Compile(src)
		switch {
		case err != nil:
			d.fail(item, key, fmt.Sprintf("%q is not a Go regular expression: %v", src, err), "see https://pkg.go.dev/regexp/syntax; quote it in single quotes so that YAML leaves backslashes alone")
			return nil
		case src == "":
			d.fail(item, key, "empty pattern", "an empty pattern matches everything; write what to match, or set default:")
			return nil
		}
		out = append(out, policy.Rule{List: list, Regexp: re, File: d.file, Line: item.Line, Key: key})
	}
	return out
}

func (d *decoder) readOnly(n *yaml.Node, field string) *ReadOnlyConfig {
	s := d.scalar(n, field)
	if n.Tag != "!!bool" {
		d.fail(n, field, fmt.Sprintf("%q is not true or false", s), "write read_only: true or read_only: false")
		return nil
	}
	return &ReadOnlyConfig{On: s == "true" || s == "True" || s == "TRUE", Where: fmt.Sprintf("%s:%d", d.file, d.keyLine)}
}

// Policy is the policy for alias: the deny, ask and allow lists of every
// host entry that matches it, in file order, then those of defaults (so
// no entry can lift a rule of defaults); for each default: and for
// read_only: the first matching entry that sets it, else defaults.
func (c *Config) Policy(alias string) policy.Policy {
	var p policy.Policy
	var ro *ReadOnlyConfig
	var cmdDefault, fileDefault bool
	add := func(pc *PolicyConfig) {
		if pc == nil {
			return
		}
		for _, pair := range []struct {
			into, from *policy.Rules
			set        *bool
		}{{&p.Commands, &pc.Commands, &cmdDefault}, {&p.Files, &pc.Files, &fileDefault}} {
			pair.into.Deny = append(pair.into.Deny, pair.from.Deny...)
			pair.into.Ask = append(pair.into.Ask, pair.from.Ask...)
			pair.into.Allow = append(pair.into.Allow, pair.from.Allow...)
			if !*pair.set && pair.from.DefaultKey != "" {
				pair.into.Default, pair.into.DefaultWhere, pair.into.DefaultKey = pair.from.Default, pair.from.DefaultWhere, pair.from.DefaultKey
				*pair.set = true
			}
		}
	}
	for _, h := range c.Hosts {
		if globsMatch(h.Match, alias) {
			add(h.Policy)
			if ro == nil {
				ro = h.ReadOnly
			}
		}
	}
	add(c.Defaults.Policy)
	if ro == nil {
		ro = c.Defaults.ReadOnly
	}
	if ro != nil && ro.On {
		p.ReadOnly, p.ReadOnlyWhere = true, "read_only: true at "+ro.Where
	}
	return p
}
