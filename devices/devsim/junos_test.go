package devsim

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// junosPrompt is the prompt block after a command in operational mode.
func junosPrompt(host string) string { return "\r\n\r\nadmin@" + host + "> " }

// junosEditPrompt is the prompt block after a command in configuration mode.
func junosEditPrompt(ctx, host string) string {
	return "\r\n\r\n[edit" + ctx + "]\r\nadmin@" + host + "# "
}

func TestJunosTranscript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos"})
	term := dialTerm(t, d)
	caret := func(col int) string { return strings.Repeat(" ", col) + "^\r\n" }
	runSteps(t, term, []termStep{
		{name: "banner", want: []string{"# 100% of sessions recorded", "#\r\n--- JUNOS 21.4R3.15 built 2023-01-01 00:00:00 UTC\r\nadmin@vmx1> "}},
		{name: "screen length", send: "set cli screen-length 0\r", want: []string{"set cli screen-length 0 \r\nScreen length set to 0" + junosPrompt("vmx1")}},
		{name: "screen width", send: "set cli screen-width 511\r", want: []string{"Screen width set to 511" + junosPrompt("vmx1")}},
		{name: "complete on space", send: "set cli complete-on-space off\r", want: []string{"Disabling complete-on-space" + junosPrompt("vmx1")}},
		{name: "show version", send: "show version\r", want: []string{"show version \r\nHostname: vmx1\r\nModel: vmx\r\nJunos: 21.4R3.15\r\n", "JUNOS Simulation Package", junosPrompt("vmx1")}},
		{name: "interfaces terse", send: "sh int terse\r", want: []string{"ge-0/0/0.0              up    up   inet     192.0.2.1/24", junosPrompt("vmx1")}},
		{name: "invalid word", send: "show foo\r", want: []string{"show foo \r\n" + caret(17) + "syntax error, expecting <command>.\r\n" + junosPrompt("vmx1")[2:]}},
		{name: "unknown command", send: "foo\r", want: []string{"foo \r\n" + caret(12) + "unknown command.\r\n" + junosPrompt("vmx1")[2:]}},
		{name: "ambiguous", send: "s\r", want: []string{"s \r\n" + caret(12) + "'s' is ambiguous.\r\nPossible completions:\r\n  set", "\r\n  show", junosPrompt("vmx1")}},
		{name: "bad value", send: "set cli screen-length lots\r", want: []string{caret(34) + "syntax error.\r\n"}},
		{name: "display set", send: "show configuration | display set | match host-name\r", want: []string{"| match host-name \r\nset system host-name vmx1" + junosPrompt("vmx1")}},
		{name: "configure", send: "configure\r", want: []string{"configure \r\nEntering configuration mode\r\n\r\n[edit]\r\nadmin@vmx1# "}},
		{name: "set hostname", send: "set system host-name vmx2\r", want: []string{"set system host-name vmx2 " + junosEditPrompt("", "vmx1")}},
		{name: "compare", send: "show | compare\r", want: []string{"show | compare \r\n[edit system]\r\n-  host-name vmx1;\r\n+  host-name vmx2;" + junosEditPrompt("", "vmx1")}},
		{name: "commit check", send: "commit check\r", want: []string{"configuration check succeeds" + junosEditPrompt("", "vmx1")}},
		{name: "edit", send: "edit interfaces ge-0/0/0\r", want: []string{junosEditPrompt(" interfaces ge-0/0/0", "vmx1")}},
		{name: "set relative", send: "set description \"to core 2\"\r", want: []string{junosEditPrompt(" interfaces ge-0/0/0", "vmx1")}},
		{name: "show relative", send: "show\r", want: []string{"show \r\ndescription \"to core 2\";\r\nunit 0 {\r\n    family inet {\r\n        address 192.0.2.1/24;\r\n    }\r\n}" + junosEditPrompt(" interfaces ge-0/0/0", "vmx1")}},
		{name: "up", send: "up\r", want: []string{junosEditPrompt(" interfaces", "vmx1")}},
		{name: "top", send: "top\r", want: []string{junosEditPrompt("", "vmx1")}},
		{name: "bad statement", send: "set bogus thing\r", want: []string{caret(16) + "syntax error.\r\n"}},
		{name: "bgp without peer-as", send: "set protocols bgp group X neighbor 1.1.1.1\r", want: []string{junosEditPrompt("", "vmx1")}},
		{name: "failing commit", send: "commit\r", want: []string{"commit \r\n[edit protocols bgp group X]\r\n  'neighbor 1.1.1.1'\r\n    Missing mandatory statement: 'peer-as'\r\nerror: configuration check-out failed" + junosEditPrompt("", "vmx1")}},
		{name: "delete", send: "delete protocols bgp\r", want: []string{junosEditPrompt("", "vmx1")}},
		{name: "delete missing", send: "delete protocols bgp\r", want: []string{"warning: statement not found" + junosEditPrompt("", "vmx1")}},
		{name: "commit", send: "commit\r", want: []string{"commit \r\ncommit complete" + junosEditPrompt("", "vmx2")}},
		{name: "change again", send: "set system host-name vmx3\r", want: []string{junosEditPrompt("", "vmx2")}},
		{name: "rollback", send: "rollback 0\r", want: []string{"load complete" + junosEditPrompt("", "vmx2")}},
		{name: "nothing to compare", send: "show | compare\r", want: []string{"show | compare " + junosEditPrompt("", "vmx2")}},
		{name: "uncommitted", send: "set system host-name vmx4\r", want: []string{junosEditPrompt("", "vmx2")}},
		{name: "exit asks", send: "exit\r", want: []string{"The configuration has been changed but not committed\r\nExit with uncommitted changes? [yes,no] (yes) "}},
		{name: "exit refused", send: "no\r", want: []string{junosEditPrompt("", "vmx2")}},
		{name: "exit asks again", send: "exit\r", want: []string{"Exit with uncommitted changes? [yes,no] (yes) "}},
		{name: "exit confirmed", send: "yes\r", want: []string{"Exiting configuration mode" + junosPrompt("vmx2")}},
		{name: "reboot refused", send: "request system reboot\r", want: []string{"Reboot the system ? [yes,no] (no) "}},
		{name: "reboot answer", send: "no\r", want: []string{junosPrompt("vmx2")}},
		{name: "ctrl-c idle", send: "\x03", want: []string{"\r\nadmin@vmx2> "}},
		{name: "help", send: "show sys?", want: []string{"show sys?\r\nPossible completions:\r\n  system               System state\r\n\r\nadmin@vmx2> show sys"}},
		{name: "after help", send: "tem uptime\r", want: []string{"Current time: 2023-01-01 00:12:34 UTC"}},
		{name: "line editing", send: "shox\x7f\bow system uptime\x1b[A\r", want: []string{"x\b \b", "Current time: 2023-01-01 00:12:34 UTC"}},
	})
	term.send("exit\r")
	term.waitEnd()
	if got := d.Hostname(); got != "vmx2" {
		t.Errorf("Hostname() = %q, want %q", got, "vmx2")
	}
}

