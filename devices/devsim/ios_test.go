package devsim

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// termStep is one exchange of a transcript: bytes typed, then texts that
// must arrive in this order, and texts that must not be among them.
type termStep struct {
	name string
	send string
	want []string
	not  []string
}

// runSteps plays a transcript on a terminal.
func runSteps(t *testing.T, term *simTerm, steps []termStep) {
	t.Helper()
	for _, st := range steps {
		if st.send != "" {
			term.send(st.send)
		}
		var got strings.Builder
		for _, w := range st.want {
			got.WriteString(term.expect(w))
		}
		for _, n := range st.not {
			if strings.Contains(got.String(), n) {
				t.Errorf("step %s: output %q contains %q", st.name, tail(got.String()), n)
			}
		}
	}
}

const iosInvalidOut = "% Invalid input detected at '^' marker.\r\n\r\n"

func TestIOSTranscript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "banner", want: []string{"# 100% of sessions are logged", "##\r\n\r\nR1>"}},
		{name: "user privilege", send: "show privilege\r", want: []string{"show privilege\r\nCurrent privilege level is 1\r\nR1>"}},
		{name: "privileged command in user mode", send: "show running-config\r",
			want: []string{"show running-config\r\n        ^\r\n" + iosInvalidOut + "R1>"}},
		{name: "configure in user mode", send: "configure terminal\r",
			want: []string{"configure terminal\r\n   ^\r\n" + iosInvalidOut + "R1>"}},
		{name: "wrong secret 1", send: "enable\r", want: []string{"enable\r\nPassword: "}},
		{name: "wrong secret 2", send: "nope-one\r", want: []string{"\r\nPassword: "}, not: []string{"nope"}},
		{name: "wrong secret 3", send: "nope-two\r", want: []string{"\r\nPassword: "}, not: []string{"nope"}},
		{name: "bad secrets", send: "nope-three\r", want: []string{"\r\n% Bad secrets\r\n\r\nR1>"}, not: []string{"nope", "#"}},
		{name: "enable", send: "enable\r", want: []string{"Password: "}},
		{name: "right secret", send: "enablepw\r", want: []string{"\r\nR1#"}, not: []string{"enablepw"}},
		{name: "privileged", send: "show privilege\r", want: []string{"Current privilege level is 15\r\nR1#"}},
		{name: "terminal length", send: "terminal length 0\r", want: []string{"terminal length 0\r\nR1#"}},
		{name: "terminal width", send: "terminal width 511\r", want: []string{"terminal width 511\r\nR1#"}},
		{name: "terminal no monitor", send: "terminal no monitor\r", want: []string{"terminal no monitor\r\nR1#"}},
		{name: "show version abbreviated", send: "sh ver\r",
			want: []string{"sh ver\r\nCisco IOS Software, IOSv Software", "R1 uptime is", "Configuration register is 0x0\r\nR1#"},
			not:  []string{"--More--"}},
		{name: "invalid word", send: "show foo\r", want: []string{"show foo\r\n        ^\r\n" + iosInvalidOut + "R1#"}},
		{name: "incomplete", send: "show\r", want: []string{"show\r\n% Incomplete command.\r\n\r\nR1#"}},
		{name: "ambiguous", send: "s\r", want: []string{"s\r\n% Ambiguous command:  \"s\"\r\nR1#"}},
		{name: "unknown", send: "frobnicate\r", want: []string{"Translating \"frobnicate\"\r\n% Unknown command or computer name, or unable to find computer address\r\nR1#"}},
		{name: "ip interface brief", send: "show ip interface brief\r",
			want: []string{"Interface                  IP-Address      OK? Method Status", "GigabitEthernet0/0         192.0.2.1       YES NVRAM  up", "GigabitEthernet0/1         unassigned      YES NVRAM  administratively down", "\r\nR1#"}},
		{name: "configure", send: "conf t\r", want: []string{"conf t\r\nEnter configuration commands, one per line.  End with CNTL/Z.\r\nR1(config)#"}},
		{name: "show in config", send: "show version\r", want: []string{"show version\r\n           ^\r\n" + iosInvalidOut + "R1(config)#"}},
		{name: "interface", send: "interface Gi0/1\r", want: []string{"R1(config-if)#"}},
		{name: "description", send: "description to R2\r", want: []string{"R1(config-if)#"}},
		{name: "no shutdown", send: "no shutdown\r", want: []string{"R1(config-if)#"}},
		{name: "exit up", send: "exit\r", want: []string{"exit\r\nR1(config)#"}},
		{name: "hostname", send: "hostname X1\r", want: []string{"hostname X1\r\nX1(config)#"}},
		{name: "end and async log", send: "end\r", want: []string{"end\r\nX1#",
			"\r\n*Mar  1 00:12:34.567: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (127.0.0.1)\r\nX1#"}},
		{name: "run shows hostname", send: "show run | include hostname\r", want: []string{"\r\nhostname X1\r\nX1#"}},
		{name: "pipe abbreviated", send: "sh run | beg line vty\r", want: []string{"| beg line vty\r\nline vty 0 4\r\n login local\r\n", "\r\nend\r\nX1#"}},
		{name: "unknown pipe", send: "show clock | frob x\r", want: []string{"show clock | frob x\r\n" + strings.Repeat(" ", 16) + "^\r\n" + iosInvalidOut + "X1#"}},
		{name: "interface changed", send: "sh ip int br | include 0/1\r", want: []string{"GigabitEthernet0/1         unassigned      YES NVRAM  up", "X1#"}},
		{name: "copy dialogue", send: "copy running-config startup-config\r", want: []string{"Destination filename [startup-config]? "}},
		{name: "copy done", send: "\r", want: []string{"\r\nBuilding configuration...\r\n[OK]\r\nX1#"}},
		{name: "write memory", send: "write memory\r", want: []string{"Building configuration...\r\n[OK]\r\nX1#"}},
		{name: "disable", send: "disable\r", want: []string{"disable\r\nX1>"}},
		{name: "ctrl-c idle", send: "\x03", want: []string{"\r\nX1>"}},
		{name: "ctrl-z outside config", send: "\x1ashow clock\r", want: []string{"show clock\r\n*00:12:34.567 UTC"}, not: []string{"X1>", "^Z"}},
		{name: "backspace", send: "shox\x7f\bow privilege\r", want: []string{"x\b \b", "Current privilege level is 1\r\nX1>"}},
		{name: "ctrl-u", send: "garbage\x15show clock\r", want: []string{"*00:12:34.567 UTC Mon Mar 1 1993\r\nX1>"}},
		{name: "escape sequences", send: "\x1b[A\x1bOBshow clock\r", want: []string{"*00:12:34.567 UTC", "X1>"}},
		{name: "empty line", send: "\r", want: []string{"\r\nX1>"}},
		{name: "help", send: "show ?", want: []string{"show ?\r\n", "  version              Software and hardware summary\r\n", "\r\nX1>show "}, not: []string{"running-config"}},
		{name: "after help", send: "clock\r", want: []string{"clock\r\n*00:12:34.567 UTC"}},
		{name: "help nothing", send: "show clock ?", want: []string{"% Unrecognized command\r\n\r\nX1>show clock "}},
		{name: "after help nothing", send: "\r", want: []string{"*00:12:34.567 UTC"}},
	})
	term.send("exit\r")
	term.waitEnd()
	if got := d.Hostname(); got != "X1" {
		t.Errorf("Hostname() = %q, want %q", got, "X1")
	}
}

