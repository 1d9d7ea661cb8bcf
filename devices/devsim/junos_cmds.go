package devsim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Junos configuration-mode handlers. Each session edits its own
// candidate; commit publishes it to the device for every session.

const junosCandidateKey = "candidate"

// junosLeaveConfig returns to operational mode.
func junosLeaveConfig(c *simCall) {
	c.Println("Exiting configuration mode")
	c.SetMode("op")
	c.SetContext(nil)
	junosUnregister(c)
}

// junosLogout releases configuration mode (and its lock) when a session
// ends in it.
func junosLogout(c *simCall) {
	junosUnregister(c)
}

// junosCandidate returns the session's candidate, loading it from the
// committed configuration on first use. A candidate without changes
// follows the committed configuration when it changes (another commit,
// an automatic rollback), as the shared database does.
func junosCandidate(c *simCall) *confNode {
	committed := parseSetLines(junosCommitted(c)).setLines("", nil)
	if n, ok := c.Data(junosCandidateKey).(*confNode); ok {
		base, _ := c.Data(junosBaseKey).([]string)
		if slices.Equal(base, committed) || !slices.Equal(n.setLines("", nil), base) {
			return n
		}
	}
	n := parseSetLines(committed)
	c.SetData(junosCandidateKey, n)
	c.SetData(junosBaseKey, committed)
	return n
}

// junosBaseKey keeps the committed configuration the candidate was
// loaded from or last committed as.
const junosBaseKey = "candidate base"

// junosRebase records the committed configuration as the candidate's
// base.
func junosRebase(c *simCall) {
	c.SetData(junosBaseKey, parseSetLines(junosCommitted(c)).setLines("", nil))
}

// junosChanged reports whether the candidate differs from the committed
// configuration.
func junosChanged(c *simCall) bool {
	a := junosCandidate(c).setLines("", nil)
	b := parseSetLines(junosCommitted(c)).setLines("", nil)
	slices.Sort(a)
	slices.Sort(b)
	return !slices.Equal(a, b)
}

func junosConfigure(c *simCall) error {
	kind := strings.TrimSpace(strings.TrimPrefix(c.Command.Syntax, "configure"))
	others := junosOthers(c)
	if junosRefuseConfigure(c, kind, others) {
		return nil
	}
	c.Println("Entering configuration mode")
	if len(others) > 0 {
		c.Println("Users currently editing the configuration:")
		for i, e := range others {
			c.Print(junosUserLines(c, i, e))
		}
	}
	if kind != "" {
		c.Println("warning: uncommitted changes will be discarded on exit")
	}
	if junosChanged(c) {
		c.Println("The configuration has been changed but not committed")
	}
	c.SetMode("config")
	c.SetContext(nil)
	junosRegister(c, kind)
	return nil
}

// junosStatement parses the statement argument relative to the edit
// path; it prints the error and returns ok false when it is invalid.
func junosStatement(c *simCall) (path []string, leaf string, ok bool) {
	levels, leaf, bad := confLevels(c.Context(), tokenizeWords(c.Args[0]))
	if bad != "" {
		c.Reject(bad, kindBadValue)
		return nil, "", false
	}
	return append(c.Context(), levels...), leaf, true
}

func junosSet(c *simCall) error {
	if path, leaf, ok := junosStatement(c); ok {
		junosCandidate(c).set(path, leaf)
		junosMarkChanged(c)
	}
	return nil
}

func junosDelete(c *simCall) error {
	path, leaf, ok := junosStatement(c)
	if ok && !junosCandidate(c).remove(path, leaf) {
		c.Println("warning: statement not found")
	}
	junosMarkChanged(c)
	return nil
}

func junosEdit(c *simCall) error {
	path, leaf, ok := junosStatement(c)
	if !ok {
		return nil
	}
	if leaf != "" {
		c.Reject(strings.Fields(leaf)[0], kindBadValue)
		return nil
	}
	c.SetContext(path)
	return nil
}

func junosTop(c *simCall) error {
	c.SetContext(nil)
	return nil
}

func junosUp(c *simCall) error {
	if ctx := c.Context(); len(ctx) > 0 {
		c.SetContext(ctx[:len(ctx)-1])
	}
	return nil
}