func TestJunosLongOutputAndPing(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos"})
	term := dialTerm(t, d)
	term.expect("admin@vmx1> ")
	term.send("show route | no-more\r")
	out := term.expect(junosPrompt("vmx1"))
	if n := strings.Count(out, "\r\n"); n < 9000 {
		t.Errorf("show route printed %d lines, want thousands", n)
	}
	if strings.Contains(out, "(more") {
		t.Errorf("show route paged despite | no-more")
	}
	term.send("ping 127.0.0.1\r")
	term.expect("PING 127.0.0.1 (127.0.0.1): 56 data bytes\r\n64 bytes from 127.0.0.1: icmp_seq=0 ttl=64")
	term.expect("icmp_seq=2 ttl=64")
	term.send("\x03")
	re := regexp.MustCompile(`--- 127\.0\.0\.1 ping statistics ---\r\n(\d+) packets transmitted, (\d+) packets received`)
	m := re.FindStringSubmatch(term.expectRe(re))
	if n, _ := strconv.Atoi(m[1]); n < 3 || m[1] != m[2] {
		t.Errorf("ping statistics %q: want at least 3 sent and all received", m[0])
	}
	term.expect(junosPrompt("vmx1"))
}

var junosMoreRe = regexp.MustCompile(`---\(more (\d+)%\)---`)

