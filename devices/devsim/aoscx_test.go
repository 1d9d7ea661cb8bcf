package devsim

import (
	"strings"
	"testing"
)

func TestAOSCXTranscript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "aoscx"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"Last login: 2026-12-06 23:00:00 from ", "User \"admin\" has logged in 84 times in the past 30 days\r\nsw1#"}},
		{name: "no page", send: "no page\r", want: []string{"no page\r\nsw1#"}},
		{name: "terminal width", send: "terminal width 512\r", want: []string{"terminal width 512\r\nsw1#"}},
		{name: "show version", send: "show version\r", want: []string{"ArubaOS-CX\r\n", "BIOS Version       : FL.01.0002\r\nsw1#"}},
		{name: "unknown", send: "show bogus\r", want: []string{"show bogus\r\nInvalid input: bogus\r\nsw1#"}, not: []string{"^"}},
		{name: "incomplete", send: "show\r", want: []string{"show\r\nCommand incomplete.\r\nsw1#"}},
		{name: "configure", send: "configure terminal\r", want: []string{"configure terminal\r\nsw1(config)#"}},
		{name: "interface", send: "interface 1/1/5\r", want: []string{"interface 1/1/5\r\nsw1(config-if)#"}},
		{name: "description", send: "description to server5\r", want: []string{"sw1(config-if)#"}},
		{name: "bad mtu", send: "mtu 99999\r", want: []string{"mtu 99999\r\nInvalid input: 99999\r\nsw1(config-if)#"}},
		{name: "no shutdown", send: "no shutdown\r", want: []string{"sw1(config-if)#"}},
		{name: "show in config", send: "show running-config | begin 1/1/5\r",
			want: []string{"\r\ninterface 1/1/5\r\n    no routing\r\n    vlan access 1\r\n    description to server5\r\n    no shutdown\r\n"}},
		{name: "vlan interface", send: "interface vlan 10\r", want: []string{"sw1(config-if-vlan)#"}},
		{name: "missing interface", send: "interface 9/9/9\r", want: []string{"Invalid input: 9/9/9\r\nsw1(config-if-vlan)#"}},
		{name: "exit up", send: "exit\r", want: []string{"exit\r\nsw1(config)#"}},
		{name: "hostname", send: "hostname sw9\r", want: []string{"hostname sw9\r\nsw9(config)#"}},
		{name: "end", send: "end\r", want: []string{"end\r\nsw9#"}},
		{name: "save", send: "write memory\r", want: []string{"please be patient.\r\nsw9#"}},
	})
}

func TestAOSCXPager(t *testing.T) {
	d := StartDevice(t, Options{Platform: "aoscx"})
	term := dialTerm(t, d)
	term.expect("sw1#")
	term.send("show running-config\r")
	term.expect("--More--")
	term.send(" ")
	term.expect("--More--")
	term.send("\x03")
	if got := term.expect("sw1#"); strings.Contains(got, "https-server vrf mgmt") {
		t.Errorf("Ctrl+C did not stop the pager: %q", tail(got))
	}
	term.send("no page\r")
	term.expect("sw1#")
	term.send("show running-config\r")
	if got := term.expect("https-server vrf mgmt\r\nsw1#"); strings.Contains(got, "More") {
		t.Errorf("no page still paged: %q", tail(got))
	}
}
