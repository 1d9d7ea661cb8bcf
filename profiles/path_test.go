package profiles

import (
	"errors"
	"slices"
	"testing"
)

func targets(path []Transition) []string {
	out := []string{}
	for _, t := range path {
		out = append(out, t.To)
	}
	return out
}

func TestPath(t *testing.T) {
	s := loadDefaults(t)
	tests := []struct {
		profile, from, to string
		want              []string
		firstSend         string
	}{
		{"cisco_ios", "exec", "configuration", []string{"privileged", "configuration"}, "{{enable_command}}\n"},
		{"cisco_ios", "configuration", "exec", []string{"privileged", "exec"}, "end\n"},
		{"cisco_ios", "privileged", "exec", []string{"exec"}, "disable\n"},
		{"cisco_ios", "exec", "exec", []string{}, ""},
		{"junos", "shell", "configuration", []string{"operational", "configuration"}, "cli\n"},
		{"junos", "configuration", "operational", []string{"operational"}, "exit\n"},
	}
	for _, tc := range tests {
		p := mustProfile(t, s, tc.profile)
		path, err := p.Path(tc.from, tc.to)
		if err != nil {
			t.Errorf("%s Path(%q, %q): %v", tc.profile, tc.from, tc.to, err)
			continue
		}
		if got := targets(path); !slices.Equal(got, tc.want) {
			t.Errorf("%s Path(%q, %q) goes through %q, want %q", tc.profile, tc.from, tc.to, got, tc.want)
		}
		if len(path) > 0 && path[0].Steps[0].Send != tc.firstSend {
			t.Errorf("%s Path(%q, %q) first sends %q, want %q", tc.profile, tc.from, tc.to, path[0].Steps[0].Send, tc.firstSend)
		}
	}
}

func TestPathErrors(t *testing.T) {
	s := loadDefaults(t)
	junos := mustProfile(t, s, "junos")
	if _, err := junos.Path("operational", "shell"); !errors.Is(err, ErrNoPath) {
		t.Errorf("operational -> shell: %v, want ErrNoPath", err)
	}
	if _, err := junos.Path("operational", "enable"); !errors.Is(err, ErrUnknownMode) {
		t.Errorf("unknown target: %v, want ErrUnknownMode", err)
	}
	if _, err := junos.Path("nope", "operational"); !errors.Is(err, ErrUnknownMode) {
		t.Errorf("unknown source: %v, want ErrUnknownMode", err)
	}
}

// The breadth-first search must prefer the short way round even when a
// longer one is listed first.
func TestPathShortest(t *testing.T) {
	doc := `name: ring
completion: prompt
modes:
  - name: a
    prompt: {regex: '^(?P<host>\w+)a$'}
    transitions:
      - to: b
        steps: [{send: "ab\n"}]
      - to: d
        steps: [{send: "ad\n"}]
  - name: b
    prompt: {regex: '^(?P<host>\w+)b$'}
    transitions:
      - to: c
        steps: [{send: "bc\n"}]
  - name: c
    prompt: {regex: '^(?P<host>\w+)c$'}
    transitions:
      - to: d
        steps: [{send: "cd\n"}]
  - name: d
    prompt: {regex: '^(?P<host>\w+)d$'}
`
	p, err := Parse("ring.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	path, err := p.Path("a", "d")
	if err != nil || !slices.Equal(targets(path), []string{"d"}) {
		t.Fatalf("Path(a, d) = %q, %v; want the direct edge", targets(path), err)
	}
	path, err = p.Path("b", "d")
	if err != nil || !slices.Equal(targets(path), []string{"c", "d"}) {
		t.Fatalf("Path(b, d) = %q, %v", targets(path), err)
	}
}
