package profiles

import (
	"strings"
	"testing"
)

// configBase is base with a valid config: section after it.
const configBase = base + `config:
  mode: privileged
  rollback_to: {regex: '\A[0-9]\z'}
  begin: [configure private]
  diff:
    - send: show | compare
      capture: diff
  commit:
    - send: commit comment "{comment}"
      ok: {regex: '^commit complete$'}
  commit_confirmed: ["commit confirmed {minutes}"]
  discard: [rollback 0]
  end:
    - send: exit
      answers:
        - regex: 'Exit anyway\? \[yes,no\] '
          reply: "yes\n"
  rollback:
    - send: show archive
      set: {archive: {regex: 'current: (\S+)'}}
    - send: configure replace {archive} {to}
      capture: diff
`

func TestConfigParse(t *testing.T) {
	p, err := Parse("demo.yaml", []byte(configBase))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Config
	if c == nil || c.Mode != "privileged" || c.SafetyMinutes != 5 || len(c.Begin) != 1 || c.Begin[0].Send != "configure private" ||
		c.Diff[0].Capture != "diff" || c.Commit[0].OK == nil || len(c.End[0].Answers) != 1 || c.End[0].Answers[0].Reply != "yes\n" {
		t.Fatalf("config %+v", c)
	}
	if re := c.Rollback[0].Set["archive"]; re == nil || re.FindStringSubmatch("current: flash:r-3")[1] != "flash:r-3" {
		t.Errorf("set: archive = %v", re)
	}
	if !c.End[0].Answers[0].Pattern.Regexp.MatchString("Exit anyway? [yes,no] ") || c.End[0].Answers[0].Pattern.Regexp.MatchString("Exit anyway? [yes,no] yes\n") {
		t.Error("an answer's pattern is not anchored at the tail")
	}
	p, err = Parse("demo.yaml", []byte(base+"config:\n  unsupported: no transactions here\n"))
	if err != nil || p.Config == nil || p.Config.Unsupported != "no transactions here" {
		t.Errorf("unsupported: %v %+v", err, p.Config)
	}
}

func TestConfigParseErrors(t *testing.T) {
	replace := func(old, new string) string {
		t.Helper()
		if !strings.Contains(configBase, old) {
			t.Fatalf("configBase has no %q", old)
		}
		return strings.Replace(configBase, old, new, 1)
	}
	tests := []struct{ name, doc, field, msg string }{
		{"unknown mode", replace("mode: privileged", "mode: config"), "config.mode", `no mode is named "config"`},
		{"unknown placeholder", replace("{comment}", "{coment}"), "config.commit[0]", "unknown placeholder {coment}"},
		{"line break in a command", replace("begin: [configure private]", `begin: ["configure\nprivate"]`), "config.begin[0]", "line break"},
		{"missing discard", replace("  discard: [rollback 0]\n", ""), "config.discard", "missing"},
		{"diff not captured", replace("      capture: diff\n  commit:", "  commit:"), "config.diff", "no step captures the diff"},
		{"capture of something else", replace("capture: diff\n  commit:", "capture: output\n  commit:"), "config.diff[0].capture", "cannot be captured"},
		{"set without a group", replace(`'current: (\S+)'`, `'current: \S+'`), "config.rollback[0].set.archive", "exactly one group"},
		{"set of a placeholder's name", replace("set: {archive:", "set: {to:"), "config.rollback[0].set.to", "not a variable name"},
		{"rollback id across lines", replace(`'\A[0-9]\z'`, `'^[0-9]$'`), "config.rollback_to", "matches text with a newline"},
		{"rollback without rollback_to", replace("  rollback_to: {regex: '\\A[0-9]\\z'}\n", ""), "config.rollback", "without rollback_to"},
		{"answer without reply", replace("          reply: \"yes\\n\"\n", ""), "config.end[0].answers[0].reply", "missing"},
		{"unsupported with steps", base + "config:\n  unsupported: none\n  begin: [configure]\n", "config.begin", "given with unsupported"},
		{"unknown key", replace("  discard:", "  discrad: [x]\n  discard:"), "config.discrad", "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("demo.yaml", []byte(tc.doc))
			if err == nil {
				t.Fatalf("Parse accepted:\n%s", tc.doc)
			}
			if findError(LoadErrors(err), tc.field, tc.msg) == nil {
				t.Errorf("no error with field %q and message %q in:\n%v", tc.field, tc.msg, err)
			}
		})
	}
}
