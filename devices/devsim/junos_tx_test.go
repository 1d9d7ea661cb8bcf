package devsim

import (
	"strings"
	"testing"
	"time"
)

// testMinute makes a device minute short enough for timer tests.
const testMinute = 200 * time.Millisecond

// junosBroadcast is what a session sees when an unconfirmed commit is
// rolled back, up to the prompt it draws again.
func junosBroadcast(host string) string {
	return "\r\n\r\nBroadcast Message from root@" + host + " (no tty) at 00:12 UTC...\r\n\r\n" +
		"Commit was not confirmed; automatic rollback complete.\r\n\r\n"
}

// TestJunosConfirmedCommitRollsBack checks that an unconfirmed commit is
// undone by the device itself, after the session that made it is gone,
// that every logged-in session is told, and that the rollback is a commit
// of its own in the history.
func TestJunosConfirmedCommitRollsBack(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos", MinuteLength: testMinute})
	a, b := dialTerm(t, d), dialTerm(t, d)
	b.expect("admin@vmx1> ")
	start := time.Now()
	runSteps(t, a, []termStep{
		{name: "login", want: []string{"admin@vmx1> "}},
		{name: "configure", send: "configure\r", want: []string{"admin@vmx1# "}},
		{name: "change", send: "set system host-name vmx9\r", want: []string{junosEditPrompt("", "vmx1")}},
		{name: "commit confirmed", send: "commit confirmed 2\r", want: []string{
			"commit confirmed 2 \r\ncommit confirmed will be automatically rolled back in 2 minutes unless confirmed\r\ncommit complete" + junosEditPrompt("", "vmx9")}},
	})
	if got := d.Hostname(); got != "vmx9" {
		t.Fatalf("after commit confirmed: Hostname() = %q, want %q", got, "vmx9")
	}
	a.client.Close()
	b.expect(junosBroadcast("vmx1") + "admin@vmx1> ")
	if elapsed := time.Since(start); elapsed < 2*testMinute {
		t.Errorf("rolled back after %s, before the 2 device minutes (%s) were up", elapsed, 2*testMinute)
	}
	if got := d.Hostname(); got != "vmx1" {
		t.Errorf("after the automatic rollback: Hostname() = %q, want %q", got, "vmx1")
	}
	runSteps(t, b, []termStep{
		{name: "committed again", send: "show configuration | display set | match host-name\r", want: []string{"set system host-name vmx1" + junosPrompt("vmx1")}},
		{name: "operational compare", send: "show configuration | compare rollback 1\r", want: []string{
			"show configuration | compare rollback 1 \r\n[edit system]\r\n-  host-name vmx9;\r\n+  host-name vmx1;" + junosPrompt("vmx1")}},
		{name: "configure", send: "configure\r", want: []string{"admin@vmx1# "}},
		{name: "nothing to commit", send: "show | compare\r", want: []string{"show | compare " + junosEditPrompt("", "vmx1")}},
		{name: "rollback 1 is the unconfirmed commit", send: "show | compare rollback 1\r", want: []string{
			"show | compare rollback 1 \r\n[edit system]\r\n-  host-name vmx9;\r\n+  host-name vmx1;" + junosEditPrompt("", "vmx1")}},
		{name: "rollback 2 is the original", send: "show | compare rollback 2\r", want: []string{"show | compare rollback 2 " + junosEditPrompt("", "vmx1")}},
		{name: "rollback 0", send: "show | compare rollback 0\r", want: []string{"show | compare rollback 0 " + junosEditPrompt("", "vmx1")}},
		{name: "missing rollback", send: "show | compare rollback 7\r", want: []string{"error: rollback 7 does not exist" + junosEditPrompt("", "vmx1")}},
		{name: "bad rollback", send: "show | compare rollback 50\r", want: []string{"^\r\nsyntax error.\r\n"}},
	})
}