func TestJunosPager(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos"})
	term := dialTerm(t, d)
	term.expect("admin@vmx1> ")
	term.send("show configuration\r")
	page := term.expectRe(junosMoreRe)
	if n := strings.Count(page, "\r\n"); n != 24 { // the echo and 23 lines
		t.Errorf("first page has %d lines, want 24: %q", n, page)
	}
	first, _ := strconv.Atoi(junosMoreRe.FindStringSubmatch(page)[1])
	term.send(" ")
	page = term.expectRe(junosMoreRe)
	second, _ := strconv.Atoi(junosMoreRe.FindStringSubmatch(page)[1])
	if !strings.HasPrefix(page, "\r") || first <= 0 || second <= first || second >= 100 {
		t.Errorf("space: percentages %d then %d, page %q", first, second, page)
	}
	term.send("q")
	term.expect("admin@vmx1> ")
	term.send("show route\r")
	term.expect("---(more)---")
	term.send("\r")
	if got := term.expect("---(more)---"); strings.Count(got, "\r\n") != 1 {
		t.Errorf("enter: want one more line, got %q", got)
	}
	term.send("q")
	term.expect("admin@vmx1> ")
	term.send("show configuration | no-more\r")
	if out := term.expect(junosPrompt("vmx1")); strings.Contains(out, "(more") {
		t.Errorf("| no-more still paged: %q", tail(out))
	}
}

func TestJunosCompleteOnSpace(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos"})
	term := dialTerm(t, d)
	term.expect("admin@vmx1> ")
	term.send("set cli screen-length 0\r")
	term.expect("Screen length set to 0" + junosPrompt("vmx1"))
	term.send("sh ver\r")
	term.expect("show ver \r\nHostname: vmx1")
	term.expect(junosPrompt("vmx1"))
	term.send("set cli complete-on-space off\r")
	term.expect("Disabling complete-on-space" + junosPrompt("vmx1"))
	term.send("sh ver\r")
	term.expect("sh ver \r\nHostname: vmx1")
}

func TestJunosDualRE(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos", DualRE: true, Hostname: "mx-a"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"UTC\r\n{master:0}\r\nadmin@mx-a> "}},
		{name: "configure", send: "configure\r", want: []string{"Entering configuration mode\r\n\r\n{master:0}[edit]\r\nadmin@mx-a# "}},
		{name: "set", send: "set system host-name mx-b\r", want: []string{"\r\n\r\n{master:0}[edit]\r\nadmin@mx-a# "}},
		{name: "commit", send: "commit\r", want: []string{"commit \r\nre0: \r\nconfiguration check succeeds\r\nre1: \r\nconfiguration check succeeds\r\ncommit complete\r\nre0: \r\ncommit complete\r\n\r\n{master:0}[edit]\r\nadmin@mx-b# "}},
		{name: "exit", send: "exit\r", want: []string{"Exiting configuration mode\r\n\r\n{master:0}\r\nadmin@mx-b> "}},
	})
}

func TestJunosRebootDropsConnection(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos"})
	term := dialTerm(t, d)
	term.expect("admin@vmx1> ")
	term.send("request system reboot\r")
	term.expect("Reboot the system ? [yes,no] (no) ")
	term.send("yes\r")
	if rest := term.waitEnd(); !strings.Contains(rest, "System going down IMMEDIATELY") {
		t.Errorf("no shutdown message before the connection dropped: %q", rest)
	}
	if _, _, err := term.client.SendRequest("keepalive@openssh.com", true, nil); err == nil {
		t.Errorf("connection still usable after a confirmed reboot")
	}
}

func TestJunosRootShell(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos", Username: "root"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "shell prompt", want: []string{"UTC\r\nroot@vmx1:~ # "}},
		{name: "unknown", send: "show version\r", want: []string{"show: Command not found.\r\nroot@vmx1:~ # "}},
		{name: "cli", send: "cli\r", want: []string{"cli\r\n\r\nroot@vmx1> "}},
		{name: "back to shell", send: "exit\r", want: []string{"exit \r\nroot@vmx1:~ # "}},
	})
	term.send("exit\r")
	term.waitEnd()
}

