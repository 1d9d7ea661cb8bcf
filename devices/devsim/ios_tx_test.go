package devsim

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// iosArchiveFile is the name of the n-th archive file of path "flash:arch".
func iosArchiveFile(n string) string { return "flash:arch-Mar--1-00-12-34.567-" + n }

// iosArchiveSetup configures an archive at flash:arch on a privileged
// session without paging.
var iosArchiveSetup = []termStep{
	{name: "login", want: []string{"R1#"}},
	{name: "length", send: "terminal length 0\r", want: []string{"R1#"}},
	{name: "configure", send: "configure terminal\r", want: []string{"R1(config)#"}},
	{name: "archive", send: "archive\r", want: []string{"archive\r\nR1(config-archive)#"}},
	{name: "path", send: "path flash:arch\r", want: []string{"path flash:arch\r\nR1(config-archive)#"}},
	{name: "maximum", send: "maximum 3\r", want: []string{"maximum 3\r\nR1(config-archive)#"}},
	{name: "write-memory", send: "write-memory\r", want: []string{"write-memory\r\nR1(config-archive)#"}},
	{name: "end", send: "end\r", want: []string{"end\r\nR1#", "%SYS-5-CONFIG_I", "R1#"}},
}

func TestIOSArchiveReplaceAndDiff(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios", LoginPrivileged: true})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "login", want: []string{"R1#"}},
		{name: "length", send: "terminal length 0\r", want: []string{"R1#"}},
		{name: "no archive", send: "show archive\r", want: []string{"show archive\r\n Archive feature not enabled\r\nR1#"}},
		{name: "revert without archive", send: "configure terminal revert timer 5\r", want: []string{"revert timer 5\r\n Archive feature not enabled\r\nR1#"}},
		{name: "archive config without archive", send: "archive config\r", want: []string{" Archive feature not enabled\r\n% Error caught by command handler\r\nR1#"}},
	})
	runSteps(t, term, iosArchiveSetup[2:])
	runSteps(t, term, []termStep{
		{name: "archive block", send: "show running-config | begin archive\r", want: []string{
			"| begin archive\r\narchive\r\n path flash:arch\r\n maximum 3\r\n write-memory\r\n!\r\nusername admin"}},
		{name: "empty archive", send: "show archive\r", want: []string{"show archive\r\n" +
			"The maximum archive configurations allowed is 3.\r\n" +
			"There are currently 0 archive configurations saved.\r\n" +
			"The next archive file will be named " + iosArchiveFile("0") + "\r\n" +
			" Archive #  Name\r\n   1\r\n   2\r\n   3\r\nR1#"}},
		{name: "archive now", send: "archive config\r", want: []string{"archive config\r\nR1#"}},
		{name: "write memory archives", send: "write memory\r", want: []string{"[OK]\r\nR1#"}},
		{name: "archive list", send: "show archive\r", want: []string{
			"There are currently 2 archive configurations saved.\r\n",
			" Archive #  Name\r\n   1        " + iosArchiveFile("0") + "\r\n   2        " + iosArchiveFile("1") + " <- Most Recent\r\n   3\r\nR1#"}},
		{name: "copy asks", send: "copy running-config flash:before.cfg\r", want: []string{"Destination filename [before.cfg]? "}},
	})
	term.send("\r")
	copied := regexp.MustCompile(`\r\n(\d+) bytes copied in 0\.123 secs \((\d+) bytes/sec\)\r\nR1#`)
	if m := copied.FindStringSubmatch(term.expectRe(copied)); m[1] == "0" {
		t.Errorf("copy reported %q: want the configuration's size", m[0])
	}
	runSteps(t, term, []termStep{
		{name: "no differences", send: "show archive config differences flash:before.cfg\r", want: []string{
			"flash:before.cfg\r\n!Contextual Config Diffs:\r\n!No changes were found\r\nR1#"}},
		{name: "configure", send: "configure terminal\r", want: []string{"R1(config)#"}},
		{name: "loopback", send: "interface Loopback9\r", want: []string{"R1(config-if)#"}},
		{name: "address", send: "ip address 10.9.9.9 255.255.255.255\r", want: []string{"R1(config-if)#"}},
		{name: "rejected line", send: "ip adress 10.9.9.9\r", want: []string{"^\r\n" + iosInvalidOut + "R1(config-if)#"}},
		{name: "end", send: "end\r", want: []string{"R1#", "%SYS-5-CONFIG_I", "R1#"}},
		{name: "file against running", send: "show archive config differences flash:before.cfg\r", want: []string{
			"flash:before.cfg\r\n!Contextual Config Diffs:\r\n+interface Loopback9\r\n +ip address 10.9.9.9 255.255.255.255\r\nR1#"}},
		{name: "running against file", send: "show archive config differences system:running-config flash:before.cfg\r", want: []string{
			"flash:before.cfg\r\n!Contextual Config Diffs:\r\n-interface Loopback9\r\n -ip address 10.9.9.9 255.255.255.255\r\nR1#"}},
		{name: "startup against running", send: "show archive config differences\r", want: []string{
			"differences\r\n!Contextual Config Diffs:\r\n+interface Loopback9\r\n +ip address 10.9.9.9 255.255.255.255\r\nR1#"}},
		{name: "missing file", send: "show archive config differences flash:none.cfg\r", want: []string{
			"Error: Could not open file flash:none.cfg for reading\r\nR1#"}},
		{name: "replace asks", send: "configure replace flash:before.cfg\r", want: []string{"replace flash:before.cfg\r\n" +
			strings.ReplaceAll(iosReplaceQuestion, "\n", "\r\n")}},
		{name: "replace", send: "y\r", want: []string{"y\r\nTotal number of passes: 1\r\nRollback Done\r\nR1#"}},
		{name: "restored", send: "show running-config | include Loopback9\r", want: []string{"include Loopback9\r\nR1#"}},
		{name: "replace again", send: "configure replace flash:before.cfg force\r", want: []string{"force\r\nTotal number of passes: 0\r\nRollback Done\r\nR1#"}},
		{name: "replace declined", send: "configure replace flash:before.cfg\r", want: []string{"? [no]: "}},
		{name: "declined", send: "\r", want: []string{"\r\nR1#"}, not: []string{"Rollback Done"}},
		{name: "replace missing", send: "configure replace flash:none.cfg force\r", want: []string{"Error: Could not open file flash:none.cfg for reading\r\nR1#"}},
		{name: "copy again", send: "copy running-config flash:before.cfg\r", want: []string{"Destination filename [before.cfg]? "}},
		{name: "overwrite asks", send: "\r", want: []string{"%Warning:There is a file already existing with this name\r\nDo you want to over write? [confirm]"}},
		{name: "overwrite", send: "\r", want: []string{"bytes copied in 0.123 secs", "R1#"}},
		{name: "copy to nowhere", send: "copy running-config nowhere\r", want: []string{"copy running-config nowhere\r\n" + strings.Repeat(" ", 23) + "^\r\n" + iosInvalidOut + "R1#"}},
		{name: "copy to tftp", send: "copy running-config tftp://192.0.2.9/r1.cfg\r", want: []string{"Address or name of remote host [192.0.2.9]? "}},
		{name: "tftp file", send: "\r", want: []string{"Destination filename [r1.cfg]? "}},
		{name: "tftp copied", send: "\r", want: []string{"bytes copied in 0.123 secs", "R1#"}},
		{name: "no timer", send: "configure confirm\r", want: []string{"configure confirm\r\n%No Rollback Confirmed Change pending\r\nR1#"}},
	})
	if got := d.Hostname(); got != "R1" {
		t.Errorf("Hostname() = %q, want R1", got)
	}
}

