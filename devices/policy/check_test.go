package policy

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
)

func rules(deny, ask, allow []string, def Decision) Rules {
	mk := func(list Decision, srcs []string) []Rule {
		var out []Rule
		for i, s := range srcs {
			out = append(out, Rule{List: list, Regexp: regexp.MustCompile(s), File: "config.yaml", Line: 10 + i, Key: "policy." + list.String()})
		}
		return out
	}
	return Rules{Deny: mk(Deny, deny), Ask: mk(Ask, ask), Allow: mk(Allow, allow), Default: def, DefaultWhere: "config.yaml:2", DefaultKey: "policy.default"}
}

var team = Policy{Commands: rules(
	[]string{`^format`, `\breboot\b`, `rm -rf /`},
	[]string{`^reload`, `^configure`, `systemctl (restart|stop)`},
	[]string{`^show `, `^ping `, `^reload in`},
	Ask)}

// TestCommandPrecedence: deny, then ask, then allow, then the default.
func TestCommandPrecedence(t *testing.T) {
	for _, c := range []struct {
		line string
		want Decision
		rule string // the deciding rule, "" for the default
	}{
		{"show version", Allow, `^show `},
		{"reload", Ask, `^reload`},
		{"reload in 5", Ask, `^reload`}, // ask before allow
		{"show x; reboot", Deny, `\breboot\b`},
		{"ping 10.0.0.1 && systemctl restart nginx", Ask, `systemctl (restart|stop)`},
		{"uptime", Ask, ""},
		{"sudo reboot", Deny, `\breboot\b`},
		{`"re"boot`, Deny, `\breboot\b`},
		{"echo $(reboot)", Deny, `\breboot\b`},
		{"show a\nconfigure terminal", Ask, `^configure`},
		{"show a\rreboot", Deny, `\breboot\b`},
		{"show a\x15rebo\tnow", Ask, ""},
	} {
		v := Command(team, Target{}, c.line)
		got := ""
		if v.Rule != nil {
			got = v.Rule.Regexp.String()
		}
		if v.Decision != c.want || got != c.rule {
			t.Errorf("Command(%q) = %s by %q (%s), want %s by %q", c.line, v.Decision, got, v.Explain(), c.want, c.rule)
		}
	}
	allowDefault := team
	allowDefault.Commands.Default = Allow
	if v := Command(allowDefault, Target{}, "uptime"); v.Decision != Allow {
		t.Errorf("default allow: uptime %s", v.Decision)
	}
	if v := Command(Policy{}, Target{}, "sh -c 'reboot'"); v.Decision != Allow {
		t.Errorf("the zero Policy decided %s: %s", v.Decision, v.Explain())
	}
}

// TestCommandOpaque: a line that cannot be split is at least ask, and
// still denied when its text matches a deny rule.
func TestCommandOpaque(t *testing.T) {
	p := Policy{Commands: rules([]string{`rm -rf /`}, nil, nil, Allow)}
	if v := Command(p, Target{}, "sh -c 'id'"); v.Decision != Ask || !strings.Contains(v.Reason, "sh -c") {
		t.Errorf("sh -c: %s %s", v.Decision, v.Explain())
	}
	if v := Command(p, Target{}, "eval 'rm -rf /'"); v.Decision != Deny {
		t.Errorf("eval of a denied line: %s %s", v.Decision, v.Explain())
	}
	if v := Command(p, Target{}, "echo 'unbalanced"); v.Decision != Ask {
		t.Errorf("unbalanced quote: %s", v.Decision)
	}
	if v := Command(p, Target{Syntax: Lines}, "show run | include 'x"); v.Decision != Allow {
		t.Errorf("a device line is not shell syntax: %s %s", v.Decision, v.Explain())
	}
}

