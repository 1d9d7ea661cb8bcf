package mcp

import (
	"slices"
	"sync"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

// registry finds commands by ID: every command that has not finished, and
// the most recent finished ones (the history). It outlives sessions, so a
// command stays visible after close_session. Safe for concurrent use.
//
// The history lists exactly the last limit finished commands. Lookups by
// ID are more generous: a command that dropped out of the history stays
// findable until the registry holds pruneSlack commands more than the
// limit and prunes.
type registry struct {
	mu    sync.Mutex
	limit int                         // finished commands kept
	byID  map[string]*devices.Command // every command kept
	order []*devices.Command          // in the order they were started
}

// newRegistry keeps a history of limit finished commands; zero means 1,000.
func newRegistry(limit int) *registry {
	if limit <= 0 {
		limit = 1000
	}
	return &registry{limit: limit, byID: map[string]*devices.Command{}}
}

// pruneSlack is how many commands beyond the limit add lets the registry
// hold before it prunes: pruning looks at every command, so doing it on
// every add made each call cost as much as the whole history.
const pruneSlack = 64

func (r *registry) add(c *devices.Command) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[c.ID()] = c
	r.order = append(r.order, c)
	if len(r.order) > r.limit+pruneSlack {
		r.pruneLocked()
	}
}

func (r *registry) lookup(id string) (*devices.Command, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.byID[id]
	return c, ok
}

// active returns the commands that have not finished, oldest first.
func (r *registry) active() []devices.CommandInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []devices.CommandInfo
	for _, c := range r.order {
		if info := c.Info(); !info.Status.Finished() {
			out = append(out, info)
		}
	}
	return out
}

// history returns up to limit finished commands, the most recently
// finished first.
func (r *registry) history(limit int) []devices.CommandInfo {
	r.mu.Lock()
	r.pruneLocked()
	var out []devices.CommandInfo
	for _, c := range r.order {
		if info := c.Info(); info.Status.Finished() {
			out = append(out, info)
		}
	}
	r.mu.Unlock()
	slices.SortStableFunc(out, func(a, b devices.CommandInfo) int {
		return b.EndedAt.Compare(a.EndedAt)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// pruneLocked forgets the finished commands beyond the limit, those that
// finished first going first.
func (r *registry) pruneLocked() {
	if len(r.order) <= r.limit {
		return // fewer commands than the limit, finished or not
	}
	var finished []devices.CommandInfo
	for _, c := range r.order {
		select {
		case <-c.Done():
			finished = append(finished, c.Info())
		default:
		}
	}
	excess := len(finished) - r.limit
	if excess <= 0 {
		return
	}
	slices.SortStableFunc(finished, func(a, b devices.CommandInfo) int {
		return a.EndedAt.Compare(b.EndedAt)
	})
	drop := make(map[string]bool, excess)
	for _, info := range finished[:excess] {
		drop[info.ID] = true
		delete(r.byID, info.ID)
	}
	r.order = slices.DeleteFunc(r.order, func(c *devices.Command) bool { return drop[c.ID()] })
}
