package devsim

import (
	"strings"
	"testing"
)

func TestVyOSTranscript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "vyos"})
	term := dialTerm(t, d)
	edit := "[edit]\r\nadmin@vyos# "
	runSteps(t, term, []termStep{
		{name: "welcome", want: []string{"Welcome to VyOS!\r\n", "Last login: ", "\r\nadmin@vyos:~$ "}},
		{name: "terminal length", send: "set terminal length 0\r", want: []string{"set terminal length 0\r\nadmin@vyos:~$ "}},
		{name: "show version", send: "show version\r", want: []string{"Version:          VyOS 1.4.0\r\n", "Copyright:        VyOS maintainers and contributors\r\nadmin@vyos:~$ "}},
		{name: "invalid word", send: "show interfacess\r", want: []string{"show interfacess\r\n\r\n  Invalid command: show [interfacess]\r\n\r\nadmin@vyos:~$ "}},
		{name: "unknown first word", send: "frobnicate\r", want: []string{"\r\n\r\n  Invalid command: [frobnicate]\r\n\r\nadmin@vyos:~$ "}},
		{name: "configure", send: "configure\r", want: []string{"configure\r\n" + edit}},
		{name: "bad path", send: "set interfaces foo bar\r",
			want: []string{"\r\n\r\n  Configuration path: [interfaces foo bar] is not valid\r\n  Set failed\r\n\r\n" + edit}},
		{name: "set", send: "set interfaces ethernet eth3 address 198.51.100.3/24\r", want: []string{"eth3 address 198.51.100.3/24\r\n" + edit}},
		{name: "compare", send: "compare\r", want: []string{"+ set interfaces ethernet eth3 address '198.51.100.3/24'\r\n" + edit}},
		{name: "exit refused", send: "exit\r", want: []string{"Cannot exit: configuration modified.\r\nUse 'exit discard' to discard the changes and exit.\r\n" + edit}},
		{name: "show working", send: "show interfaces ethernet eth3\r", want: []string{"\r\n hw-id 52:54:00:00:00:03\r\n description \"port 3 to rack 13\"\r\n address 198.51.100.3/24\r\n" + edit}},
		{name: "host name", send: "set system host-name edge9\r", want: []string{edit}},
		{name: "commit", send: "commit\r", want: []string{"commit\r\n[edit]\r\nadmin@edge9# "}},
		{name: "commit again", send: "commit\r", want: []string{"No configuration changes to commit\r\n[edit]\r\nadmin@edge9# "}},
		{name: "nothing to delete", send: "delete system ntp server nosuch\r", want: []string{"Nothing to delete (the specified node does not exist)"}},
		{name: "run", send: "run show configuration commands | match eth3\r", want: []string{"set interfaces ethernet eth3 hw-id '52:54:00:00:00:03'\r\n", "set interfaces ethernet eth3 address '198.51.100.3/24'\r\n[edit]\r\nadmin@edge9# "}},
		{name: "exit unsaved", send: "exit\r", want: []string{"Warning: configuration changes have not been saved.\r\nexit\r\nadmin@edge9:~$ "}},
		{name: "reboot declined", send: "reboot\r", want: []string{"[y/N] "}},
		{name: "still up", send: "n\r", want: []string{"admin@edge9:~$ "}},
	})
}

func TestVyOSPager(t *testing.T) {
	d := StartDevice(t, Options{Platform: "vyos"})
	term := dialTerm(t, d)
	term.expect("admin@vyos:~$ ")
	term.send("show configuration\r")
	term.expect("\r\n:")
	term.send(" ")
	term.expect("\r\n:")
	term.send("q")
	if got := term.expect("admin@vyos:~$ "); strings.Contains(got, "time-zone") {
		t.Errorf("q did not stop the pager: %q", tail(got))
	}
	term.send("show configuration | no-more\r")
	if got := term.expect("    time-zone UTC\r\n}\r\nadmin@vyos:~$ "); strings.Contains(got, "\r\n:") {
		t.Errorf("| no-more still paged: %q", tail(got))
	}
}
