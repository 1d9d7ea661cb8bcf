package devsim

import (
	"fmt"
	"strings"
	"time"
)

// IOS Configuration Rollback Confirmed Change: "configure terminal revert
// timer N" archives the running configuration, then restores it unless
// "configure confirm" comes within N minutes. The timer belongs to the
// device, so the rollback happens even when the session that armed it is
// gone; its messages reach every session.
//
// Texts follow a public walkthrough that shows the whole exchange on an
// IOS router (Byte Works, "Configuration Rollback and Replace on Cisco
// IOS"), confirmed by an IOS XE capture in oxidized's documentation:
// "Rollback Confirmed Change: Backing up current running config to ...",
// %ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_BACKUP, _START_ABSTIMER,
// _WARNING_ABSTIMER, "Rollback Confirmed Change: rolling to:...",
// _ROLLBACK_START, "Total number of passes: 1", "Rollback Done".

const (
	iosRevertTimer   = "ios revert"
	iosRevertWarning = "ios revert warning"
	iosRevertKey     = "ios revert file" // string: the archive to restore
)

// iosNoRevertPending answers the revert commands when no timer runs
// (captured from "show archive config rollback timer" on IOS 15; the
// simulator gives the same answer to confirm and revert).
const iosNoRevertPending = "%No Rollback Confirmed Change pending\n"

// iosLog prefixes a log message with the simulator's fixed clock.
func iosLog(msg string) string { return iosLogTime + ": " + msg }

// iosRevertUser is how the ARCHIVE_DIFF messages name the user.
func iosRevertUser(c *simCall) string {
	return fmt.Sprintf("User: %s(Priv: 15, View: 0)", c.Options().Username)
}

// iosWarnText is what IOS prints one minute before it rolls back.
func iosWarnText(file string) string {
	return "Rollback Confirmed Change: Rollback will begin in one minute.\n" +
		"Enter \"configure confirm\" if you wish to keep what you've configured\n\n" +
		iosLog("%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_WARNING_ABSTIMER: System will rollback to config "+file+
			" in one minute. Enter \"configure confirm\" if you wish to keep what you've configured")
}

// iosRevertFile returns the archive a pending revert restores, "" when
// none is pending.
func iosRevertFile(d *simDevice) string {
	var file string
	d.timed.with(func(state map[string]any) { file, _ = state[iosRevertKey].(string) })
	if !d.timed.armed(iosRevertTimer) {
		return ""
	}
	return file
}

// iosArmRevert (re)starts the revert timer and the warning one minute
// before it, on the device. A one-minute timer warns at once: the warning
// is returned for the caller to print with its other messages.
func iosArmRevert(c *simCall, file string, minutes int) (warnNow string) {
	d, minute := c.device(), c.Options().minute()
	d.timed.with(func(state map[string]any) { state[iosRevertKey] = file })
	d.timed.after(iosRevertTimer, time.Duration(minutes)*minute, func() {
		d.timed.broadcast(iosRollback(d, file))
	})
	if minutes <= 1 {
		d.timed.cancel(iosRevertWarning)
		return iosWarnText(file) + "\n"
	}
	d.timed.after(iosRevertWarning, time.Duration(minutes-1)*minute, func() {
		d.timed.broadcast(iosWarnText(file))
	})
	return ""
}

// iosRollback restores an archived configuration and returns what IOS
// prints doing it.
func iosRollback(d *simDevice, file string) string {
	d.timed.cancel(iosRevertTimer)
	d.timed.cancel(iosRevertWarning)
	snap, ok := iosFile(d, file)
	if !ok {
		return "Rollback Confirmed Change: rolling to:" + file + "\nError: Could not open file " + file + " for reading"
	}
	cmds := iosRollbackCommands(iosRunningConfig(d), snap.render())
	iosRestore(d, snap)
	var b strings.Builder
	b.WriteString("Rollback Confirmed Change: rolling to:" + file + "\n\n")
	b.WriteString(iosLog("%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_ROLLBACK_START: Start rolling to: "+file) + "\n")
	b.WriteString(iosLog("Rollback:Acquired Configuration lock.") + "\n")
	if len(cmds) == 0 {
		b.WriteString("\nTotal number of passes: 0\nRollback Done")
		return b.String()
	}
	b.WriteString("!Pass 1\n!List of Rollback Commands:\n")
	for _, l := range cmds {
		b.WriteString(l + "\n")
	}
	b.WriteString("end\n\nTotal number of passes: 1\nRollback Done")
	return b.String()
}

// iosConfigureRevertTimer is "configure terminal revert timer N": archive
// first, then configuration mode with the timer running.
func iosConfigureRevertTimer(c *simCall) error {
	var minutes int
	fmt.Sscan(c.Args[0], &minutes)
	file, ok := iosArchiveNow(c.device())
	if !ok {
		// The backup is an archive operation; without an archive path
		// IOS 15 reports the archive as disabled (as "archive config"
		// does) and stays in EXEC mode.
		c.Print(iosArchiveDisabled)
		return nil
	}
	c.Printf("Rollback Confirmed Change: Backing up current running config to %s\n\n", file)
	c.Println("Enter configuration commands, one per line.  End with CNTL/Z.")
	c.SetMode("config")
	c.SetContext(nil)
	iosStartRevert(c, file, minutes)
	return nil
}

