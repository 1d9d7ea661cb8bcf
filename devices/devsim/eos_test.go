package devsim

import (
	"strings"
	"testing"
)

func TestEOSTranscript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "eos"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "banner", want: []string{"changes -> ticket # required", "Last login: ", "\r\nleaf1>"}},
		{name: "privileged command unprivileged", send: "show running-config\r",
			want: []string{"show running-config\r\n% Invalid input (at token 1: 'running-config')\r\nleaf1>"}},
		{name: "wrong secret", send: "enable\r", want: []string{"enable\r\nPassword: "}},
		{name: "refused", send: "nope\r", want: []string{"\r\n% Access denied\r\nleaf1>"}, not: []string{"nope", "#"}},
		{name: "enable", send: "enable\r", want: []string{"Password: "}},
		{name: "right secret", send: "enablepw\r", want: []string{"\r\nleaf1#"}, not: []string{"enablepw"}},
		{name: "terminal length", send: "terminal length 0\r", want: []string{"terminal length 0\r\nPagination disabled.\r\nleaf1#"}},
		{name: "terminal width", send: "terminal width 511\r", want: []string{"\r\nWidth set to 511 columns.\r\nleaf1#"}},
		{name: "show version", send: "sh ver\r", want: []string{"Arista vEOS-lab\r\n", "Free memory: 2614244 kB\r\nleaf1#"}},
		{name: "unknown first word", send: "frobnicate\r", want: []string{"frobnicate\r\n% Invalid input (at token 0: 'frobnicate')\r\nleaf1#"}},
		{name: "unknown later word", send: "show bogus\r", want: []string{"show bogus\r\n% Invalid input (at token 1: 'bogus')\r\nleaf1#"}, not: []string{"^"}},
		{name: "incomplete", send: "show\r", want: []string{"show\r\n% Incomplete command\r\nleaf1#"}},
		{name: "ambiguous", send: "e\r", want: []string{"e\r\n% Ambiguous command\r\nleaf1#"}},
		{name: "configure", send: "configure terminal\r", want: []string{"configure terminal\r\nleaf1(config)#"}},
		{name: "interface", send: "interface et3\r", want: []string{"interface et3\r\nleaf1(config-if-Et3)#"}},
		{name: "description", send: "description to server3\r", want: []string{"leaf1(config-if-Et3)#"}},
		{name: "no shutdown", send: "no shutdown\r", want: []string{"leaf1(config-if-Et3)#"}},
		{name: "show in config", send: "show running-config | section Ethernet3\r",
			want: []string{"\r\ninterface Ethernet3\r\n   description to server3\r\nleaf1(config-if-Et3)#"}},
		{name: "unknown interface", send: "interface Bogus1\r", want: []string{"% Invalid input (at token 1: 'Bogus1')\r\nleaf1(config-if-Et3)#"}},
		{name: "exit up", send: "exit\r", want: []string{"exit\r\nleaf1(config)#"}},
		{name: "hostname", send: "hostname leaf9\r", want: []string{"hostname leaf9\r\nleaf9(config)#"}},
		{name: "ctrl-z", send: "interface Loopback5\r\x1a", want: []string{"leaf9(config-if-Lo5)#", "^Z\r\nleaf9#"}},
		{name: "save", send: "write memory\r", want: []string{"Copy completed successfully.\r\nleaf9#"}},
		{name: "disable", send: "disable\r", want: []string{"disable\r\nleaf9>"}},
	})
}

func TestEOSPager(t *testing.T) {
	d := StartDevice(t, Options{Platform: "eos", LoginPrivileged: true})
	term := dialTerm(t, d)
	term.expect("leaf1#")
	term.send("show running-config\r")
	term.expect(" --More-- ")
	term.send(" ")
	term.expect(" --More-- ")
	term.send("q")
	got := term.expect("leaf1#")
	if strings.Contains(got, "\r\nend\r\n") {
		t.Errorf("q did not stop the pager: %q", tail(got))
	}
	term.send("show running-config | no-more\r")
	if got := term.expect("\r\nend\r\nleaf1#"); strings.Contains(got, "More") {
		t.Errorf("| no-more still paged: %q", tail(got))
	}
}
