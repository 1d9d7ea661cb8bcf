package devsim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/textdiff"
)

// EOS configuration sessions, from Arista's EOS User Manual ("Configure
// Session": a session starts as a copy of running-config, its commit
// overwrites running-config whole, an uncommitted one survives leaving
// it) and published transcripts ("configure session s1" gives the prompt
// "test1(config-s-s1)#"; "show session-config diffs" prints a unified
// diff headed "--- system:/running-config" and "+++
// session:/s1-session-config"; "commit timer 00:01:00" commits and
// returns to the exec prompt; "configure session s1 commit" confirms,
// and "configure session s1 abort" rolls back, from the exec prompt).
// The texts of the errors below are this simulator's: the manual does
// not print them.

// eosSessionsKey is where the device keeps its configuration sessions.
const eosSessionsKey = "eos sessions"

// eosFilesKey is where the device keeps configurations copied to flash.
const eosFilesKey = "eos files"

// eosSession is one named configuration session.
type eosSession struct {
	cfg *simDevice // the session's configuration
	// before is running-config as it was before a commit timer; nil when
	// no timer runs.
	before *simDevice
}

func eosSessionsOf(state map[string]any) map[string]*eosSession {
	m, ok := state[eosSessionsKey].(map[string]*eosSession)
	if !ok {
		m = map[string]*eosSession{}
		state[eosSessionsKey] = m
	}
	return m
}

func eosFilesOf(state map[string]any) map[string]*simDevice {
	m, ok := state[eosFilesKey].(map[string]*simDevice)
	if !ok {
		m = map[string]*simDevice{}
		state[eosFilesKey] = m
	}
	return m
}

// eosSessionTimer names the device timer of a session's commit timer.
func eosSessionTimer(name string) string { return "eos session " + name }

// eosLookup returns a copy of the named session, and whether it exists.
func eosLookup(c *simCall, name string) (eosSession, bool) {
	var s eosSession
	var ok bool
	c.running().timed.with(func(state map[string]any) {
		if p := eosSessionsOf(state)[name]; p != nil {
			s, ok = *p, true
		}
	})
	return s, ok
}

func eosForget(c *simCall, name string) {
	c.running().timed.with(func(state map[string]any) { delete(eosSessionsOf(state), name) })
}

// eosEditing is the name of the session the connection is in; "" when
// it is in none.
func eosEditing(c *simCall) string {
	name, _ := c.Data("eos session").(string)
	return name
}

// eosConfigureSession enters a session, creating it from running-config.
func eosConfigureSession(c *simCall) error {
	name, run := c.Args[0], c.running()
	var s eosSession
	run.timed.with(func(state map[string]any) {
		m := eosSessionsOf(state)
		if m[name] == nil {
			m[name] = &eosSession{cfg: run.snapshot()}
		}
		s = *m[name]
	})
	if s.before != nil {
		c.Printf("%% Cannot enter session %s: it is pending its commit timer (configure session %s commit, or abort)\n", name, name)
		return nil
	}
	c.EditSeparately(s.cfg)
	c.SetData("eos session", name)
	c.SetMode("config-s")
	c.SetContext(nil)
	c.SetTag("s-" + name)
	return nil
}

// eosLeaveSession returns to the exec prompt; the session stays pending.
func eosLeaveSession(c *simCall) {
	c.EditSeparately(nil)
	c.SetData("eos session", nil)
	c.SetMode("enable")
	c.SetContext(nil)
	c.SetTag("")
}

func eosSessionDiffs(c *simCall) error {
	name := eosEditing(c)
	c.Print(textdiff.Unified("system:/running-config", "session:/"+name+"-session-config",
		strings.Join(eosRunningConfig(c.running())[1:], "\n")+"\n",
		strings.Join(eosRunningConfig(c.device())[1:], "\n")+"\n", 3))
	return nil
}

func eosShowSessionConfig(c *simCall) simOutput {
	return sliceOutput(eosRunningConfig(c.device())[1:])
}

// eosCommit commits the session the connection is in, with a timer when
// one is given, and leaves it.
func eosCommit(c *simCall) error {
	name, run := eosEditing(c), c.running()
	s, ok := eosLookup(c, name)
	eosLeaveSession(c)
	if !ok { // aborted from another connection meanwhile
		c.Printf("%% Session %s does not exist\n", name)
		return nil
	}
	if len(c.Args) == 0 {
		run.replaceConfig(s.cfg)
		eosForget(c, name)
		return nil
	}
	var h, m, sec int
	fmt.Sscanf(c.Args[0], "%d:%d:%d", &h, &m, &sec)
	d := time.Duration(h*3600+m*60+sec) * c.Options().minute() / 60
	before := run.snapshot()
	run.timed.with(func(state map[string]any) {
		if p := eosSessionsOf(state)[name]; p != nil {
			p.before = before
		}
	})
	run.replaceConfig(s.cfg)
	run.timed.after(eosSessionTimer(name), d, func() {
		run.replaceConfig(before)
		run.timed.with(func(state map[string]any) { delete(eosSessionsOf(state), name) })
	})
	return nil
}

