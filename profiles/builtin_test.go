package profiles

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// ownPatterns lists every pattern a profile defines itself (a case that
// reuses a mode's prompt is not one).
func ownPatterns(p *Profile) []*regexp.Regexp {
	prompts := map[*regexp.Regexp]bool{}
	var out []*regexp.Regexp
	for _, m := range p.Modes {
		prompts[m.Prompt.Regexp] = true
		out = append(out, m.Prompt.Regexp)
	}
	steps := append([]expect.Step(nil), p.OnOpen...)
	for _, m := range p.Modes {
		for _, t := range m.Transitions {
			steps = append(steps, t.Steps...)
		}
	}
	for _, st := range steps {
		for _, c := range st.Cases {
			if !prompts[c.Pattern.Regexp] {
				out = append(out, c.Pattern.Regexp)
			}
		}
	}
	for _, list := range [][]expect.Pattern{p.LoginPatterns, p.InputPrompts, p.Errors, p.TypeAhead, p.ReadOnly} {
		for _, pat := range list {
			out = append(out, pat.Regexp)
		}
	}
	for _, pg := range p.Pagers {
		out = append(out, pg.Pattern.Regexp)
	}
	out = append(out, p.StripLines...)
	if c := p.Config; c != nil {
		if c.RollbackTo != nil {
			out = append(out, c.RollbackTo)
		}
		for _, pat := range append(slices.Clone(c.AllowLines), c.ForbidLines...) {
			out = append(out, pat.Regexp)
		}
		for _, op := range [][]ConfigStep{c.Begin, c.Diff, c.Check, c.Commit, c.CommitConfirmed, c.Discard, c.End, c.Confirm, c.Rollback, c.Cancel} {
			for _, st := range op {
				for _, pat := range []*expect.Pattern{st.OK, st.Fail} {
					if pat != nil {
						out = append(out, pat.Regexp)
					}
				}
				for _, a := range st.Answers {
					out = append(out, a.Pattern.Regexp)
				}
				for _, re := range st.Set {
					out = append(out, re)
				}
			}
		}
	}
	if p.HostnameChange != nil {
		out = append(out, p.HostnameChange)
	}
	return out
}

// Every embedded pattern carries samples it must match and traps it must
// not match, so that a change to a default is always checked against both.
func TestEmbeddedPatternsCarrySamples(t *testing.T) {
	s := loadDefaults(t)
	for _, name := range s.Names() {
		p := mustProfile(t, s, name)
		if got, want := len(p.Tests), len(ownPatterns(p)); got != want {
			t.Errorf("%s: %d of its %d patterns carry tests", name, got, want)
		}
		for _, tt := range p.Tests {
			if len(tt.Match) == 0 || len(tt.NoMatch) == 0 {
				t.Errorf("%s: %s has %d match and %d no_match samples; want both", name, tt.Field, len(tt.Match), len(tt.NoMatch))
			}
		}
	}
}

// firstError returns the first output line an error pattern matches.
func firstError(p *Profile, output string) (name, line string) {
	for _, l := range strings.Split(output, "\n") {
		for _, e := range p.Errors {
			if e.Regexp.MatchString(l) {
				return e.Name, l
			}
		}
	}
	return "", ""
}

// waiting names the input prompt or pager at the tail of the output.
func waiting(p *Profile, tail string) string {
	for _, pat := range p.InputPrompts {
		if pat.Regexp.MatchString(tail) {
			return "input:" + pat.Name
		}
	}
	for _, pg := range p.Pagers {
		if pg.Pattern.Regexp.MatchString(tail) {
			return "pager:" + pg.Pattern.Name
		}
	}
	return ""
}

