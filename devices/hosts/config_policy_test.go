package hosts

import (
	"errors"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
)

const policyConfig = `defaults:
  read_only: true
  policy:
    default: ask
    deny: ['\breboot\b']
    files:
      deny: ['^/etc/shadow$']
hosts:
  - match: "lab-*"
    read_only: false
    policy:
      ask: ['^reload']
      allow: ['^show ']
  - match: "lab-1"
    policy:
      default: deny
`

func TestPolicyConfig(t *testing.T) {
	c, err := ParseConfig("config.yaml", []byte(policyConfig))
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	p := c.Policy("lab-1")
	if p.ReadOnly {
		t.Errorf("lab-1 read-only, want the entry's read_only: false to win over defaults")
	}
	if p.Commands.Default != policy.Deny || p.Commands.DefaultWhere != "config.yaml:16" {
		t.Errorf("lab-1 default %s at %q, want deny at config.yaml:16 (the first entry that sets it)", p.Commands.Default, p.Commands.DefaultWhere)
	}
	if len(p.Commands.Deny) != 1 || p.Commands.Deny[0].Line != 5 || p.Commands.Deny[0].Key != "defaults.policy.deny[0]" {
		t.Errorf("lab-1 deny = %+v, want the defaults' rule on line 5 (entries cannot lift it)", p.Commands.Deny)
	}
	if len(p.Commands.Ask) != 1 || len(p.Commands.Allow) != 1 || p.Commands.Ask[0].Key != "hosts[0].policy.ask[0]" {
		t.Errorf("lab-1 ask %+v allow %+v", p.Commands.Ask, p.Commands.Allow)
	}
	if len(p.Files.Deny) != 1 || p.Files.Default != policy.Allow {
		t.Errorf("files = %+v, want the defaults' deny and default allow", p.Files)
	}
	w := c.Policy("web1")
	if !w.ReadOnly || w.ReadOnlyWhere != "read_only: true at config.yaml:2" || w.Commands.Default != policy.Ask {
		t.Errorf("web1 = read-only %v (%q) default %s, want read-only from config.yaml:2 and ask", w.ReadOnly, w.ReadOnlyWhere, w.Commands.Default)
	}
	if z := (&Config{}).Policy("x"); !z.Commands.Empty() || !z.Files.Empty() || z.ReadOnly {
		t.Errorf("no config gives %+v, want a policy that allows everything", z)
	}
}

func TestPolicyConfigErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"defaults:\n  policy:\n    deny: ['^(reboot']\n", "config.yaml:3: defaults.policy.deny[0]: \"^(reboot\" is not a Go regular expression"},
		{"hosts:\n  - match: x\n    policy:\n      ask:\n        - '^ok'\n        - 'a[b'\n", "config.yaml:6: hosts[0].policy.ask[1]"},
		{"defaults:\n  policy:\n    default: maybe\n", "config.yaml:3: defaults.policy.default: \"maybe\" is not a decision"},
		{"defaults:\n  policy:\n    denied: ['x']\n", "config.yaml:3: defaults.policy.denied: unknown key"},
		{"defaults:\n  policy:\n    files:\n      allow: x\n", "config.yaml:4: defaults.policy.files.allow: expected a list"},
		{"defaults:\n  read_only: yes please\n", "config.yaml:2: defaults.read_only"},
		{"defaults:\n  policy:\n    deny: ['']\n", "empty pattern"},
	} {
		_, err := ParseConfig("config.yaml", []byte(c.yaml))
		var re *ResolveError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseConfig(%q) = %v, want an error with %q", c.yaml, err, c.want)
		}
	}
}
