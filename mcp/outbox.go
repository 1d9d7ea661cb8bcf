package mcp

import (
	"io"
	"sync"
	"time"
)

// outbox writes messages to stdout from one goroutine, so that no handler
// and no part of shutdown ever waits on a client that stopped reading.
// mcp-go writes from the goroutine that produced the message, under a
// mutex, so one blocked write held every worker and shutdown with it.
//
// The queue is bounded in bytes: above its cap, the reader stops reading
// new requests (the client gets back-pressure, the server keeps its
// memory) and droppable messages (progress) are dropped. Safe for
// concurrent use.
type outbox struct {
	w   io.Writer
	cap int

	mu      sync.Mutex
	cond    *sync.Cond // signalled when the queue shrinks or closes
	queue   [][]byte
	bytes   int
	closed  bool
	err     error         // the first write error; later messages are dropped
	flushed chan struct{} // closed when the writer goroutine ends
}

func newOutbox(w io.Writer, capBytes int) *outbox {
	o := &outbox{w: w, cap: capBytes, flushed: make(chan struct{})}
	o.cond = sync.NewCond(&o.mu)
	go o.run()
	return o
}

// delivery says whether a message may be dropped when the client does not
// read: a response may not, a progress notification may.
type delivery int

const (
	mustDeliver delivery = iota
	mayDrop
)

// send queues msg (one JSON message, without newline). It never blocks.
// A mayDrop message is dropped when the queue is over its cap.
func (o *outbox) send(msg []byte, d delivery) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed || o.err != nil || (d == mayDrop && o.bytes >= o.cap) {
		return false
	}
	o.queue = append(o.queue, append(msg, '\n'))
	o.bytes += len(msg) + 1
	o.cond.Broadcast()
	return true
}

// waitRoom blocks until the queue is under its cap or the outbox closed,
// and reports whether there is room. done ends the wait early.
func (o *outbox) waitRoom(done <-chan struct{}) bool {
	o.mu.Lock()
	room := o.bytes < o.cap && !o.closed && o.err == nil
	o.mu.Unlock()
	if room {
		return true
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-done:
			o.mu.Lock()
			o.cond.Broadcast()
			o.mu.Unlock()
		case <-stop:
		}
	}()
	o.mu.Lock()
	defer o.mu.Unlock()
	for o.bytes >= o.cap && !o.closed && o.err == nil {
		select {
		case <-done:
			return false
		default:
		}
		o.cond.Wait()
	}
	return !o.closed && o.err == nil
}

// full says whether the queue is at its cap, or the outbox cannot write.
func (o *outbox) full() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.bytes >= o.cap || o.closed || o.err != nil
}

// close stops accepting messages and waits up to grace for the queued ones
// to be written. A write blocked on a client that does not read is left
// behind: the process is about to exit.
func (o *outbox) close(grace time.Duration) {
	o.mu.Lock()
	o.closed = true
	o.cond.Broadcast()
	o.mu.Unlock()
	select {
	case <-o.flushed:
	case <-time.After(grace):
	}
}

func (o *outbox) run() {
	defer close(o.flushed)
	for {
		o.mu.Lock()
		for len(o.queue) == 0 && !o.closed {
			o.cond.Wait()
		}
		if len(o.queue) == 0 {
			o.mu.Unlock()
			return
		}
		batch := o.queue
		o.queue = nil
		o.mu.Unlock()
		for i, msg := range batch {
			_, err := o.w.Write(msg)
			o.mu.Lock()
			o.bytes -= len(msg)
			if err != nil && o.err == nil {
				o.err = err
			}
			o.cond.Broadcast()
			o.mu.Unlock()
			batch[i] = nil
			if err != nil {
				return
			}
		}
	}
}
