package devsim

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Junos configuration transactions that involve more than one session or
// outlive one: the timer of a confirmed commit, which rolls the device
// back by itself, and the database lock of "configure exclusive".

// junosConfirmTimer names the device timer of a pending confirmed commit.
const junosConfirmTimer = "junos commit confirmed"

// junosEditorsKey is where the device keeps its configuration editors.
const junosEditorsKey = "junos editors"

// junosEditor is one session in configuration mode.
type junosEditor struct {
	id          int    // order of arrival
	kind        string // "", "exclusive" or "private"
	uncommitted bool   // its candidate differs from the committed configuration
}

// junosEditorsOf returns the registry of editors in a device state.
func junosEditorsOf(state map[string]any) map[*session]*junosEditor {
	m, ok := state[junosEditorsKey].(map[*session]*junosEditor)
	if !ok {
		m = map[*session]*junosEditor{}
		state[junosEditorsKey] = m
	}
	return m
}

// junosRegister records the session as an editor of the given kind.
func junosRegister(c *simCall, kind string) {
	c.device().timed.with(func(state map[string]any) {
		m := junosEditorsOf(state)
		next := 0
		for _, e := range m {
			next = max(next, e.id+1)
		}
		m[c.s] = &junosEditor{id: next, kind: kind}
	})
	junosMarkChanged(c)
}

// junosUnregister forgets the session as an editor: its lock, if any, is
// released.
func junosUnregister(c *simCall) {
	c.device().timed.with(func(state map[string]any) {
		delete(junosEditorsOf(state), c.s)
	})
}

// junosMarkChanged records whether the session's candidate holds
// uncommitted changes, for other sessions' lock checks.
func junosMarkChanged(c *simCall) {
	changed := junosChanged(c)
	c.device().timed.with(func(state map[string]any) {
		if e := junosEditorsOf(state)[c.s]; e != nil {
			e.uncommitted = changed
		}
	})
}

// junosOthers returns the other editors in order of arrival (copies).
func junosOthers(c *simCall) []junosEditor {
	var out []junosEditor
	c.device().timed.with(func(state map[string]any) {
		for s, e := range junosEditorsOf(state) {
			if s != c.s {
				out = append(out, *e)
			}
		}
	})
	slices.SortFunc(out, func(a, b junosEditor) int { return cmp.Compare(a.id, b.id) })
	return out
}

// junosOwnKind returns how the session entered configuration mode.
func junosOwnKind(c *simCall) string {
	var kind string
	c.device().timed.with(func(state map[string]any) {
		if e := junosEditorsOf(state)[c.s]; e != nil {
			kind = e.kind
		}
	})
	return kind
}

// junosUserLines describes the i-th other editor as "Users currently
// editing the configuration" and lock errors do: a user line, then the
// hierarchy level, marked when the user holds the lock. Layout from the
// Junos CLI User Guide ("Using the configure exclusive Command":
// "root terminal p3 (pid 1088) on since ..., idle 00:00:44" over
// "exclusive [edit interfaces ...]").
func junosUserLines(c *simCall, i int, e junosEditor) string {
	level := "[edit]"
	if e.kind == "exclusive" {
		level = "exclusive [edit]"
	}
	idle := ""
	if e.kind == "exclusive" {
		idle = ", idle 00:00:00"
	}
	return fmt.Sprintf("  %s terminal pts/%d (pid %d) on since 2023-01-01 00:12:34 UTC%s\n      %s\n",
		c.Options().Username, i, 4242+i, idle, level)
}

// junosLockHolder returns the index and entry of the other editor that
// holds the exclusive lock.
func junosLockHolder(others []junosEditor) (int, junosEditor, bool) {
	for i, e := range others {
		if e.kind == "exclusive" {
			return i, e, true
		}
	}
	return 0, junosEditor{}, false
}

// junosPrintLocked prints the error of a database locked by another
// session. Text as PyEZ and NAPALM users report it from real devices
// (py-junos-eznc issue 843, napalm issue 1445): "error: configuration
// database locked by:" over the holder's user line and "exclusive".
func junosPrintLocked(c *simCall, i int, e junosEditor) {
	c.Print("error: configuration database locked by:\n" + junosUserLines(c, i, e))
}

