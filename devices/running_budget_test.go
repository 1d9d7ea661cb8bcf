package devices

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunningOutputBudget: commands that flood their output in several
// sessions at once hold, together, no more than the Manager's budget for
// running commands (plus what one read of each shell can add before the
// cut), each keeping its first and last bytes readable.
func TestRunningOutputBudget(t *testing.T) {
	const (
		budget   = 256 << 10
		sessions = 6
		flood    = 700_000 // 4.2 MB in all: four times what budget and slack allow
		slack    = sessions * 128 << 10
	)
	h := newHarness(t, harnessOptions{RunningOutput: budget}, "bash")
	cmd := fmt.Sprintf("echo HEAD-MARK; yes | head -c %d; echo; echo TAIL-MARK; read -r x", flood)
	var cs []*Command
	for i := range sessions {
		cs = append(cs, h.start(t, "bash", fmt.Sprintf("flood%d", i), cmd, RunOptions{}))
	}
	stored := func() int {
		n := 0
		for _, c := range cs {
			n += c.out.Stored()
		}
		return n
	}
	var peak atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			if n := int64(stored()); n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	for _, c := range cs {
		waitTail(t, c, "TAIL-MARK", flood)
	}
	close(stop)
	wg.Wait()
	if n := stored(); n > budget+slack || peak.Load() > budget+slack {
		t.Errorf("running outputs hold %d bytes (peak %d), over the %d budget plus %d", n, peak.Load(), budget, slack)
	}
	for i, c := range cs {
		head, _, err := c.Output(0, 20)
		if err != nil || !strings.HasPrefix(head, "HEAD-MARK\ny") {
			t.Errorf("session %d: head %q (%v), want HEAD-MARK then y", i, head, err)
		}
		if info := c.Info(); info.OutputBytes < flood {
			t.Errorf("session %d: %d bytes counted, want at least %d", i, info.OutputBytes, flood)
		}
		if err := c.SendInput(t.Context(), "\n"); err != nil {
			t.Fatalf("SendInput: %v", err)
		}
		if info := waitDone(t, c); info.Status != StatusCompleted {
			t.Errorf("session %d: %s, want completed", i, info.Status)
		}
	}
}

// waitTail waits until c printed at least n bytes and its last bytes
// contain s.
// It fails when no output came for waitBound: on a loaded machine a
// flood through a terminal is slow, but it moves.
func waitTail(t testing.TB, c *Command, s string, n int64) {
	t.Helper()
	stalled := time.NewTimer(waitBound)
	defer stalled.Stop()
	last := int64(-1)
	for {
		ch := c.Changed()
		total := c.out.Len()
		if total >= n {
			tail, _, err := c.Output(total-64, 64)
			if err == nil && strings.Contains(tail, s) {
				return
			}
		}
		if total != last {
			last = total
			stalled.Reset(waitBound)
		}
		select {
		case <-ch:
		case <-stalled.C:
			t.Fatalf("command %q: no %q in the last bytes, and no output for %s (%d bytes)", c.Info().Command, s, waitBound, total)
		}
	}
}