// Transcripts as devices print them (after CR/LF normalization), and what
// the embedded profiles must make of them.
func TestEmbeddedTranscripts(t *testing.T) {
	s := loadDefaults(t)
	tests := []struct {
		profile, name, output string
		wantError, wantLine   string
		wantWaiting           string
	}{
		{"cisco_ios", "invalid input under a caret",
			"show ip intrface brief\n                ^\n% Invalid input detected at '^' marker.\n",
			"invalid_input", "% Invalid input detected at '^' marker.", ""},
		{"cisco_ios", "ambiguous abbreviation", "% Ambiguous command:  \"sh i\"\n", "ambiguous", `% Ambiguous command:  "sh i"`, ""},
		{"cisco_ios", "authorization", "Command authorization failed.\n", "authorization", "Command authorization failed.", ""},
		{"cisco_ios", "running config with a % banner and a log line",
			"Building configuration...\n\nhostname R1\n!\nbanner motd ^C\n% Authorized access only %\n^C\n!\nend\n\n*Mar  1 00:01:02.345: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (127.0.0.1)\n",
			"", "", ""},
		{"cisco_ios", "interface counters",
			"GigabitEthernet0/1 is up, line protocol is up\n     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored\n     0 output errors, 0 collisions, 2 interface resets\n",
			"", "", ""},
		{"cisco_ios", "ping to an unknown host", "ping nosuchhost\n% Unrecognized host or address, or protocol not running.\n",
			"unreachable", "% Unrecognized host or address, or protocol not running.", ""},
		{"cisco_ios", "banner lines with % # and >",
			"banner exec ^C\nWelcome to R1# -- the prompt-like text in this banner is not a prompt\n^C\nbanner motd ^C\n% Lab router: changes -> ticket # required\n^C\n",
			"", "", ""},
		{"junos", "ping to an unknown host", "ping: cannot resolve nosuchhost: Unknown host\n", "unknown_host", "ping: cannot resolve nosuchhost: Unknown host", ""},
		{"cisco_ios", "ping", "Type escape sequence to abort.\nSending 5, 100-byte ICMP Echos to 127.0.0.2, timeout is 2 seconds:\n!!!!!\nSuccess rate is 100 percent (5/5), round-trip min/avg/max = 1/1/1 ms\n",
			"", "", ""},
		{"cisco_ios", "copy asks for a file name", "copy running-config startup-config\nDestination filename [startup-config]? ", "", "", "input:bracket_question"},
		{"cisco_ios", "reload confirmation", "Proceed with reload? [confirm]", "", "", "input:confirm"},
		{"cisco_ios", "save on exit", "System configuration has been modified. Save? [yes/no]: ", "", "", "input:yes_no"},
		{"cisco_ios", "pager", "Cisco IOS Software, Version 15.2(4)M\nROM: System Bootstrap\n --More-- ", "", "", "pager:more"},
		{"cisco_ios", "prompt is not input", "R1#", "", "", ""},
		{"junos", "syntax error", "                               ^\nsyntax error, expecting <command>.\n", "syntax_error", "syntax error, expecting <command>.", ""},
		{"junos", "failing commit",
			"[edit interfaces]\n  'ge-0/0/0'\n    Missing mandatory statement: 'unit'\nerror: configuration check-out failed\n",
			"error_line", "error: configuration check-out failed", ""},
		{"junos", "commit complete", "configuration check succeeds\ncommit complete\n", "", "", ""},
		{"junos", "interface errors counters",
			"Physical interface: ge-0/0/0, Enabled, Physical link is Up\n  Input errors:\n    Errors: 0, Drops: 0, Framing errors: 0, Runts: 0\n  Output errors:\n    Carrier transitions: 1, Errors: 0, Drops: 0\n",
			"", "", ""},
		{"junos", "pager with percentage", "inet.0: 12 destinations, 12 routes (12 active)\n127.0.0.1/32 *[Local/0] 3w0d\n---(more 76%)---", "", "", "pager:more"},
		{"junos", "reboot question", "Reboot the system ? [yes,no] (no) ", "", "", "input:yes_no"},
		{"junos", "operational prompt is not input", "{master:0}\nadmin@r1> ", "", "", ""},
		{"linux", "sudo password", "[sudo] password for alice: ", "", "", "input:password"},
		{"linux", "apt question", "After this operation, 1024 kB of additional disk space will be used.\nDo you want to continue? [Y/n] ", "", "", "input:yes_no"},
		{"linux", "ssh host key", "The authenticity of host '127.0.0.1 (127.0.0.1)' can't be established.\nED25519 key fingerprint is SHA256:abc.\nAre you sure you want to continue connecting (yes/no/[fingerprint])? ", "", "", "input:host_key_confirm"},
		{"linux", "grep output that mentions a password", "db_password: hunter2\n", "", "", ""},
	}
	for _, tc := range tests {
		p := mustProfile(t, s, tc.profile)
		name, line := firstError(p, tc.output)
		if name != tc.wantError || line != tc.wantLine {
			t.Errorf("%s %s: error %q on line %q, want %q on %q", tc.profile, tc.name, name, line, tc.wantError, tc.wantLine)
		}
		if got := waiting(p, tc.output); got != tc.wantWaiting {
			t.Errorf("%s %s: waiting %q, want %q (tail %q)", tc.profile, tc.name, got, tc.wantWaiting, tc.output)
		}
	}
}

// stripTail removes trailing lines that match a strip pattern, as the
// devices layer does with a command's output.
func stripTail(p *Profile, output string) string {
	lines := strings.Split(output, "\n")
	for len(lines) > 0 {
		last, stripped := lines[len(lines)-1], false
		for _, re := range p.StripLines {
			if re.MatchString(last) {
				stripped = true
				break
			}
		}
		if !stripped {
			break
		}
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

func TestJunosStripLines(t *testing.T) {
	p := mustProfile(t, loadDefaults(t), "junos")
	tests := map[string]string{
		"\n[edit]\n":                                "",
		"commit complete\n\n{master:0}[edit]\n":     "commit complete",
		"commit complete\n\n{master:0}\n[edit]\n":   "commit complete",
		"[edit interfaces]\n  'ge-0/0/0'\n\n[edit]": "[edit interfaces]\n  'ge-0/0/0'",
		"Hostname: r1\nModel: vmx\n\n{backup:1}\n":  "Hostname: r1\nModel: vmx",
		"  [edit] is shown above the prompt\n":      "  [edit] is shown above the prompt",
	}
	for in, want := range tests {
		if got := stripTail(p, in); got != want {
			t.Errorf("stripTail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHostnameChange(t *testing.T) {
	s := loadDefaults(t)
	if s := mustProfile(t, s, "linux"); s.HostnameChange != nil {
		t.Errorf("linux: HostnameChange %q, want none", s.HostnameChange)
	}
	ios, junos := mustProfile(t, s, "cisco_ios"), mustProfile(t, s, "junos")
	for re, cmds := range map[*regexp.Regexp]map[string]bool{
		ios.HostnameChange:   {"hostname R2": true, "show run | i hostname": false, "do show clock": false},
		junos.HostnameChange: {"commit and-quit": true, "set system host-name r2": false, "show system commit": false},
	} {
		for cmd, want := range cmds {
			if got := re.MatchString(cmd); got != want {
				t.Errorf("%q matches %q: %t, want %t", re, cmd, got, want)
			}
		}
	}
}
