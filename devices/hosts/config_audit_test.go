package hosts

import (
	"errors"
	"strings"
	"testing"
)

func TestParseConfigAudit(t *testing.T) {
	c, err := ParseConfig("/etc/x/config.yaml", []byte("defaults:\n  history: 3\naudit:\n  file: /var/log/a.jsonl\n  fail_closed: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Audit{File: "/var/log/a.jsonl", FailClosed: true, Line: 3}); c.Audit != want {
		t.Errorf("Audit = %+v, want %+v", c.Audit, want)
	}
	if c, err := ParseConfig("/etc/x/config.yaml", []byte("defaults:\n  history: 3\n")); err != nil || c.Audit != (Audit{}) {
		t.Errorf("without audit: Audit = %+v, %v; want zero", c.Audit, err)
	}
}

func TestParseConfigAuditErrors(t *testing.T) {
	cases := []struct {
		name, yaml string
		line       int
		setting    string
		msgHas     string
	}{
		{"relative file", "audit:\n  file: audit.jsonl\n", 2, "audit.file", "absolute"},
		{"bad fail_closed", "audit:\n  file: /a\n  fail_closed: sometimes\n", 3, "audit.fail_closed", "true or false"},
		{"quoted fail_closed", "audit:\n  file: /a\n  fail_closed: \"true\"\n", 3, "audit.fail_closed", "true or false"},
		{"fail_closed without file", "audit:\n  fail_closed: true\n", 2, "audit.file", "missing"},
		{"unknown key", "audit:\n  path: /a\n", 2, "audit.path", "unknown key"},
		{"not a mapping", "audit: /a\n", 1, "audit", "mapping"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig("/etc/x/config.yaml", []byte(c.yaml))
			var re *ResolveError
			if !errors.As(err, &re) {
				t.Fatalf("ParseConfig(%q) = %v, want a *ResolveError", c.yaml, err)
			}
			if re.Line != c.line || re.Setting != c.setting || !strings.Contains(re.Msg, c.msgHas) {
				t.Errorf("ParseConfig(%q) = %q (line %d setting %q), want line %d setting %q and %q in the message",
					c.yaml, err, re.Line, re.Setting, c.line, c.setting, c.msgHas)
			}
		})
	}
}
