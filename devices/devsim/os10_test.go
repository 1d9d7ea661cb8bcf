package devsim

import (
	"strings"
	"testing"
)

func TestOS10Transcript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "os10"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY", "Last login: ", "\r\nOS10# "}},
		{name: "terminal length", send: "terminal length 0\r", want: []string{"terminal length 0\r\nOS10# "}},
		{name: "show version", send: "sh ver\r", want: []string{"Dell SmartFabric OS10 Enterprise\r\n", "Up Time: 1 day 02:03:04\r\nOS10# "}},
		{name: "unknown", send: "show bogus\r", want: []string{"show bogus\r\n% Error: Unrecognized command.\r\nOS10# "}, not: []string{"^"}},
		{name: "incomplete", send: "show\r", want: []string{"show\r\n% Error: Incomplete command.\r\nOS10# "}},
		{name: "configure", send: "configure terminal\r", want: []string{"configure terminal\r\nOS10(config)# "}},
		{name: "interface", send: "interface ethernet 1/1/5\r", want: []string{"interface ethernet 1/1/5\r\nOS10(conf-if-eth1/1/5)# "}},
		{name: "description", send: "description to server5\r", want: []string{"OS10(conf-if-eth1/1/5)# "}},
		{name: "bad mtu", send: "mtu 99\r", want: []string{"mtu 99\r\n% Error: Illegal parameter.\r\nOS10(conf-if-eth1/1/5)# "}},
		{name: "no shutdown", send: "no shutdown\r", want: []string{"OS10(conf-if-eth1/1/5)# "}},
		{name: "show in config", send: "show running-configuration | find ethernet1/1/5\r",
			want: []string{"\r\ninterface ethernet1/1/5\r\n switchport access vlan 1\r\n description to server5\r\n no shutdown\r\n!\r\n"}},
		{name: "missing interface", send: "interface ethernet 9/9/9\r", want: []string{"% Error: Illegal parameter.\r\nOS10(conf-if-eth1/1/5)# "}},
		{name: "exit up", send: "exit\r", want: []string{"exit\r\nOS10(config)# "}},
		{name: "hostname", send: "hostname leaf9\r", want: []string{"hostname leaf9\r\nleaf9(config)# "}},
		{name: "ctrl-z", send: "\x1a", want: []string{"^Z\r\nleaf9# "}},
		{name: "save", send: "copy running-configuration startup-configuration\r", want: []string{"startup-configuration\r\nleaf9# "}},
	})
}

func TestOS10Pager(t *testing.T) {
	d := StartDevice(t, Options{Platform: "os10"})
	term := dialTerm(t, d)
	term.expect("OS10# ")
	term.send("show running-configuration\r")
	term.expect("--more--")
	term.send(" ")
	term.expect("--more--")
	term.send("q")
	if got := term.expect("OS10# "); strings.Contains(got, "snmp-server contact") {
		t.Errorf("q did not stop the pager: %q", tail(got))
	}
	term.send("show running-configuration | no-more\r")
	if got := term.expect("snmp-server contact \"Contact Support\"\r\nOS10# "); strings.Contains(got, "more--") {
		t.Errorf("| no-more still paged: %q", tail(got))
	}
}
