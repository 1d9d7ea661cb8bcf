package hosts

import (
	"os"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
)

// TestReadmeGuardrailsPolicy: the worked config of the README's
// Guardrails section loads and decides as the text around it says.
func TestReadmeGuardrailsPolicy(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "## Guardrails")
	if start < 0 {
		t.Fatal("README.md has no Guardrails section")
	}
	text = text[start:]
	open := strings.Index(text, "```yaml\n")
	if open < 0 {
		t.Fatal("the Guardrails section has no yaml block")
	}
	block := text[open+len("```yaml\n"):]
	block = block[:strings.Index(block, "```")]
	c, err := ParseConfig("config.yaml", []byte(block))
	if err != nil {
		t.Fatalf("the worked config does not load: %v", err)
	}
	device, shell := policy.Target{Syntax: policy.Lines}, policy.Target{}
	for _, tc := range []struct {
		alias, line string
		t           policy.Target
		want        policy.Decision
	}{
		{"core-1", "show ip route", device, policy.Allow},
		{"core-1", "conf t", device, policy.Ask},
		{"core-1", "reload", device, policy.Ask},
		{"core-1", "format flash:", device, policy.Deny},
		{"web1", "df -h", shell, policy.Allow},
		{"web1", "uptime", shell, policy.Ask},
		{"web1", "systemctl restart nginx", shell, policy.Ask},
		{"web1", "ls; sudo reboot", shell, policy.Deny},
		{"10.0.0.1", "cat /etc/hosts", shell, policy.Deny}, // read-only, and the profile declares nothing here
	} {
		if v := policy.Command(c.Policy(tc.alias), tc.t, tc.line); v.Decision != tc.want {
			t.Errorf("%s: %q is %s (%s), want %s", tc.alias, tc.line, v.Decision, v.Explain(), tc.want)
		}
	}
	if p := c.Policy("10.0.0.1"); !p.ReadOnly {
		t.Error("a host no entry names is not read-only")
	}
	if v := policy.Path(c.Policy("web1"), "/home/u/.ssh/authorized_keys", true); v.Decision != policy.Deny {
		t.Errorf("writing authorized_keys: %s (%s)", v.Decision, v.Explain())
	}
}
