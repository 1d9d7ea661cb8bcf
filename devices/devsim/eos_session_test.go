package devsim

import (
	"strings"
	"testing"
	"time"
)

// TestEOSSessionCommitAbort: a session's lines change nothing until its
// commit, its diff names them, abort throws them away, and another
// connection keeps seeing running-config.
func TestEOSSessionCommitAbort(t *testing.T) {
	d := StartDevice(t, Options{Platform: "eos", LoginPrivileged: true})
	term, other := dialTerm(t, d), dialTerm(t, d)
	other.expect("leaf1#")
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"leaf1#"}},
		{name: "length", send: "terminal length 0\r", want: []string{"leaf1#"}},
		{name: "enter", send: "configure session s1\r", want: []string{"leaf1(config-s-s1)#"}},
		{name: "no diff", send: "show session-config diffs\r", want: []string{"diffs\r\nleaf1(config-s-s1)#"}},
		{name: "interface", send: "interface Loopback7\r", want: []string{"leaf1(config-s-s1-if-Lo7)#"}},
		{name: "address", send: "ip address 10.7.7.7/32\r", want: []string{"leaf1(config-s-s1-if-Lo7)#"}},
		{name: "up", send: "exit\r", want: []string{"leaf1(config-s-s1)#"}},
		{name: "rejected", send: "bogus line\r", want: []string{"% Invalid input (at token 0: 'bogus')\r\nleaf1(config-s-s1)#"}},
		{name: "diff", send: "show session-config diffs\r", want: []string{
			"--- system:/running-config\r\n+++ session:/s1-session-config\r\n", "+interface Loopback7\r\n+   ip address 10.7.7.7/32\r\n"}},
		{name: "running unchanged", send: "show running-config | include Loopback7\r", want: []string{"include Loopback7\r\nleaf1(config-s-s1)#"}},
		{name: "leave", send: "end\r", want: []string{"end\r\nleaf1#"}},
		{name: "still pending", send: "configure session s1\r", want: []string{"leaf1(config-s-s1)#"}},
		{name: "kept", send: "show session-config | include Loopback7\r", want: []string{"interface Loopback7\r\nleaf1(config-s-s1)#"}},
		{name: "abort", send: "abort\r", want: []string{"abort\r\nleaf1#"}},
		{name: "gone", send: "configure session s1 commit\r", want: []string{"% Session s1 does not exist\r\nleaf1#"}},
		{name: "again", send: "configure session s2\r", want: []string{"leaf1(config-s-s2)#"}},
		{name: "hostname", send: "hostname leaf7\r", want: []string{"hostname leaf7\r\nleaf1(config-s-s2)#"}},
		{name: "commit", send: "commit\r", want: []string{"commit\r\nleaf7#"}},
	})
	other.send("show running-config | include hostname\r")
	other.expect("hostname leaf7\r\nleaf7#")
}

// TestEOSCommitTimer: a commit timer's change undoes itself unless the
// session is committed again in time; abort undoes it at once; a saved
// file loads into a session.
func TestEOSCommitTimer(t *testing.T) {
	const minute = 600 * time.Millisecond // 00:01:00 is 600 ms
	d := StartDevice(t, Options{Platform: "eos", LoginPrivileged: true, MinuteLength: minute})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"leaf1#"}},
		{name: "length", send: "terminal length 0\r", want: []string{"leaf1#"}},
		{name: "save", send: "copy running-config flash:before.cfg\r", want: []string{"Copy completed successfully.\r\nleaf1#"}},
		// Ten device minutes (6 s) leave time to look before the timer
		// runs out.
		{name: "enter", send: "configure session t0\r", want: []string{"leaf1(config-s-t0)#"}},
		{name: "route", send: "ip route 10.99.0.0/16 192.0.2.1\r", want: []string{"leaf1(config-s-t0)#"}},
		{name: "bad timer", send: "commit timer 1:00\r", want: []string{"% Invalid input"}},
		{name: "timer", send: "commit timer 00:10:00\r", want: []string{"commit timer 00:10:00\r\nleaf1#"}},
		{name: "applied", send: "show running-config | include 10.99\r", want: []string{"ip route 10.99.0.0/16 192.0.2.1\r\nleaf1#"}},
		{name: "pending", send: "configure session t0\r", want: []string{"% Cannot enter session t0", "leaf1#"}},
		{name: "abort", send: "configure session t0 abort\r", want: []string{"abort\r\nleaf1#"}},
		{name: "aborted", send: "show running-config | include 10.99\r", want: []string{"include 10.99\r\nleaf1#"}},
		// One device minute, and nobody confirms.
		{name: "enter", send: "configure session t1\r", want: []string{"leaf1(config-s-t1)#"}},
		{name: "route", send: "ip route 10.99.0.0/16 192.0.2.1\r", want: []string{"leaf1(config-s-t1)#"}},
		{name: "timer", send: "commit timer 00:01:00\r", want: []string{"commit timer 00:01:00\r\nleaf1#"}},
	})
	// The timer runs out after a device minute; poll until it has.
	for i := 0; ; i++ {
		term.send("show running-config | include 10.99\r")
		if got := term.expect("leaf1#"); !strings.Contains(got, "ip route 10.99") {
			break
		}
		if i == 100 {
			t.Fatal("the change of a commit timer that nobody confirmed stayed")
		}
		time.Sleep(minute / 4)
	}
	runSteps(t, term, []termStep{
		{name: "too late", send: "configure session t1 commit\r", want: []string{"% Session t1 does not exist"}},
		{name: "enter", send: "configure session t2\r", want: []string{"leaf1(config-s-t2)#"}},
		{name: "route", send: "ip route 10.98.0.0/16 192.0.2.1\r", want: []string{"leaf1(config-s-t2)#"}},
		{name: "timer", send: "commit timer 00:10:00\r", want: []string{"leaf1#"}},
		{name: "confirm", send: "configure session t2 commit\r", want: []string{"commit\r\nleaf1#"}},
		{name: "restore", send: "configure session r1\r", want: []string{"leaf1(config-s-r1)#"}},
		{name: "missing", send: "copy flash:none.cfg session-config\r", want: []string{"% Error copying flash:none.cfg to session-config (No such file or directory)"}},
		{name: "load", send: "copy flash:before.cfg session-config\r", want: []string{"session-config\r\nleaf1(config-s-r1)#"}},
		{name: "diff", send: "show session-config diffs\r", want: []string{"-ip route 10.98.0.0/16 192.0.2.1\r\n"}},
		{name: "commit", send: "commit\r", want: []string{"leaf1#"}},
		{name: "restored", send: "show running-config | include 10.9\r", want: []string{"include 10.9\r\nleaf1#"}},
	})
}