// iosRolledBack is what a session sees when the revert timer restores
// archive 0 after a change of hostname and a new loopback.
var iosRolledBack = "Rollback Confirmed Change: rolling to:" + iosArchiveFile("0") + "\r\n\r\n" +
	"*Mar  1 00:12:34.567: %ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_ROLLBACK_START: Start rolling to: " + iosArchiveFile("0") + "\r\n" +
	"*Mar  1 00:12:34.567: Rollback:Acquired Configuration lock.\r\n" +
	"!Pass 1\r\n!List of Rollback Commands:\r\nno hostname R9\r\nno interface Loopback9\r\nhostname R1\r\nend\r\n\r\n" +
	"Total number of passes: 1\r\nRollback Done\r\n"

// iosRevertChange arms a revert timer of the given minutes and changes
// the hostname and adds a loopback.
func iosRevertChange(minutes string) []termStep {
	return []termStep{
		{name: "revert timer", send: "configure terminal revert timer " + minutes + "\r", want: []string{
			"Rollback Confirmed Change: Backing up current running config to " + iosArchiveFile("0") + "\r\n\r\n" +
				"Enter configuration commands, one per line.  End with CNTL/Z.\r\nR1(config)#"}},
		{name: "backup logged", want: []string{
			"*Mar  1 00:12:34.567: %ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_BACKUP: Backing up current running config to " + iosArchiveFile("0") + "\r\n" +
				"*Mar  1 00:12:34.567: %ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_START_ABSTIMER: User: admin(Priv: 15, View: 0): Scheduled to rollback to config " +
				iosArchiveFile("0") + " in " + minutes + " minutes\r\nR1(config)#"}},
		{name: "hostname", send: "hostname R9\r", want: []string{"R9(config)#"}},
		{name: "loopback", send: "interface Loopback9\r", want: []string{"R9(config-if)#"}},
		{name: "end", send: "end\r", want: []string{"R9#", "%SYS-5-CONFIG_I", "R9#"}},
	}
}