// iosStartRevert arms the revert timer to restore file and logs it.
func iosStartRevert(c *simCall, file string, minutes int) {
	warn := iosArmRevert(c, file, minutes)
	c.After(c.s.p.LogDelay, warn+
		iosLog("%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_BACKUP: Backing up current running config to "+file)+"\n"+
		iosLog(fmt.Sprintf("%%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_START_ABSTIMER: %s: Scheduled to rollback to config %s in %d minutes",
			iosRevertUser(c), file, minutes)))
}

// iosConfigureConfirm is "configure confirm": keep the configuration,
// stop the timer. The CONFIRM message text is the commonly documented
// form; the simulator could not check it against a capture.
func iosConfigureConfirm(c *simCall) error {
	if iosRevertFile(c.device()) == "" {
		c.Print(iosNoRevertPending)
		return nil
	}
	c.device().timed.cancel(iosRevertTimer)
	c.device().timed.cancel(iosRevertWarning)
	c.After(c.s.p.LogDelay, iosLog("%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_CONFIRM: "+iosRevertUser(c)+": Confirm the configuration change"))
	return nil
}

// iosConfigureRevertNow is "configure revert now": roll back at once.
func iosConfigureRevertNow(c *simCall) error {
	file := iosRevertFile(c.device())
	if file == "" {
		c.Print(iosNoRevertPending)
		return nil
	}
	c.Println(iosRollback(c.device(), file))
	return nil
}

// iosConfigureRevertTimerReset is "configure revert timer N": the pending
// rollback now happens N minutes from now. The RESET_ABSTIMER text is the
// commonly documented form; the simulator could not check it against a
// capture.
func iosConfigureRevertTimerReset(c *simCall) error {
	file := iosRevertFile(c.device())
	if file == "" {
		c.Print(iosNoRevertPending)
		return nil
	}
	var minutes int
	fmt.Sscan(c.Args[0], &minutes)
	warn := iosArmRevert(c, file, minutes)
	c.After(c.s.p.LogDelay, warn+iosLog(fmt.Sprintf(
		"%%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_RESET_ABSTIMER: %s: Reset Rollback Confirmed Change timer(absolute) to %d minutes",
		iosRevertUser(c), minutes)))
	return nil
}

// iosShowRevertTimer is "show archive config rollback timer".
func iosShowRevertTimer(c *simCall) error {
	file := iosRevertFile(c.device())
	if file == "" {
		c.Print(iosNoRevertPending)
		return nil
	}
	c.Println("Rollback Confirmed Change to " + file + " pending")
	return nil
}

// iosTxCommands are the archive and rollback commands.
func iosTxCommands() []simCommand {
	archive := []string{"config-archive"}
	return []simCommand{
		{Syntax: "archive", Modes: iosConfig, Help: "Archive the configuration", Run: iosSubMode("config-archive", "archive")},
		{Syntax: "path <word>", Modes: archive, Help: "Where archive files go", Run: iosStore},
		{Syntax: "maximum <1-14>", Modes: archive, Help: "How many archive files to keep", Run: iosArchiveMaximum},
		{Syntax: "write-memory", Modes: archive, Help: "Archive on every write memory", Run: iosStore},
		{Syntax: "time-period <1-525600>", Modes: archive, Help: "Minutes between automatic archives", Run: iosArchiveTimePeriod},
		{Syntax: "show archive", Modes: iosPriv, Run: iosShowArchive},
		{Syntax: "show archive config differences [<line>]", Modes: iosPriv, Run: iosShowArchiveDiff},
		{Syntax: "show archive config rollback timer", Modes: iosPriv, Run: iosShowRevertTimer},
		{Syntax: "archive config", Modes: iosPriv, Help: "Save the running configuration in the archive", Run: iosArchiveConfigCmd},
		{Syntax: "configure terminal revert timer <1-120>", Modes: iosPriv, Run: iosConfigureRevertTimer},
		{Syntax: "configure confirm", Modes: iosPriv, Run: iosConfigureConfirm},
		{Syntax: "configure revert now", Modes: iosPriv, Run: iosConfigureRevertNow},
		{Syntax: "configure revert timer <1-120>", Modes: iosPriv, Run: iosConfigureRevertTimerReset},
		{Syntax: "configure replace <word>", Modes: iosPriv, Run: iosConfigureReplace},
		{Syntax: "configure replace <word> force", Modes: iosPriv, Run: iosConfigureReplace},
		{Syntax: "configure replace <word> time <1-120>", Modes: iosPriv, Run: iosConfigureReplace},
		{Syntax: "configure replace <word> force time <1-120>", Modes: iosPriv, Run: iosConfigureReplace},
		{Syntax: "copy running-config <word>", Modes: iosPriv, Run: iosCopyRunTo},
	}
}

func init() {
	for word, help := range map[string]string{
		"archive": "Configuration archive", "path": "Where archive files go", "maximum": "How many archive files to keep",
		"config": "Configuration files", "differences": "Compare two configurations", "rollback": "Rollback state",
		"timer": "Minutes before the configuration is restored", "revert": "Restore the configuration unless confirmed",
		"confirm": "Keep the configuration changes", "now": "Restore at once", "replace": "Replace the running configuration",
		"force": "Do not ask for confirmation", "terminal": "Configure from this terminal",
		"time": "Minutes before the configuration is restored unless confirmed",
	} {
		if _, ok := iosWordHelp[word]; !ok {
			iosWordHelp[word] = help
		}
	}
}
