package devices

import (
	"sync"
	"sync/atomic"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// Every running command may keep its output up to its own cap (10 MiB by
// default), so thirty sessions printing without end would hold hundreds of
// MiB between them. Running outputs share a budget instead: when together
// they hold more, the largest are cut to a fair share of it (their first
// and last bytes, as any output over its cap), and go on at that smaller
// cap. The memory held is then at most the budget, or runningFloor per
// running command when there are so many that the floor is larger, plus
// what one read of each shell adds before the cut.
const (
	// DefaultRunningOutput is the budget for the outputs of running
	// commands when ManagerOptions.RunningOutput is zero.
	DefaultRunningOutput = 64 << 20
	// runningFloor is the least a running output is cut to.
	runningFloor = 64 << 10
)

// runningBudget keeps the outputs of running commands within a byte
// budget. Safe for concurrent use.
type runningBudget struct {
	budget int64

	// held is a running estimate of the bytes the outputs hold, so that
	// a write under budget costs an atomic add and no lock; check sets it
	// to the exact sum whenever it goes over.
	held atomic.Int64

	mu   sync.Mutex
	outs map[*expect.Output]struct{}
}

func newRunningBudget(budget int64) *runningBudget {
	return &runningBudget{budget: budget, outs: map[*expect.Output]struct{}{}}
}

// track counts o from now on, until untrack.
func (b *runningBudget) track(o *expect.Output) {
	b.mu.Lock()
	b.outs[o] = struct{}{}
	b.mu.Unlock()
	o.OnGrow(b.grew)
	b.grew(o.Stored())
}

// grew is each tracked output's OnGrow: it checks the budget once the
// estimate passes it.
func (b *runningBudget) grew(n int) {
	if b.held.Add(int64(n)) > b.budget {
		b.check()
	}
}

// untrack stops counting o (its command finished).
func (b *runningBudget) untrack(o *expect.Output) {
	o.OnGrow(nil)
	b.mu.Lock()
	delete(b.outs, o)
	b.mu.Unlock()
	b.held.Add(-int64(o.Stored()))
}

// check cuts the largest outputs to a fair share of the budget while
// together they hold more than it. It runs on the writer's goroutine
// after a Write that took the estimate over the budget, so the budget is
// kept as output arrives; once an output is full at its cap, its writes
// call nothing.
func (b *runningBudget) check() {
	b.mu.Lock()
	defer b.mu.Unlock()
	sizes := make(map[*expect.Output]int64, len(b.outs))
	var total int64
	for o := range b.outs {
		n := int64(o.Stored())
		sizes[o], total = n, total+n
	}
	defer func() { b.held.Store(total) }() // the estimate made exact again
	if total <= b.budget {
		return
	}
	share := max(b.budget/int64(len(b.outs)), runningFloor)
	for total > b.budget {
		var largest *expect.Output
		for o, n := range sizes {
			if largest == nil || n > sizes[largest] {
				largest = o
			}
		}
		if sizes[largest] <= share {
			return // all at their share: the floor keeps the rest
		}
		largest.Shrink(int(share))
		n := int64(largest.Stored())
		total -= sizes[largest] - n
		sizes[largest] = n
	}
}