// TestIOSRevertTimerRestores checks that an unconfirmed change is undone
// by the device after the timer, even with the session that made it
// gone, and that other sessions see it happen.
func TestIOSRevertTimerRestores(t *testing.T) {
	const minute = 300 * time.Millisecond // time enough for the change
	d := StartDevice(t, Options{Platform: "ios", LoginPrivileged: true, MinuteLength: minute})
	a, b := dialTerm(t, d), dialTerm(t, d)
	b.expect("R1#")
	runSteps(t, a, iosArchiveSetup)
	start := time.Now()
	runSteps(t, a, iosRevertChange("2"))
	a.client.Close()
	b.expect("\r\nRollback Confirmed Change: Rollback will begin in one minute.\r\n" +
		"Enter \"configure confirm\" if you wish to keep what you've configured\r\n\r\n" +
		"*Mar  1 00:12:34.567: %ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_WARNING_ABSTIMER: System will rollback to config " + iosArchiveFile("0") +
		" in one minute. Enter \"configure confirm\" if you wish to keep what you've configured\r\n")
	b.expect("\r\n" + iosRolledBack + "R1#")
	if elapsed := time.Since(start); elapsed < 2*minute {
		t.Errorf("rolled back after %s, before the 2 device minutes (%s) were up", elapsed, 2*minute)
	}
	if got := d.Hostname(); got != "R1" {
		t.Errorf("after the rollback: Hostname() = %q, want R1", got)
	}
	runSteps(t, b, []termStep{
		{name: "enable", send: "enable\renablepw\r", want: []string{"R1#"}},
		{name: "length", send: "terminal length 0\r", want: []string{"R1#"}},
		{name: "no loopback", send: "show running-config | include Loopback9\r", want: []string{"include Loopback9\r\nR1#"}},
		{name: "hostname back", send: "show running-config | include hostname\r", want: []string{"hostname R1\r\nR1#"}},
		{name: "timer gone", send: "show archive config rollback timer\r", want: []string{"%No Rollback Confirmed Change pending\r\nR1#"}},
	})
}

// TestIOSRevertTimerConfirmed checks that configure confirm keeps the
// change: the timer no longer fires.
func TestIOSRevertTimerConfirmed(t *testing.T) {
	const minute = time.Second // long enough to confirm before the warning
	d := StartDevice(t, Options{Platform: "ios", LoginPrivileged: true, MinuteLength: minute})
	term := dialTerm(t, d)
	runSteps(t, term, iosArchiveSetup)
	armed := time.Now()
	runSteps(t, term, iosRevertChange("2"))
	runSteps(t, term, []termStep{
		{name: "pending", send: "show archive config rollback timer\r", want: []string{"Rollback Confirmed Change to " + iosArchiveFile("0") + " pending\r\nR9#"}},
		{name: "confirm", send: "configure confirm\r", want: []string{"configure confirm\r\nR9#",
			"*Mar  1 00:12:34.567: %ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_CONFIRM: User: admin(Priv: 15, View: 0): Confirm the configuration change\r\nR9#"}},
	})
	// Absence can only be shown by waiting past the deadline.
	time.Sleep(time.Until(armed.Add(2*minute + minute/2)))
	term.send("show running-config | include hostname\r")
	term.expect("hostname R9\r\nR9#")
	if all := term.all(); strings.Contains(all, "rolling to") {
		t.Errorf("rolled back although confirmed: %q", tail(all))
	}
	if got := d.Hostname(); got != "R9" {
		t.Errorf("Hostname() = %q, want R9", got)
	}
}

// TestIOSRevertNowAndReset covers restoring at once, and a timer set
// again: a one-minute timer warns at once.
func TestIOSRevertNowAndReset(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios", LoginPrivileged: true, MinuteLength: time.Hour})
	term := dialTerm(t, d)
	runSteps(t, term, iosArchiveSetup)
	runSteps(t, term, iosRevertChange("5"))
	runSteps(t, term, []termStep{
		{name: "reset", send: "configure revert timer 1\r", want: []string{"configure revert timer 1\r\nR9#",
			"\r\nRollback Confirmed Change: Rollback will begin in one minute.\r\n",
			"*Mar  1 00:12:34.567: %ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_RESET_ABSTIMER: User: admin(Priv: 15, View: 0): Reset Rollback Confirmed Change timer(absolute) to 1 minutes\r\nR9#"}},
		{name: "revert now", send: "configure revert now\r", want: []string{"configure revert now\r\n" + iosRolledBack + "R1#"}},
		{name: "nothing pending", send: "configure revert now\r", want: []string{"%No Rollback Confirmed Change pending\r\nR1#"}},
		{name: "nothing to reset", send: "configure revert timer 3\r", want: []string{"%No Rollback Confirmed Change pending\r\nR1#"}},
		{name: "timer range", send: "configure terminal revert timer 121\r", want: []string{"^\r\n" + iosInvalidOut + "R1#"}},
	})
	if got := d.Hostname(); got != "R1" {
		t.Errorf("Hostname() = %q, want R1", got)
	}
}

