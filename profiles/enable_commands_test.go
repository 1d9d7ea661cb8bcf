package profiles

import (
	"slices"
	"strings"
	"testing"
)

// enable_commands lists the commands a caller may choose for
// {{enable_command}}: "enable" by default, one-line text otherwise.
func TestParseEnableCommands(t *testing.T) {
	p, err := Parse("demo.yaml", []byte(base))
	if err != nil || !slices.Equal(p.EnableCommands, []string{DefaultEnableCommand}) {
		t.Fatalf("default enable commands = %q, %v; want [enable]", p.EnableCommands, err)
	}
	p, err = Parse("demo.yaml", []byte(base+"enable_commands: [\"enable\", \"enable 15\"]\n"))
	if err != nil || !slices.Equal(p.EnableCommands, []string{"enable", "enable 15"}) {
		t.Fatalf("enable commands = %q, %v", p.EnableCommands, err)
	}
	for _, bad := range []string{`["enable\ntelnet 10.66.66.66"]`, `[" "]`, `{a: b}`} {
		if _, err := Parse("demo.yaml", []byte(base+"enable_commands: "+bad+"\n")); err == nil || !strings.Contains(err.Error(), "enable_commands") {
			t.Errorf("enable_commands: %s: err = %v, want it refused naming enable_commands", bad, err)
		}
	}
	ios, ok := mustBuiltin(t).Profile("cisco_ios")
	if !ok || !slices.Contains(ios.EnableCommands, "enable 15") {
		t.Errorf("cisco_ios enable commands = %q, want enable 15 among them", ios.EnableCommands)
	}
}

func mustBuiltin(t *testing.T) *Set {
	t.Helper()
	s, errs := Load("")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return s
}