func TestCommandReadOnly(t *testing.T) {
	p := Policy{ReadOnly: true, ReadOnlyWhere: "--read-only"}
	linux := Target{Profile: "linux", ReadOnly: []*regexp.Regexp{regexp.MustCompile(`(?m)^(ls|df|cat|grep)(\s|$)`)}}
	for line, want := range map[string]Decision{
		"df -h": Allow, "ls -l | grep x": Allow, "rm x": Deny, "ls; rm x": Deny, "ls > f": Deny, "cat $(ls)": Deny,
		"echo x": Deny, `cat "a` + "\n" + `rm b"`: Deny, "sh -c ls": Deny, "ls 2>&1": Deny, "xls": Deny,
	} {
		if v := Command(p, linux, line); v.Decision != want {
			t.Errorf("read-only %q: %s (%s), want %s", line, v.Decision, v.Explain(), want)
		}
	}
	ios := Target{Syntax: Lines, Profile: "cisco_ios", ReadOnly: []*regexp.Regexp{regexp.MustCompile(`(?m)^sh(o(w)?)?\s`)}}
	for line, want := range map[string]Decision{"show version": Allow, "sh ver": Allow, "configure terminal": Deny, "show ver\nreload": Deny} {
		if v := Command(p, ios, line); v.Decision != want {
			t.Errorf("read-only device %q: %s (%s), want %s", line, v.Decision, v.Explain(), want)
		}
	}
	if v := Command(p, Target{Profile: "mine"}, "ls"); v.Decision != Deny || !strings.Contains(v.Reason, "profile mine") {
		t.Errorf("a profile without read_only patterns: %s %s", v.Decision, v.Explain())
	}
}

func TestInput(t *testing.T) {
	for text, want := range map[string]Decision{
		"\x03": Allow, "\n": Allow, "reboot\n": Deny, "show ip\r": Allow, "uptime\n": Ask,
		"rebo\x7f\x7fot\n": Ask, "\x1b[A\n": Ask, "show x\x1b[A": Ask, "\x12reb\n": Ask, "rebo\t\n": Ask,
		"\x04": Allow, "show ip\x03": Allow,
	} {
		if v := Input(team, Target{}, text); v.Decision != want {
			t.Errorf("Input(%q) = %s (%s), want %s", text, v.Decision, v.Explain(), want)
		}
	}
	if v := Input(Policy{}, Target{}, "\x1b:q!\n"); v.Decision != Allow {
		t.Errorf("the zero Policy refused input: %s", v.Explain())
	}
}

func TestPath(t *testing.T) {
	p := Policy{Files: rules([]string{`^/etc/shadow$`}, []string{`^/etc/`}, []string{`^/tmp/`}, Allow)}
	for name, want := range map[string]Decision{
		"/etc/shadow": Deny, "/etc//shadow": Deny, "/etc/hosts": Ask, "/tmp/x": Allow, "notes.txt": Allow,
		"/tmp/../etc/shadow": Deny, "../x": Ask,
	} {
		if v := Path(p, name, false); v.Decision != want {
			t.Errorf("Path(%q) = %s (%s), want %s", name, v.Decision, v.Explain(), want)
		}
	}
	ro := Policy{ReadOnly: true, ReadOnlyWhere: "config.yaml:3"}
	if v := Path(ro, "/tmp/x", true); v.Decision != Deny || !strings.Contains(v.Reason, "config.yaml:3") {
		t.Errorf("read-only write: %s %s", v.Decision, v.Explain())
	}
	if v := Path(ro, "/tmp/x", false); v.Decision != Allow {
		t.Errorf("read-only read: %s", v.Decision)
	}
}

type approveAll struct{ asked int }

func (a *approveAll) Approve(context.Context, Question) error { a.asked++; return nil }

func TestEnforce(t *testing.T) {
	ctx := context.Background()
	v := Command(team, Target{}, "reload")
	err := Enforce(ctx, nil, Question{Host: "r1", Action: "command", Text: "reload", Verdict: v})
	var re *RefusedError
	if !errors.As(err, &re) || !errors.Is(err, ErrNoApprover) || !errors.Is(err, ErrRefused) {
		t.Fatalf("ask without an approver: %v", err)
	}
	if !strings.Contains(err.Error(), "`^reload`") || !strings.Contains(err.Error(), "config.yaml:10") {
		t.Errorf("the refusal does not name the rule and its line: %v", err)
	}
	a := &approveAll{}
	if err := Enforce(ctx, a, Question{Verdict: v}); err != nil || a.asked != 1 {
		t.Errorf("approved ask: %v, asked %d", err, a.asked)
	}
	deny := Command(team, Target{}, "format flash:")
	if err := Enforce(ctx, a, Question{Verdict: deny}); !errors.Is(err, ErrRefused) || a.asked != 1 {
		t.Errorf("deny: %v, asked %d (a deny is never put to a person)", err, a.asked)
	}
}
