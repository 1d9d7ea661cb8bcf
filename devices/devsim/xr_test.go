package devsim

import (
	"strings"
	"testing"
)

func TestXRTranscript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "xr"})
	term := dialTerm(t, d)
	p := "RP/0/RP0/CPU0:xr1"
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"Last login: ", "\r\n" + p + "#"}},
		{name: "terminal length", send: "terminal length 0\r", want: []string{"terminal length 0\r\n" + p + "#"}},
		{name: "show version", send: "show version\r", want: []string{"show version\r\nSun Dec  6 23:12:34.567 UTC\r\nCisco IOS XR Software, Version 7.3.2\r\n", "System uptime is 1 day 2 hours 3 minutes\r\n" + p + "#"}},
		{name: "invalid under a caret", send: "show bogus\r",
			want: []string{"show bogus\r\n" + strings.Repeat(" ", len(p)+1+len("show ")) + "^\r\n% Invalid input detected at '^' marker.\r\n" + p + "#"}},
		{name: "configure", send: "configure terminal\r", want: []string{"configure terminal\r\n" + p + "(config)#"}},
		{name: "nothing to commit", send: "commit\r", want: []string{"% No configuration changes to commit.\r\n" + p + "(config)#"}},
		{name: "interface", send: "interface Gi0/0/0/5\r", want: []string{p + "(config-if)#"}},
		{name: "stage", send: "description to pe5\r", want: []string{p + "(config-if)#"}},
		{name: "staged only", send: "do show running-config | include to pe5\r", want: []string{"Sun Dec  6 23:12:34.567 UTC\r\n" + p + "(config-if)#"}},
		{name: "end asks", send: "end\r", want: []string{"Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:"}},
		{name: "cancel stays", send: "cancel\r", want: []string{"\r\n" + p + "(config-if)#"}},
		{name: "candidate", send: "show configuration\r", want: []string{"interface GigabitEthernet0/0/0/5\r\n description to pe5\r\nend\r\n" + p + "(config-if)#"}},
		{name: "hostname", send: "exit\rhostname xr9\r", want: []string{p + "(config)#"}},
		{name: "commit", send: "commit\r", want: []string{"commit\r\nRP/0/RP0/CPU0:xr9(config)#"}},
		{name: "end", send: "end\r", want: []string{"end\r\nRP/0/RP0/CPU0:xr9#"}},
		{name: "committed", send: "show running-config | include to pe5\r", want: []string{" description to pe5\r\nRP/0/RP0/CPU0:xr9#"}},
	})
}

func TestXRPager(t *testing.T) {
	d := StartDevice(t, Options{Platform: "xr"})
	term := dialTerm(t, d)
	term.expect("RP/0/RP0/CPU0:xr1#")
	term.send("show running-config\r")
	term.expect(" --More-- ")
	term.send(" ")
	term.expect(" --More-- ")
	term.send("q")
	if got := term.expect("RP/0/RP0/CPU0:xr1#"); strings.Contains(got, "ssh server v2") {
		t.Errorf("q did not stop the pager: %q", tail(got))
	}
}