// junosShowCandidate shows the candidate below the edit path, or with
// "| compare" its difference from the committed configuration (or, with
// "| compare rollback N", from that older commit).
func junosShowCandidate(c *simCall) error {
	cand := junosCandidate(c)
	if base, handled, ok := junosCompareBase(c); handled {
		if !ok {
			return nil
		}
		return c.Page(sliceOutput(confDiff(base, cand, nil, nil)))
	}
	path := c.Context()
	if len(c.Args) > 0 {
		var ok bool
		if path, _, ok = junosStatement(c); !ok {
			return nil
		}
	}
	node := cand.lookup(path)
	if node == nil {
		return nil
	}
	return c.Page(sliceOutput(node.render("", nil)))
}

// junosCommit checks the candidate and, unless only checking, makes it
// the committed configuration: the hostname changes here.
func junosCommit(c *simCall) error {
	syntax := c.Command.Syntax
	cand := junosCandidate(c)
	dual := c.Options().DualRE
	if junosCommitLocked(c) {
		return nil
	}
	if errs := confCheck(cand); len(errs) > 0 {
		if dual {
			c.Println("re0: ")
		}
		c.Println(errs...)
		c.Println("error: configuration check-out failed")
		return nil
	}
	if syntax == "commit check" {
		junosConfirmed(c)
		c.Println("configuration check succeeds")
		return nil
	}
	if dual {
		c.Println("re0: ", "configuration check succeeds", "re1: ", "configuration check succeeds", "commit complete", "re0: ")
	}
	if strings.HasPrefix(syntax, "commit confirmed") {
		minutes := "10"
		if len(c.Args) > 0 {
			minutes = c.Args[0]
		}
		c.Printf("commit confirmed will be automatically rolled back in %s minutes unless confirmed\n", minutes)
	}
	c.Println("commit complete")
	junosPublish(c, cand)
	junosRebase(c)
	junosConfirmed(c)
	junosMarkChanged(c)
	if syntax == "commit and-quit" {
		junosLeaveConfig(c)
	}
	return nil
}

// junosHistory is how many previous configurations rollback can load.
const junosHistory = 10

// junosPublish stores cand as the committed configuration, keeping the
// previous ones for rollback, and applies the hostname.
func junosPublish(c *simCall, cand *confNode) {
	junosPublishLines(c.device(), cand.setLines("", nil))
}

// junosRollback loads a committed configuration into the candidate.
func junosRollback(c *simCall) error {
	n := 0
	if len(c.Args) > 0 {
		n, _ = strconv.Atoi(c.Args[0])
	}
	lines := junosCommitted(c)
	if n > 0 {
		var ok bool
		if lines, ok = c.device().section(fmt.Sprintf("rollback %d", n)); !ok {
			c.Printf("error: rollback %d does not exist\n", n)
			return nil
		}
	}
	c.SetData(junosCandidateKey, parseSetLines(lines))
	junosRebase(c)
	c.Println("load complete")
	junosMarkChanged(c)
	return nil
}

// junosExit leaves an edit level, or configuration mode, asking first
// when changes are not committed.
func junosExit(c *simCall) error {
	if c.Command.Syntax != "exit configuration-mode" && len(c.Context()) > 0 {
		c.SetContext(nil)
		return nil
	}
	if junosChanged(c) {
		c.Println("The configuration has been changed but not committed")
		question := "Exit with uncommitted changes? [yes,no] (yes) "
		exclusive := junosOwnKind(c) == "exclusive"
		if exclusive {
			// Junos CLI User Guide, "Using the configure exclusive Command".
			c.Println("warning: Auto rollback on exiting 'configure exclusive'")
			question = "Discard uncommitted changes? [yes,no] (yes) "
		}
		ans, err := c.ReadLine(question, false)
		if err != nil {
			return ignoreInterrupt(err)
		}
		if a := strings.ToLower(strings.TrimSpace(ans)); a != "" && a != "yes" && a != "y" {
			return nil
		}
		if exclusive {
			c.SetData(junosCandidateKey, nil)
			c.Println("warning: discarding uncommitted changes", "load complete")
		}
	}
	junosLeaveConfig(c)
	return nil
}

// junosRun runs an operational command from configuration mode.
func junosRun(c *simCall) error {
	mode, ctx := c.Mode(), c.Context()
	c.SetMode("op")
	err := c.s.execute(c.Args[0])
	c.SetMode(mode)
	c.SetContext(ctx)
	return err
}
