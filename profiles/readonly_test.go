package profiles

import (
	"strings"
	"testing"
)

// TestParseReadOnly: read_only is a line-anchored pattern list whose
// errors name the file, line and key.
func TestParseReadOnly(t *testing.T) {
	p, err := Parse("demo.yaml", []byte(base+"read_only:\n  - regex: '^show\\s'\n    tests: {match: [\"show ver\"], no_match: [\"reload\"]}\n"))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(p.ReadOnly) != 1 || p.ReadOnly[0].Name != "read_only[0]" {
		t.Fatalf("ReadOnly = %+v, want one pattern named read_only[0]", p.ReadOnly)
	}
	if re := p.ReadOnly[0].Regexp; !re.MatchString("x\nshow run") || re.MatchString("no show") {
		t.Errorf("read_only is not line-anchored: compiled as %s", re)
	}
	_, err = Parse("demo.yaml", []byte(base+"read_only:\n  - regex: '^show('\n"))
	if err == nil || !strings.Contains(err.Error(), "demo.yaml:22") || !strings.Contains(err.Error(), "read_only[0].regex") {
		t.Errorf("a bad read_only pattern gave %v, want demo.yaml:22 and read_only[0].regex", err)
	}
}

// TestBuiltinReadOnly: each built-in profile declares read-only commands
// the way its CLI writes them, and none of its configuration commands.
func TestBuiltinReadOnly(t *testing.T) {
	s := loadDefaults(t)
	for name, c := range map[string]struct{ yes, no []string }{
		"cisco_ios": {[]string{"show version", "sh ver", "ping 10.0.0.1"}, []string{"configure terminal", "reload", "write memory", "copy run start"}},
		"junos":     {[]string{"show version", "show route | match 10."}, []string{"configure", "request system reboot", "commit"}},
		"frr":       {[]string{"show ip route", "sh run"}, []string{"configure terminal", "write memory", "clear ip bgp *"}},
		"linux":     {[]string{"df -h", "ls -l", "ip addr show", "systemctl status sshd"}, []string{"rm x", "reboot", "systemctl restart sshd", "tee /etc/x", "sh -c id"}},
	} {
		p := mustProfile(t, s, name)
		matches := func(cmd string) bool {
			for _, pat := range p.ReadOnly {
				if loc := pat.Regexp.FindStringIndex(cmd); loc != nil && loc[0] == 0 {
					return true
				}
			}
			return false
		}
		for _, cmd := range c.yes {
			if !matches(cmd) {
				t.Errorf("%s: %q is not read-only", name, cmd)
			}
		}
		for _, cmd := range c.no {
			if matches(cmd) {
				t.Errorf("%s: %q is read-only", name, cmd)
			}
		}
	}
}
