package devices

import (
	"sync"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// Finished commands stay readable (a history of a thousand commands is
// normal), but their outputs must not add up without bound: ten commands of
// 10 MiB each would otherwise hold 100 MiB for good. The outputs of finished
// commands share a budget; past it the oldest are cut to their first and
// last bytes, which is what a person reads of an old command anyway. So the
// memory held is at most the budget plus 64 KiB per finished command kept.
const (
	// DefaultRetainedOutput is the budget for the outputs of finished
	// commands when ManagerOptions.RetainedOutput is zero.
	DefaultRetainedOutput = 16 << 20
	// retainedCompact is what an old output is cut to: its first and last
	// 32 KiB.
	retainedCompact = 64 << 10
)

// retainer keeps the outputs of finished commands within a byte budget.
// Safe for concurrent use.
type retainer struct {
	budget int64

	mu    sync.Mutex
	full  []*expect.Output // finished outputs not yet cut, oldest first
	bytes int64            // bytes they hold
}

// add records the output of a command that just finished, and cuts the
// oldest ones while the total is over budget. The newest output is never
// cut: the command an agent just ran stays whole up to its own cap.
func (r *retainer) add(o *expect.Output) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := int64(o.Stored())
	if n <= retainedCompact {
		return // already small: nothing to win by cutting it later
	}
	r.full = append(r.full, o)
	r.bytes += n
	for r.bytes > r.budget && len(r.full) > 1 {
		old := r.full[0]
		r.full = r.full[1:]
		before := int64(old.Stored())
		old.Shrink(retainedCompact)
		r.bytes -= before
	}
}
