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

// junosEditors counts the sessions in configuration mode on a device.
const junosEditors = "editors"

// junosLeaveConfig returns to operational mode.
func junosLeaveConfig(c *simCall) {
	c.Println("Exiting configuration mode")
	c.SetMode("op")
	c.SetContext(nil)
	c.device().count(junosEditors, -1)
}

// junosLogout releases configuration mode when a session ends in it.
func junosLogout(c *simCall) {
	if c.Mode() == "config" {
		c.device().count(junosEditors, -1)
	}
}

// junosCandidate returns the session's candidate, loading it from the
// committed configuration on first use.
func junosCandidate(c *simCall) *confNode {
	if n, ok := c.Data(junosCandidateKey).(*confNode); ok {
		return n
	}
	n := parseSetLines(junosCommitted(c))
	c.SetData(junosCandidateKey, n)
	return n
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
	c.Println("Entering configuration mode")
	if others := c.device().count(junosEditors, 1) - 1; others > 0 {
		c.Println("Users currently editing the configuration:")
		for i := range others {
			c.Printf("  %s terminal pts/%d (pid %d) on since 2023-01-01 00:12:34 UTC\n      [edit]\n",
				c.Options().Username, i, 4242+i)
		}
	}
	if c.Command.Syntax == "configure private" {
		c.Println("warning: uncommitted changes will be discarded on exit")
	}
	if junosChanged(c) {
		c.Println("The configuration has been changed but not committed")
	}
	c.SetMode("config")
	c.SetContext(nil)
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
	}
	return nil
}

func junosDelete(c *simCall) error {
	path, leaf, ok := junosStatement(c)
	if ok && !junosCandidate(c).remove(path, leaf) {
		c.Println("warning: statement not found")
	}
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
// "| compare" its difference from the committed configuration.
func junosShowCandidate(c *simCall) error {
	cand := junosCandidate(c)
	if slices.Contains(c.Pipes, "compare") {
		return c.Page(sliceOutput(confDiff(parseSetLines(junosCommitted(c)), cand, nil, nil)))
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
	if errs := confCheck(cand); len(errs) > 0 {
		if dual {
			c.Println("re0: ")
		}
		c.Println(errs...)
		c.Println("error: configuration check-out failed")
		return nil
	}
	if syntax == "commit check" {
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
	d := c.device()
	for i := junosHistory; i > 1; i-- {
		if prev, ok := d.section(fmt.Sprintf("rollback %d", i-1)); ok {
			d.setSection(fmt.Sprintf("rollback %d", i), prev)
		}
	}
	d.setSection("rollback 1", junosCommitted(c))
	d.setSection("committed", cand.setLines("", nil))
	if host := cand.leafValue([]string{"system"}, "host-name"); host != "" {
		c.SetHostname(host)
	}
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
	c.Println("load complete")
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
		ans, err := c.ReadLine("Exit with uncommitted changes? [yes,no] (yes) ", false)
		if err != nil {
			return ignoreInterrupt(err)
		}
		if a := strings.ToLower(strings.TrimSpace(ans)); a != "" && a != "yes" && a != "y" {
			return nil
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