func TestIOSShowLoggingIsLong(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios"})
	term := dialTerm(t, d)
	term.expect("R1>")
	term.send("enable\renablepw\rterminal length 0\r")
	term.expect("terminal length 0\r\nR1#")
	term.send("show logging\r")
	out := term.expect("\r\nR1#")
	if n := strings.Count(out, "\r\n"); n < 30000 {
		t.Errorf("show logging printed %d lines, want at least 30000", n)
	}
	if strings.Contains(out, "--More--") {
		t.Errorf("show logging paged with terminal length 0")
	}
}

func TestIOSPager(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios"})
	term := dialTerm(t, d)
	term.expect("R1>")
	term.send("enable\renablepw\r")
	term.expect("R1#")
	term.send("show running-config\r")
	page := term.expect(" --More-- ")
	if n := strings.Count(page, "\r\n"); n != 24 { // the echo line and 23 lines of output
		t.Errorf("first page has %d lines, want 24: %q", n, page)
	}
	erase := strings.Repeat("\b", 10) + strings.Repeat(" ", 10) + strings.Repeat("\b", 10)
	term.send(" ")
	page = term.expect(" --More-- ")
	if !strings.HasPrefix(page, erase) || strings.Count(page, "\r\n") != 23 {
		t.Errorf("space: want erase then 23 lines, got %q", page)
	}
	term.send("\r")
	page = term.expect(" --More-- ")
	if !strings.HasPrefix(page, erase) || strings.Count(page, "\r\n") != 1 {
		t.Errorf("enter: want erase then one line, got %q", page)
	}
	term.send("q")
	if got := term.expect("R1#"); got != erase+"R1#" {
		t.Errorf("q: got %q, want erase then prompt", got)
	}
	term.send("terminal length 0\rshow running-config\r")
	out := term.expect("\r\nend\r\nR1#")
	if strings.Contains(out, "More") {
		t.Errorf("paged with terminal length 0: %q", tail(out))
	}
	for _, want := range []string{"hostname R1\r\n", "interface GigabitEthernet0/0\r\n", "\r\nR1#\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("show running-config lacks %q", want)
		}
	}
}

var successRe = regexp.MustCompile(`Success rate is 100 percent \((\d+)/(\d+)\)`)

