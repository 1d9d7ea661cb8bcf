package mcp

import (
	"io"
	"testing"
	"time"
)

// TestOutboxNeverWaitsOnTheClient: with a client that reads nothing, send
// does not block, droppable messages are dropped over the cap, and close
// returns after its grace.
func TestOutboxNeverWaitsOnTheClient(t *testing.T) {
	r, w := io.Pipe() // nobody reads r: every write blocks
	defer r.Close()
	o := newOutbox(w, 1024)
	msg := make([]byte, 300)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 100; i++ {
			o.send(msg, mustDeliver)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("send blocked on a writer nobody reads")
	}
	if o.send(msg, mayDrop) {
		t.Error("a droppable message was queued over the cap")
	}
	if !o.full() {
		t.Error("full() = false with the queue over its cap")
	}
	stop := make(chan struct{})
	close(stop)
	if o.waitRoom(stop) {
		t.Error("waitRoom reported room in a full queue")
	}
	start := time.Now()
	o.close(100 * time.Millisecond)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("close took %s with a grace of 100ms", took)
	}
}

// TestOutboxWritesInOrder: what is sent is written whole, in order, one
// message a line.
func TestOutboxWritesInOrder(t *testing.T) {
	r, w := io.Pipe()
	o := newOutbox(w, 1<<20)
	go func() {
		for _, m := range []string{"a", "bb", "ccc"} {
			o.send([]byte(m), mustDeliver)
		}
	}()
	buf := make([]byte, 9)
	if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "a\nbb\nccc\n" {
		t.Errorf("written %q, %v; want %q", buf, err, "a\nbb\nccc\n")
	}
	o.close(time.Second)
}