// TestJunosOtherEditors checks the warning about other sessions in
// configuration mode, and that a session leaving (even by dropping its
// connection) is no longer counted.
func TestJunosOtherEditors(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos"})
	a, b := dialTerm(t, d), dialTerm(t, d)
	a.expect("admin@vmx1> ")
	b.expect("admin@vmx1> ")
	a.send("configure\r")
	if got := a.expect("admin@vmx1# "); strings.Contains(got, "Users currently editing") {
		t.Errorf("first editor warned: %q", got)
	}
	b.send("configure\r")
	b.expect("Entering configuration mode\r\nUsers currently editing the configuration:\r\n  admin terminal pts/0 (pid 4242) on since 2023-01-01 00:12:34 UTC\r\n      [edit]\r\n\r\n[edit]\r\nadmin@vmx1# ")
	b.send("exit\r")
	b.expect("Exiting configuration mode")
	b.expect("admin@vmx1> ")
	a.client.Close()
	deadline := time.Now().Add(simWait)
	for {
		b.send("configure\r")
		got := b.expect("admin@vmx1# ")
		if !strings.Contains(got, "Users currently editing") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed session still counts as an editor: %q", got)
		}
		b.send("exit\r")
		b.expect("admin@vmx1> ")
		time.Sleep(20 * time.Millisecond)
	}
}

func TestJunosMoreCommands(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos"})
	term := dialTerm(t, d)
	caret := func(col int) string { return strings.Repeat(" ", col) + "^\r\n" }
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"admin@vmx1> "}},
		{name: "length", send: "set cli screen-length 0\r", want: []string{junosPrompt("vmx1")}},
		{name: "show path", send: "show configuration routing-options\r", want: []string{"router-id 10.255.0.1;\r\nautonomous-system 65000;\r\nstatic {\r\n    route 0.0.0.0/0 {\r\n        next-hop 192.0.2.254;\r\n    }\r\n}" + junosPrompt("vmx1")}},
		{name: "show bad path", send: "show configuration bogus\r", want: []string{caret(31) + "syntax error.\r\n"}},
		{name: "except", send: "show interfaces terse | except inet\r", want: []string{"ge-0/0/0                up    up\r\n", junosPrompt("vmx1")}, not: []string{"192.0.2.1"}},
		{name: "configure private", send: "configure private\r", want: []string{"Entering configuration mode\r\nwarning: uncommitted changes will be discarded on exit\r\n\r\n[edit]\r\nadmin@vmx1# "}},
		{name: "run", send: "run show system uptime\r", want: []string{"System booted: 2022-12-30 21:08:29 UTC (2d 03:04 ago)" + junosEditPrompt("", "vmx1")}},
		{name: "edit leaf", send: "edit system host-name\r", want: []string{caret(24) + "syntax error.\r\n"}},
		{name: "delete leaf", send: "delete routing-options router-id\r", want: []string{junosEditPrompt("", "vmx1")}},
		{name: "compare delete", send: "show | compare\r", want: []string{"[edit routing-options]\r\n-  router-id 10.255.0.1;" + junosEditPrompt("", "vmx1")}},
		{name: "commit confirmed", send: "commit confirmed 5\r", want: []string{"commit confirmed will be automatically rolled back in 5 minutes unless confirmed\r\ncommit complete" + junosEditPrompt("", "vmx1")}},
		{name: "rollback 1", send: "rollback 1\r", want: []string{"load complete" + junosEditPrompt("", "vmx1")}},
		{name: "compare restore", send: "show | compare\r", want: []string{"[edit routing-options]\r\n+  router-id 10.255.0.1;" + junosEditPrompt("", "vmx1")}},
		{name: "missing rollback", send: "rollback 9\r", want: []string{"error: rollback 9 does not exist" + junosEditPrompt("", "vmx1")}},
		{name: "bad rollback", send: "rollback 50\r", want: []string{caret(21) + "syntax error.\r\n"}},
		{name: "commit and quit", send: "commit and-quit\r", want: []string{"commit complete\r\nExiting configuration mode" + junosPrompt("vmx1")}},
		{name: "restored", send: "show configuration routing-options | match router-id\r", want: []string{"router-id 10.255.0.1;" + junosPrompt("vmx1")}},
		{name: "bad ping", send: "ping nowhere\r", want: []string{"ping: cannot resolve nowhere: Unknown host" + junosPrompt("vmx1")}},
		{name: "counted ping", send: "ping 127.0.0.1 count 2\r", want: []string{"icmp_seq=1 ttl=64", "2 packets transmitted, 2 packets received, 0% packet loss", junosPrompt("vmx1")}},
	})
}