func TestIOSPingInterrupt(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios"})
	term := dialTerm(t, d)
	term.expect("R1>")
	term.send("ping 127.0.0.1\r")
	term.expect("Sending 5, 100-byte ICMP Echos to 127.0.0.1, timeout is 2 seconds:\r\n!!!!!\r\nSuccess rate is 100 percent (5/5)")
	term.expect("R1>")
	for _, key := range []string{"\x03", "\x1e"} {
		term.send("ping 127.0.0.1 repeat 100000\r")
		term.expect("Sending 100000, 100-byte ICMP Echos to 127.0.0.1")
		term.expect("!!!!!!")
		term.send(key)
		m := successRe.FindStringSubmatch(term.expectRe(successRe))
		if n, _ := strconv.Atoi(m[1]); n >= 100000 || m[1] != m[2] {
			t.Errorf("key %q: summary %q, want an interrupted count", key, m[0])
		}
		term.expect("ms\r\nR1>")
	}
	term.send("ping nowhere\r")
	term.expect("% Unrecognized host or address, or protocol not running.\r\n\r\nR1>")
}

// TestIOSEnableOutcomes covers the other answers a device can give to
// enable, and a login that starts privileged.
func TestIOSEnableOutcomes(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		send string
		want string
	}{
		{"direct", Options{Enable: EnableDirect}, "enable\r", "enable\r\nR1#"},
		{"no password set", Options{Enable: EnableNoPassword}, "enable\r", "enable\r\n% No password set\r\nR1>"},
		{"login privileged", Options{LoginPrivileged: true}, "show privilege\r", "Current privilege level is 15\r\nR1#"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Platform = "ios"
			term := dialTerm(t, StartDevice(t, tc.opts))
			term.expect("##\r\n\r\nR1")
			term.send(tc.send)
			if got := term.expect(tc.want); strings.Contains(got, "Password") {
				t.Errorf("asked for a password: %q", got)
			}
		})
	}
}

func TestIOSMoreCommands(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios", LoginPrivileged: true})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"R1#"}},
		{name: "length", send: "terminal length 0\r", want: []string{"R1#"}},
		{name: "users", send: "show users\r", want: []string{"vty 0     admin      idle                 00:00:00 127.0.0.1", "R1#"}},
		{name: "startup before", send: "show startup-config | include hostname\r", want: []string{"hostname R1\r\nR1#"}},
		{name: "configure asks", send: "configure\r", want: []string{"Configuring from terminal, memory, or network [terminal]? "}},
		{name: "configure default", send: "\r", want: []string{"Enter configuration commands, one per line.  End with CNTL/Z.\r\nR1(config)#"}},
		{name: "no such port", send: "interface Gi0/9\r", want: []string{"interface Gi0/9\r\n" + strings.Repeat(" ", 21) + "^\r\n" + iosInvalidOut + "R1(config)#"}},
		{name: "bad type", send: "interface Foo1\r", want: []string{strings.Repeat(" ", 21) + "^\r\n" + iosInvalidOut}},
		{name: "loopback", send: "interface Loopback7\r", want: []string{"R1(config-if)#"}},
		{name: "loopback address", send: "ip address 10.7.7.7 255.255.255.255\r", want: []string{"R1(config-if)#"}},
		{name: "bad address", send: "ip address 10.7.7 255.255.255.255\r", want: []string{strings.Repeat(" ", 25) + "^\r\n" + iosInvalidOut}},
		{name: "ospf", send: "router ospf 1\r", want: []string{"R1(config-router)#"}},
		{name: "network", send: "network 10.7.7.7 0.0.0.0 area 0\r", want: []string{"R1(config-router)#"}},
		{name: "vty", send: "line vty 0 4\r", want: []string{"R1(config-line)#"}},
		{name: "timeout", send: "exec-timeout 30 0\r", want: []string{"R1(config-line)#"}},
		{name: "do", send: "do show ip interface brief | include Loopback\r", want: []string{"Loopback7                  10.7.7.7        YES NVRAM  up", "R1(config-line)#"}},
		{name: "do keeps mode", send: "exit\r", want: []string{"R1(config)#"}},
		{name: "no route", send: "no ip route 0.0.0.0 0.0.0.0 192.0.2.254\r", want: []string{"R1(config)#"}},
		{name: "end", send: "end\r", want: []string{"R1#", "%SYS-5-CONFIG_I", "R1#"}},
		{name: "run", send: "show running-config | begin router ospf\r", want: []string{"router ospf 1\r\n network 10.7.7.7 0.0.0.0 area 0\r\n!\r\nip forward-protocol nd\r\n!\r\nno ip http server\r\nno ip http secure-server\r\nip ssh version 2\r\n", "line vty 0 4\r\n login local\r\n transport input ssh\r\n exec-timeout 30 0\r\n", "R1#"}},
		{name: "startup unchanged", send: "show startup-config | include Loopback\r", want: []string{"include Loopback\r\nR1#"}},
		{name: "copy abandoned", send: "copy running-config startup-config\r", want: []string{"Destination filename [startup-config]? "}},
		{name: "ctrl-c in dialogue", send: "\x03", want: []string{"\r\nR1#"}, not: []string{"Building"}},
		{name: "no length", send: "terminal no length\rshow running-config\r", want: []string{" --More-- "}},
		{name: "other key quits", send: "x", want: []string{"\bR1#"}},
	})
}
