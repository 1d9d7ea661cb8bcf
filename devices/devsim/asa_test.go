package devsim

import (
	"strings"
	"testing"
)

const asaInvalidOut = "ERROR: % Invalid input detected at '^' marker.\r\n"

func TestASATranscript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "asa"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"authorized use only", "Type help or '?' for a list of available commands.\r\nasa1> "}},
		{name: "pager before enable", send: "terminal pager 0\r",
			want: []string{"terminal pager 0\r\n" + strings.Repeat(" ", len("asa1> ")) + "^\r\n" + asaInvalidOut + "asa1> "}},
		{name: "show version paged", send: "sh ver\r", want: []string{"Cisco Adaptive Security Appliance Software Version 9.18(3)", "asa1 up 1 day", "<--- More --->"}},
		{name: "next page", send: " ", want: []string{"UTC Sun Dec 6 2026\r\nasa1> "}},
		{name: "wrong secret", send: "enable\r", want: []string{"enable\r\nPassword: "}},
		{name: "asked again", send: "nope\r", want: []string{"\r\nInvalid password\r\nPassword: "}, not: []string{"nope"}},
		{name: "right secret", send: "enablepw\r", want: []string{"\r\nasa1# "}, not: []string{"enablepw"}},
		{name: "terminal pager", send: "terminal pager 0\r", want: []string{"terminal pager 0\r\nasa1# "}},
		{name: "unknown first word", send: "frobnicate\r", want: []string{"frobnicate\r\n      ^\r\n" + asaInvalidOut + "asa1# "}},
		{name: "incomplete", send: "show\r", want: []string{"show\r\nERROR: % Incomplete command\r\nasa1# "}},
		{name: "configure", send: "conf t\r", want: []string{"conf t\r\nasa1(config)# "}},
		{name: "interface", send: "interface g0/5\r", want: []string{"interface g0/5\r\nasa1(config-if)# "}},
		{name: "nameif", send: "nameif dmz\r", want: []string{"asa1(config-if)# "}},
		{name: "bad level", send: "security-level 500\r", want: []string{"^\r\n" + asaInvalidOut + "asa1(config-if)# "}},
		{name: "no shutdown", send: "no shutdown\r", want: []string{"asa1(config-if)# "}},
		{name: "show in config", send: "show running-config | begin GigabitEthernet0/5\r",
			want: []string{"\r\ninterface GigabitEthernet0/5\r\n no security-level\r\n no ip address\r\n nameif dmz\r\n!\r\n"}},
		{name: "missing interface", send: "interface g9/9\r", want: []string{"^\r\n" + asaInvalidOut + "asa1(config-if)# "}},
		{name: "exit up", send: "exit\r", want: []string{"exit\r\nasa1(config)# "}},
		{name: "hostname", send: "hostname asa9\r", want: []string{"hostname asa9\r\nasa9(config)# "}},
		{name: "end", send: "end\r", want: []string{"end\r\nasa9# "}},
		{name: "save", send: "write memory\r", want: []string{"Building configuration...\r\n", "[OK]\r\nasa9# "}},
		{name: "disable", send: "disable\r", want: []string{"disable\r\nasa9> "}},
	})
}

func TestASAPager(t *testing.T) {
	d := StartDevice(t, Options{Platform: "asa"})
	term := dialTerm(t, d)
	term.expect("asa1> ")
	term.send("enable\renablepw\r")
	term.expect("asa1# ")
	term.send("show running-config\r")
	term.expect("<--- More --->")
	term.send(" ")
	term.expect("<--- More --->")
	term.send("q")
	if got := term.expect("asa1# "); strings.Contains(got, ": end") {
		t.Errorf("q did not stop the pager: %q", tail(got))
	}
}

func TestASAWrongSecretThreeTimes(t *testing.T) {
	d := StartDevice(t, Options{Platform: "asa"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"asa1> "}},
		{name: "enable", send: "enable\ra\rb\rc\r", want: []string{"Invalid password\r\nAccess denied.\r\nasa1> "}},
	})
}