func eosAbort(c *simCall) error {
	name := eosEditing(c)
	eosLeaveSession(c)
	eosForget(c, name)
	return nil
}

// eosSessionVerb commits or aborts a named session from the exec
// prompt: the confirmation of a commit timer, or its rollback.
func eosSessionVerb(verb string) func(c *simCall) error {
	return func(c *simCall) error {
		name, run := c.Args[0], c.running()
		s, ok := eosLookup(c, name)
		if !ok {
			c.Printf("%% Session %s does not exist\n", name)
			return nil
		}
		armed := s.before != nil && run.timed.cancel(eosSessionTimer(name))
		if s.before != nil && !armed {
			// its timer ran out just now: the rollback is under way
			c.Printf("%% Session %s does not exist\n", name)
			return nil
		}
		switch {
		case verb == "abort" && armed:
			run.replaceConfig(s.before)
		case verb == "commit" && s.before == nil:
			run.replaceConfig(s.cfg)
		}
		eosForget(c, name)
		return nil
	}
}

// eosCopyRunningTo saves running-config to a file on flash.
func eosCopyRunningTo(c *simCall) error {
	url := c.Args[0]
	if !strings.HasPrefix(url, "flash:") || len(url) == len("flash:") {
		c.Printf("%% Error copying running-config to %s (Invalid destination)\n", url)
		return nil
	}
	snap := c.running().snapshot()
	c.running().timed.with(func(state map[string]any) { eosFilesOf(state)[eosFileKey(url)] = snap })
	c.Println("Copy completed successfully.")
	return nil
}

// eosCopyToSession replaces the session's configuration with a saved one
// (running-config, or a file on flash).
func eosCopyToSession(c *simCall) error {
	url := c.Args[0]
	var src *simDevice
	if strings.EqualFold(url, "running-config") {
		src = c.running().snapshot()
	} else {
		c.running().timed.with(func(state map[string]any) { src = eosFilesOf(state)[eosFileKey(url)] })
	}
	if src == nil {
		c.Printf("%% Error copying %s to session-config (No such file or directory)\n", url)
		return nil
	}
	c.device().replaceConfig(src)
	return nil
}

// eosFileKey is a flash path as stored: "flash:x" and "flash:/x" are one.
func eosFileKey(url string) string {
	return "flash:/" + strings.TrimLeft(strings.TrimPrefix(url, "flash:"), "/")
}

// eosShowSessions lists the sessions that exist, in name order. The
// first two lines are as published; the table's layout is this
// simulator's.
func eosShowSessions(c *simCall) error {
	var rows []string
	c.running().timed.with(func(state map[string]any) {
		for name, s := range eosSessionsOf(state) {
			st := "pending"
			if s.before != nil {
				st = "pendingCommitTimer"
			}
			rows = append(rows, fmt.Sprintf("   %-17s %-24s", name, st))
		}
	})
	slices.Sort(rows)
	c.Print("Maximum number of completed sessions: 1\nMaximum number of pending sessions: 5\n\n" +
		"   Name              State\n   ----------------- ------------------------\n")
	for _, r := range rows {
		c.Println(strings.TrimRight(r, " "))
	}
	return nil
}

func eosSessionCommands() []simCommand {
	return []simCommand{
		{Syntax: "show configuration sessions", Modes: eosShow, Run: eosShowSessions},
		{Syntax: "configure session <word>", Modes: eosPriv, Help: "Enter a configuration session", Run: eosConfigureSession},
		{Syntax: "configure session <word> commit", Modes: eosPriv, Help: "Commit the session, or confirm its commit timer", Run: eosSessionVerb("commit")},
		{Syntax: "configure session <word> abort", Modes: eosPriv, Help: "Abort the session, rolling back a commit timer", Run: eosSessionVerb("abort")},
		{Syntax: "copy running-config <word>", Modes: eosPriv, Run: eosCopyRunningTo},
		{Syntax: "show session-config diffs", Modes: eosSess, Run: eosSessionDiffs},
		{Syntax: "show session-config", Modes: eosSess, Lines: eosShowSessionConfig},
		{Syntax: "commit", Modes: eosSess, Help: "Commit the session", Run: eosCommit},
		{Syntax: "commit timer <hh:mm:ss>", Modes: eosSess, Help: "Commit, and roll back unless confirmed in time", Run: eosCommit},
		{Syntax: "abort", Modes: eosSess, Help: "Abort the session", Run: eosAbort},
		{Syntax: "copy <word> session-config", Modes: eosSess, Run: eosCopyToSession},
	}
}
