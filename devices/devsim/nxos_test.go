package devsim

import (
	"strings"
	"testing"
)

const nxosInvalidOut = "% Invalid command at '^' marker.\r\n"

func TestNXOSTranscript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "nxos"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "header", want: []string{"Cisco Nexus Operating System (NX-OS) Software\r\nTAC support: http://www.cisco.com/tac\r\n", "\r\nnx1# "}},
		{name: "terminal length", send: "terminal length 0\r", want: []string{"terminal length 0\r\nnx1# "}},
		{name: "terminal width", send: "terminal width 511\r", want: []string{"terminal width 511\r\nnx1# "}},
		{name: "show version", send: "sh ver\r", want: []string{"Cisco Nexus Operating System", "Device name: nx1\r\n", "Active Package(s):\r\nnx1# "}},
		{name: "unknown word under a caret", send: "show bogus\r",
			want: []string{"show bogus\r\n" + strings.Repeat(" ", len("nx1# show ")) + "^\r\n" + nxosInvalidOut + "nx1# "}},
		{name: "unknown first word", send: "frobnicate\r", want: []string{"frobnicate\r\n     ^\r\n" + nxosInvalidOut + "nx1# "}},
		{name: "incomplete", send: "show\r", want: []string{"show\r\n          ^\r\n% Incomplete command at '^' marker.\r\nnx1# "}},
		{name: "bad value", send: "terminal length 900\r", want: []string{"% Invalid parameter detected at '^' marker.\r\nnx1# "}},
		{name: "configure", send: "conf t\r", want: []string{"conf t\r\nEnter configuration commands, one per line. End with CNTL/Z.\r\nnx1(config)# "}},
		{name: "interface", send: "interface eth1/5\r", want: []string{"interface eth1/5\r\nnx1(config-if)# "}},
		{name: "description", send: "description to server5\r", want: []string{"nx1(config-if)# "}},
		{name: "no shutdown", send: "no shutdown\r", want: []string{"nx1(config-if)# "}},
		{name: "show in config", send: "show running-config | section Ethernet1/5\r",
			want: []string{"\r\ninterface Ethernet1/5\r\n  switchport\r\n  description to server5\r\nnx1(config-if)# "}},
		{name: "missing interface", send: "interface ethernet9/9\r", want: []string{"^\r\n" + nxosInvalidOut + "nx1(config-if)# "}},
		{name: "exit up", send: "exit\r", want: []string{"exit\r\nnx1(config)# "}},
		{name: "hostname", send: "hostname nx9\r", want: []string{"hostname nx9\r\nnx9(config)# "}},
		{name: "ctrl-z", send: "\x1a", want: []string{"^Z\r\nnx9# "}},
		{name: "save", send: "copy running-config startup-config\r", want: []string{"100%\r\nCopy complete, now saving to disk (please wait)...\r\nCopy complete.\r\nnx9# "}},
		{name: "reload declined", send: "reload\r", want: []string{"(y/n)?  [n] "}},
		{name: "still up", send: "n\r", want: []string{"\r\nnx9# "}},
	})
}

func TestNXOSPager(t *testing.T) {
	d := StartDevice(t, Options{Platform: "nxos"})
	term := dialTerm(t, d)
	term.expect("nx1# ")
	term.send("show running-config\r")
	term.expect("--More--")
	term.send(" ")
	term.expect("--More--")
	term.send("q")
	if got := term.expect("nx1# "); strings.Contains(got, "boot nxos") {
		t.Errorf("q did not stop the pager: %q", tail(got))
	}
	term.send("show running-config | no-more\r")
	if got := term.expect("boot nxos bootflash:/nxos64-cs.10.3.2.F.bin\r\nnx1# "); strings.Contains(got, "More") {
		t.Errorf("| no-more still paged: %q", tail(got))
	}
}
