package devsim

import (
	"strings"
	"testing"
)

func TestVRPTranscript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "vrp"})
	term := dialTerm(t, d)
	unknown := "Error: Unrecognized command found at '^' position.\r\n"
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"100% of sessions are logged\r\n\r\nInfo: The max number of VTY users is 5,", "The current login time is 2026-12-06 23:12:34.\r\n<HUAWEI>"}},
		{name: "screen-length", send: "screen-length 0 temporary\r",
			want: []string{"screen-length 0 temporary\r\nInfo: The configuration takes effect on the current user terminal interface only.\r\n<HUAWEI>"}},
		{name: "display version", send: "dis ver\r", want: []string{"Huawei Versatile Routing Platform Software\r\n", "FLASH         Version : 0000.0000\r\n<HUAWEI>"}},
		{name: "unknown first word", send: "enable\r", want: []string{"enable\r\n" + strings.Repeat(" ", len("<HUAWEI>")) + "^\r\n" + unknown + "<HUAWEI>"}},
		{name: "unknown later word", send: "display bogus\r", want: []string{"display bogus\r\n" + strings.Repeat(" ", len("<HUAWEI>display ")) + "^\r\n" + unknown + "<HUAWEI>"}},
		{name: "incomplete", send: "display\r", want: []string{"Error: Incomplete command found at '^' position.\r\n<HUAWEI>"}},
		{name: "ambiguous", send: "s\r", want: []string{"Error:Ambiguous command found at '^' position.\r\n<HUAWEI>"}},
		{name: "system-view", send: "sys\r", want: []string{"sys\r\nEnter system view, return user view with Ctrl+Z.\r\n[HUAWEI]"}},
		{name: "interface", send: "interface gigabitethernet 0/0/5\r", want: []string{"interface gigabitethernet 0/0/5\r\n[HUAWEI-GigabitEthernet0/0/5]"}},
		{name: "description", send: "description to server5\r", want: []string{"[HUAWEI-GigabitEthernet0/0/5]"}},
		{name: "bad mtu", send: "mtu 99999\r", want: []string{"^\r\nError: Wrong parameter found at '^' position.\r\n[HUAWEI-GigabitEthernet0/0/5]"}},
		{name: "undo shutdown", send: "undo shutdown\r", want: []string{"[HUAWEI-GigabitEthernet0/0/5]"}},
		{name: "display in a view", send: "display current-configuration | begin GigabitEthernet0/0/5\r",
			want: []string{"\r\ninterface GigabitEthernet0/0/5\r\n port link-type access\r\n description to server5\r\n#\r\n"}},
		{name: "quit up", send: "quit\r", want: []string{"quit\r\n[HUAWEI]"}},
		{name: "sysname", send: "sysname sw9\r", want: []string{"sysname sw9\r\n[sw9]"}},
		{name: "ctrl-z", send: "\x1a", want: []string{"<sw9>"}},
		{name: "save asks", send: "save\r", want: []string{"  Are you sure to continue?[Y/N]:"}},
		{name: "saved", send: "y\r", want: []string{"Save the configuration successfully.\r\n<sw9>"}},
	})
}

func TestVRPPager(t *testing.T) {
	d := StartDevice(t, Options{Platform: "vrp"})
	term := dialTerm(t, d)
	term.expect("<HUAWEI>")
	term.send("display current-configuration\r")
	term.expect("---- More ----")
	term.send(" ")
	term.expect("---- More ----")
	term.send("\x03")
	if got := term.expect("<HUAWEI>"); strings.Contains(got, "protocol inbound ssh") {
		t.Errorf("Ctrl+C did not stop the pager: %q", tail(got))
	}
	term.send("display current-configuration | no-more\r")
	if got := term.expect(" protocol inbound ssh\r\n#\r\nreturn\r\n<HUAWEI>"); strings.Contains(got, "More") {
		t.Errorf("| no-more still paged: %q", tail(got))
	}
}
