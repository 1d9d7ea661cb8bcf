package profiles

import (
	"errors"
	"strings"
	"testing"
)

// base is a minimal valid prompt profile; cases below break one thing in
// it at a known line.
const base = `name: demo
completion: prompt
modes:
  - name: exec
    prompt:
      regex: '^(?P<host>[\w.-]+)>\s*$'
    transitions:
      - to: privileged
        steps:
          - send: "{{enable_command}}\n"
            expect:
              - regex: '^Password:\s*\z'
                reply: "{{enable_secret}}\n"
                then: again
                limit: 1
                message: wrong secret
              - prompt: privileged
  - name: privileged
    prompt:
      regex: '^(?P<host>[\w.-]+)#\s*$'
`

func TestParseValid(t *testing.T) {
	p, err := Parse("demo.yaml", []byte(base))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if p.Name != "demo" || len(p.Modes) != 2 || len(p.Modes[0].Transitions) != 1 {
		t.Fatalf("parsed %+v", p)
	}
	cases := p.Modes[0].Transitions[0].Steps[0].Cases
	if len(cases) != 2 || cases[1].Pattern.Regexp != p.Modes[1].Prompt.Regexp {
		t.Fatalf("prompt: privileged not resolved to the mode's prompt: %+v", cases)
	}
	if p.Term != DefaultTerm || p.Width != DefaultWidth || p.Settle != DefaultSettle {
		t.Errorf("defaults: term %q width %d settle %v", p.Term, p.Width, p.Settle)
	}
	p, err = Parse("demo.yaml", []byte(edit(t, "completion: prompt\n", "completion: prompt\nsettle: 0s\n")))
	if err != nil || p.Settle != 0 {
		t.Errorf("settle: 0s gave %v, %v; want 0 (a prompt accepted at once)", p.Settle, err)
	}
}

func TestParseNameFromFile(t *testing.T) {
	p, err := Parse("/etc/x/arista_eos.yaml", []byte(strings.Replace(base, "name: demo\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "arista_eos" {
		t.Errorf("Name = %q, want it from the file name", p.Name)
	}
}

// edit applies a replacement to base that must exist in it.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("base has no %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		doc       string
		line      int
		field     string
		msg, hint string // substrings
	}{
		{"unknown key", edit(t, "completion: prompt\n", "completion: prompt\npagination: x\n"),
			3, "pagination", "unknown field", "known fields here: name, description, completion"},
		{"typo in key", edit(t, "      regex: '^(?P<host>[\\w.-]+)>\\s*$'", "      regx: '^(?P<host>[\\w.-]+)>\\s*$'"),
			6, "modes[0].prompt.regx", "unknown field", `did you mean "regex"?`},
		{"misspelled key", edit(t, "    transitions:\n", "    Transitions:\n"),
			7, "modes[0].Transitions", "unknown field", `did you mean "transitions"`},
		{"bad regex", edit(t, `'^(?P<host>[\w.-]+)#\s*$'`, `'^(?P<host>[\w.-]+#\s*$'`),
			20, "modes[1].prompt.regex", "missing closing )", "fix the regular expression"},
		{"failing sample", edit(t, `      regex: '^(?P<host>[\w.-]+)#\s*$'`,
			"      regex: '^(?P<host>[\\w.-]+)#\\s*$'\n      tests:\n        match: [\"R1>\"]"),
			22, "modes[1].prompt.tests.match[0]", `pattern "privileged" does not match the sample "R1>"`, "compiled as"},
		{"trap sample matches", edit(t, `      regex: '^(?P<host>[\w.-]+)#\s*$'`,
			"      regex: '(?P<host>[\\w.-]+)#.*'\n      tests:\n        no_match: [\"R1# is monitored\"]"),
			22, "modes[1].prompt.tests.no_match[0]", `matches the sample "R1# is monitored"`, "stricter"},
		{"no host group", edit(t, `'^(?P<host>[\w.-]+)#\s*$'`, `'^[\w.-]+#\s*$'`),
			20, "modes[1].prompt", "no (?P<host>...) group", "capture the hostname"},
		{"two host groups", edit(t, `'^(?P<host>[\w.-]+)#\s*$'`, `'^(?:(?P<host>[\w.-]+)#|(?P<host>[\w.-]+)\$)\s*$'`),
			20, "modes[1].prompt", "more than one (?P<host>...) group", "put alternatives inside it"},
		{"unknown secret", edit(t, "{{enable_secret}}", "{{enable_secert}}"),
			13, "modes[0].transitions[0].steps[0].expect[0].reply", `unknown secret reference "{{enable_secert}}"`, "{{enable_secret}}"},
		{"spaced secret", edit(t, "{{enable_command}}", "{{ enable_command }}"),
			10, "modes[0].transitions[0].steps[0].send", "unknown secret reference", "without spaces"},
		{"unknown mode in transition", edit(t, "- to: privileged", "- to: priviledged"),
			8, "modes[0].transitions[0].to", `unknown mode "priviledged"`, "known modes: exec, privileged"},
		{"unknown mode in prompt ref", edit(t, "- prompt: privileged", "- prompt: enable"),
			17, "modes[0].transitions[0].steps[0].expect[1].prompt", `unknown mode "enable"`, "known modes"},
		{"duplicate mode", edit(t, "  - name: privileged\n", "  - name: exec\n"),
			18, "modes[1].name", `mode "exec" defined twice`, "own name"},
		{"fail without message", edit(t, "                message: wrong secret\n", "                then: fail\n"),
			16, "modes[0].transitions[0].steps[0].expect[0].then", "given twice", ""},
		{"bad action", edit(t, "then: again", "then: retry"),
			14, "modes[0].transitions[0].steps[0].expect[0].then", `"retry" is not an action`, "next"},
		{"settle too long", edit(t, "completion: prompt\n", "completion: prompt\nsettle: 1m\n"),
			3, "settle", `"1m" is not a duration from 0s to 5s`, "20ms"},
		{"settle on a marker profile", edit(t, "completion: prompt\n", "completion: marker\nsettle: 20ms\n"),
			3, "settle", "only used by prompt profiles", "remove settle:"},
		{"bad completion", edit(t, "completion: prompt", "completion: prompts"),
			2, "completion", `"prompts" is not a completion strategy`, "marker"},
		{"yaml syntax", edit(t, "      regex: '^(?P<host>[\\w.-]+)#\\s*$'\n", "      regex: '^(?P<host>\n  bad: [\n"),
			0, "", "not valid YAML", "indentation"},
		{"wrong type", edit(t, "limit: 1", "limit: [1]"),
			15, "modes[0].transitions[0].steps[0].expect[0].limit", "expected text, found a list", ""},
		{"not a list", edit(t, "modes:\n", "modes: exec\nx:\n"),
			3, "modes", "expected a list", ""},
		{"bad limit", edit(t, "limit: 1", "limit: many"),
			15, "modes[0].transitions[0].steps[0].expect[0].limit", `"many" is not a whole number`, ""},
		{"regex and literal", edit(t, "              - regex: '^Password:\\s*\\z'\n", "              - regex: '^Password:\\s*\\z'\n                literal: 'Password:'\n"),
			12, "modes[0].transitions[0].steps[0].expect[0]", "both regex and literal", "keep one"},
		{"transition without steps", edit(t, "        steps:\n          - send: \"{{enable_command}}\\n\"\n", "        steps: []\n        x:\n          - send: \"{{enable_command}}\\n\"\n"),
			8, "modes[0].transitions[0].steps", `the transition from "exec" to "privileged" has no steps`, "add steps:"},
		{"empty step", edit(t, "completion: prompt\n", "completion: prompt\non_open:\n  - send: \"\"\n    expect: []\n"),
			4, "on_open[0]", "a step needs send: or expect:", "add the text to send"},
		{"env on prompt profile", edit(t, "completion: prompt\n", "completion: prompt\nenv:\n  PAGER: cat\n"),
			4, "env", "only used by marker profiles", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("demo.yaml", []byte(tc.doc))
			if err == nil {
				t.Fatalf("Parse accepted:\n%s", tc.doc)
			}
			le := findError(LoadErrors(err), tc.field, tc.msg)
			if le == nil {
				t.Fatalf("no error with field %q and message %q in:\n%v", tc.field, tc.msg, err)
			}
			if le.File != "demo.yaml" || (tc.line != 0 && le.Line != tc.line) || !strings.Contains(le.Hint, tc.hint) {
				t.Errorf("got %q; want demo.yaml:%d, hint containing %q", le.Error(), tc.line, tc.hint)
			}
			if tc.line == 0 && le.Line == 0 && tc.name == "yaml syntax" {
				t.Errorf("syntax error without a line: %q", le.Error())
			}
		})
	}
}