// junosRefuseConfigure prints why a session may not enter configuration
// mode in the requested way and reports whether it refused.
func junosRefuseConfigure(c *simCall, kind string, others []junosEditor) bool {
	if kind == "" {
		return false // shared mode is always open; commit checks the lock
	}
	if i, e, ok := junosLockHolder(others); ok {
		junosPrintLocked(c, i, e)
		return true
	}
	for _, e := range others {
		if e.kind == "private" || !e.uncommitted {
			continue
		}
		if kind == "exclusive" {
			// The lock is refused while the shared database holds someone
			// else's changes; PyEZ's LockError carries this text.
			c.Println("error: configuration database modified")
		} else {
			// A private copy cannot start from a modified shared database
			// (Junos CLI User Guide, "configure private").
			c.Println("error: shared configuration database modified")
		}
		return true
	}
	return false
}

// junosCommitLocked prints the lock error when another session holds the
// exclusive lock, and reports whether it did.
func junosCommitLocked(c *simCall) bool {
	i, e, ok := junosLockHolder(junosOthers(c))
	if ok {
		junosPrintLocked(c, i, e)
	}
	return ok
}

// junosConfirmed handles the confirmed-commit timer around a commit that
// passed its checks: a plain commit or a commit check confirms (cancels
// the timer), "commit confirmed [N]" arms it again for N minutes.
func junosConfirmed(c *simCall) {
	d := c.device()
	if !strings.HasPrefix(c.Command.Syntax, "commit confirmed") {
		d.timed.cancel(junosConfirmTimer)
		return
	}
	minutes := 10 // the default of "commit confirmed" (Junos CLI User Guide)
	if len(c.Args) > 0 {
		minutes, _ = strconv.Atoi(c.Args[0])
	}
	d.timed.after(junosConfirmTimer, time.Duration(minutes)*c.Options().minute(), func() { junosAutoRollback(d) })
}

// junosAutoRollback is what the device does when a confirmed commit was
// not confirmed in time: it commits the previous configuration again
// (which adds a rollback entry, the unconfirmed one becoming rollback 1)
// and tells every logged-in user.
func junosAutoRollback(d *simDevice) {
	lines, ok := d.section("rollback 1")
	if !ok {
		return
	}
	junosPublishLines(d, lines)
	// The wall message Junos broadcasts, as shown in "How to Confirm Your
	// Junos Configuration" (Junos For Dummies, dummies.com): "Broadcast
	// Message from root@netnik (no tty) at 16:36 PDT..." then "Commit was
	// not confirmed; automatic rollback complete."; the time is the
	// simulator's fixed clock.
	d.timed.broadcast(fmt.Sprintf("\nBroadcast Message from root@%s (no tty) at 00:12 UTC...\n\n"+
		"Commit was not confirmed; automatic rollback complete.\n", d.hostname()))
}

// junosPublishLines stores lines as the committed configuration, keeping
// the previous ones for rollback, and applies the hostname.
func junosPublishLines(d *simDevice, lines []string) {
	for i := junosHistory; i > 1; i-- {
		if prev, ok := d.section(fmt.Sprintf("rollback %d", i-1)); ok {
			d.setSection(fmt.Sprintf("rollback %d", i), prev)
		}
	}
	committed, _ := d.section("committed")
	d.setSection("rollback 1", committed)
	d.setSection("committed", lines)
	if host := parseSetLines(lines).leafValue([]string{"system"}, "host-name"); host != "" {
		d.setHostname(host)
	}
}

// junosCompareBase resolves the "| compare" pipe of "show" in
// configuration mode: the committed configuration, or with "rollback N"
// that rollback. handled is false without the pipe; ok is false when an
// error was printed.
func junosCompareBase(c *simCall) (base *confNode, handled, ok bool) {
	for _, p := range c.Pipes {
		if p != "compare" && !strings.HasPrefix(p, "compare ") {
			continue
		}
		args := strings.Fields(strings.TrimPrefix(p, "compare"))
		if len(args) == 0 {
			return parseSetLines(junosCommitted(c)), true, true
		}
		n, err := strconv.Atoi(args[len(args)-1])
		if len(args) != 2 || !strings.HasPrefix("rollback", args[0]) || err != nil || n < 0 || n > 49 {
			c.Reject(args[min(1, len(args)-1)], kindBadValue)
			return nil, true, false
		}
		if n == 0 {
			return parseSetLines(junosCommitted(c)), true, true
		}
		lines, exists := c.device().section(fmt.Sprintf("rollback %d", n))
		if !exists {
			c.Printf("error: rollback %d does not exist\n", n)
			return nil, true, false
		}
		return parseSetLines(lines), true, true
	}
	return nil, false, false
}