func TestIOSArchiveMaximumOnNetworkPath(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios", LoginPrivileged: true})
	runSteps(t, dialTerm(t, d), []termStep{
		{name: "login", want: []string{"R1#"}},
		{name: "configure", send: "configure terminal\r", want: []string{"R1(config)#"}},
		{name: "archive", send: "archive\r", want: []string{"R1(config-archive)#"}},
		{name: "path", send: "path tftp://192.0.2.9/$h\r", want: []string{"R1(config-archive)#"}},
		{name: "maximum", send: "maximum 3\r", want: []string{"maximum 3\r\nCannot set maximum when backing up to network path\r\nR1(config-archive)#"}},
		{name: "exit", send: "exit\r", want: []string{"exit\r\nR1(config)#"}},
		{name: "archive now", send: "do archive config\r", want: []string{"R1(config)#"}},
		{name: "named after host", send: "do show archive\r", want: []string{"   1        tftp://192.0.2.9/R1-Mar--1-00-12-34.567-0 <- Most Recent\r\n"}},
	})
}

// TestIOSArchiveTimePeriod checks that "time-period" archives by itself.
func TestIOSArchiveTimePeriod(t *testing.T) {
	d := StartDevice(t, Options{Platform: "ios", LoginPrivileged: true, MinuteLength: 50 * time.Millisecond})
	term := dialTerm(t, d)
	runSteps(t, term, iosArchiveSetup)
	runSteps(t, term, []termStep{
		{name: "configure", send: "configure terminal\r", want: []string{"R1(config)#"}},
		{name: "archive", send: "archive\r", want: []string{"R1(config-archive)#"}},
		{name: "period", send: "time-period 1\r", want: []string{"time-period 1\r\nR1(config-archive)#"}},
		{name: "end", send: "end\r", want: []string{"R1#", "%SYS-5-CONFIG_I", "R1#"}},
	})
	deadline := time.Now().Add(simWait)
	for {
		term.send("show archive | include currently\r")
		got := term.expect("\r\nR1#")
		if strings.Contains(got, "There are currently") && !strings.Contains(got, "There are currently 0 ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no automatic archive within %s: %q", simWait, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestIOSReplaceWithTimer checks configure replace with a revert timer:
// the replaced configuration comes back unless confirmed.
func TestIOSReplaceWithTimer(t *testing.T) {
	const minute = 300 * time.Millisecond
	d := StartDevice(t, Options{Platform: "ios", LoginPrivileged: true, MinuteLength: minute})
	term := dialTerm(t, d)
	runSteps(t, term, iosArchiveSetup)
	runSteps(t, term, []termStep{
		{name: "save", send: "copy running-config flash:r1.cfg\r", want: []string{"Destination filename [r1.cfg]? "}},
		{name: "saved", send: "\r", want: []string{"bytes copied", "R1#"}},
		{name: "configure", send: "configure terminal\r", want: []string{"R1(config)#"}},
		{name: "hostname", send: "hostname R7\r", want: []string{"R7(config)#"}},
		{name: "end", send: "end\r", want: []string{"R7#", "%SYS-5-CONFIG_I", "R7#"}},
		{name: "replace", send: "configure replace flash:r1.cfg force time 2\r", want: []string{"time 2\r\n" +
			"Rollback Confirmed Change: Backing up current running config to " + iosArchiveFile("0") + "\r\n" +
			"Total number of passes: 1\r\nRollback Done\r\nR1#",
			"%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_START_ABSTIMER: User: admin(Priv: 15, View: 0): Scheduled to rollback to config " + iosArchiveFile("0") + " in 2 minutes\r\nR1#"}},
		{name: "restored", want: []string{"Rollback Confirmed Change: rolling to:" + iosArchiveFile("0") + "\r\n",
			"!List of Rollback Commands:\r\nno hostname R1\r\nhostname R7\r\nend\r\n", "Rollback Done\r\nR7#"}},
	})
	if got := d.Hostname(); got != "R7" {
		t.Errorf("after the revert: Hostname() = %q, want R7", got)
	}
}