func findError(errs []error, field, msg string) *LoadError {
	for _, err := range errs {
		var le *LoadError
		if errors.As(err, &le) && le.Field == field && strings.Contains(le.Msg, msg) {
			return le
		}
	}
	return nil
}

func TestParseReportsEveryProblemInFileOrder(t *testing.T) {
	doc := edit(t, "- to: privileged", "- to: nowhere")
	doc = strings.Replace(doc, "{{enable_secret}}", "{{secret}}", 1)
	doc = strings.Replace(doc, "completion: prompt\n", "completion: prompt\nwidht: 80\n", 1)
	_, err := Parse("demo.yaml", []byte(doc))
	errs := LoadErrors(err)
	if len(errs) != 3 {
		t.Fatalf("want 3 problems, got %d:\n%v", len(errs), err)
	}
	last := 0
	for _, e := range errs {
		line := e.(*LoadError).Line
		if line < last {
			t.Errorf("errors out of file order:\n%v", err)
		}
		last = line
	}
}

func TestLoadErrorFormat(t *testing.T) {
	e := &LoadError{File: "cisco_ios.yaml", Line: 42, Field: "modes[1].prompt", Msg: "error parsing regexp: missing closing )", Hint: "fix the regular expression"}
	want := "cisco_ios.yaml:42: modes[1].prompt: error parsing regexp: missing closing ) (fix the regular expression)"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	e = &LoadError{File: "x.yaml", Msg: "the file is empty"}
	if got := e.Error(); got != "x.yaml: the file is empty" {
		t.Errorf("Error() = %q", got)
	}
}

func TestParseEmptyAndMultiDocument(t *testing.T) {
	for name, doc := range map[string]string{"empty": "", "two documents": base + "---\nname: other\n", "scalar": "just text\n"} {
		if _, err := Parse("x.yaml", []byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if le := (*LoadError)(nil); !errors.As(err, &le) {
			t.Errorf("%s: %v is not a *LoadError", name, err)
		}
	}
}