// TestJunosConfirmedCommitConfirmed checks that a commit, or a commit
// check, confirms a pending confirmed commit: the timer no longer fires.
func TestJunosConfirmedCommitConfirmed(t *testing.T) {
	for _, confirm := range []struct{ send, want string }{
		{"commit\r", "commit \r\ncommit complete"},
		{"commit check\r", "commit check \r\nconfiguration check succeeds"},
	} {
		t.Run(strings.TrimSpace(confirm.send), func(t *testing.T) {
			const minute = 500 * time.Millisecond // time enough to confirm
			d := StartDevice(t, Options{Platform: "junos", MinuteLength: minute})
			term := dialTerm(t, d)
			runSteps(t, term, []termStep{
				{name: "login", want: []string{"admin@vmx1> "}},
				{name: "configure", send: "configure\r", want: []string{"admin@vmx1# "}},
				{name: "change", send: "set system host-name vmx9\r", want: []string{junosEditPrompt("", "vmx1")}},
			})
			armed := time.Now()
			runSteps(t, term, []termStep{
				{name: "commit confirmed", send: "commit confirmed 1\r", want: []string{"commit complete" + junosEditPrompt("", "vmx9")}},
				{name: "confirm", send: confirm.send, want: []string{confirm.want + junosEditPrompt("", "vmx9")}},
			})
			// Absence can only be shown by waiting past the deadline.
			time.Sleep(time.Until(armed.Add(minute + minute/2)))
			term.send("show | compare\r")
			term.expect("show | compare " + junosEditPrompt("", "vmx9"))
			if all := term.all(); strings.Contains(all, "Commit was not confirmed") {
				t.Errorf("rolled back although confirmed: %q", tail(all))
			}
			if got := d.Hostname(); got != "vmx9" {
				t.Errorf("Hostname() = %q, want %q", got, "vmx9")
			}
		})
	}
}

// TestJunosExclusiveLock checks the database lock of configure exclusive
// as other sessions meet it, and its release.
func TestJunosExclusiveLock(t *testing.T) {
	d := StartDevice(t, Options{Platform: "junos"})
	a, b := dialTerm(t, d), dialTerm(t, d)
	a.expect("admin@vmx1> ")
	b.expect("admin@vmx1> ")
	holder := "  admin terminal pts/0 (pid 4242) on since 2023-01-01 00:12:34 UTC, idle 00:00:00\r\n      exclusive [edit]\r\n"
	runSteps(t, a, []termStep{
		{name: "a locks", send: "configure exclusive\r", want: []string{
			"configure exclusive \r\nEntering configuration mode\r\nwarning: uncommitted changes will be discarded on exit\r\n\r\n[edit]\r\nadmin@vmx1# "}},
		{name: "a changes", send: "set system host-name vmx5\r", want: []string{junosEditPrompt("", "vmx1")}},
	})
	runSteps(t, b, []termStep{
		{name: "b cannot lock", send: "configure exclusive\r", want: []string{"configure exclusive \r\nerror: configuration database locked by:\r\n" + holder + junosPrompt("vmx1")[2:]}},
		{name: "b cannot go private", send: "configure private\r", want: []string{"error: configuration database locked by:\r\n" + holder}},
		{name: "b may edit", send: "configure\r", want: []string{"Entering configuration mode\r\nUsers currently editing the configuration:\r\n" + holder + "\r\n[edit]\r\nadmin@vmx1# "}},
		{name: "b changes", send: "set system host-name vmx6\r", want: []string{junosEditPrompt("", "vmx1")}},
		{name: "b cannot commit", send: "commit\r", want: []string{"commit \r\nerror: configuration database locked by:\r\n" + holder + junosEditPrompt("", "vmx1")[2:]}},
	})
	runSteps(t, a, []termStep{
		{name: "a leaves", send: "exit\r", want: []string{"The configuration has been changed but not committed\r\nwarning: Auto rollback on exiting 'configure exclusive'\r\nDiscard uncommitted changes? [yes,no] (yes) "}},
		{name: "a discards", send: "yes\r", want: []string{"warning: discarding uncommitted changes\r\nload complete\r\nExiting configuration mode" + junosPrompt("vmx1")}},
		{name: "b's changes block the lock", send: "configure exclusive\r", want: []string{"configure exclusive \r\nerror: configuration database modified" + junosPrompt("vmx1")}},
		{name: "and a private copy", send: "configure private\r", want: []string{"configure private \r\nerror: shared configuration database modified" + junosPrompt("vmx1")}},
	})
	runSteps(t, b, []termStep{
		{name: "b commits once unlocked", send: "commit\r", want: []string{"commit \r\ncommit complete" + junosEditPrompt("", "vmx6")}},
	})
	runSteps(t, a, []termStep{
		{name: "a locks again", send: "configure exclusive\r", want: []string{"Entering configuration mode\r\nUsers currently editing the configuration:\r\n  admin terminal pts/0 (pid 4242) on since 2023-01-01 00:12:34 UTC\r\n      [edit]\r\n"}},
	})
}
