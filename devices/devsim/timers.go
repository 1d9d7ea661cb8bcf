package devsim

import (
	"sync"
	"time"
)

// Device-wide timers and notices. A configuration transaction armed by
// one session (a Junos confirmed commit, an IOS revert timer) belongs to
// the device: it fires even when that session has ended, and what the
// device prints then reaches every session logged in.

// noticeQueue is how many notices a session keeps while busy; more are
// dropped, as a terminal that is not read loses broadcasts.
const noticeQueue = 16

// deviceTimers holds a device's named timers and the sessions to notify.
// Its zero value is ready; it is safe for concurrent use.
type deviceTimers struct {
	mu      sync.Mutex
	timers  map[string]*time.Timer
	subs    map[*session]struct{}
	stopped bool
	state   map[string]any // platform state kept with the timers
}

// with runs f on the platform state under the lock; f must not block.
func (t *deviceTimers) with(f func(state map[string]any)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state == nil {
		t.state = map[string]any{}
	}
	f(t.state)
}

// subscribe adds a session to those that receive notices.
func (t *deviceTimers) subscribe(s *session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.subs == nil {
		t.subs = map[*session]struct{}{}
	}
	t.subs[s] = struct{}{}
}

func (t *deviceTimers) unsubscribe(s *session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.subs, s)
}

// after arms the timer name to run f after d, replacing a timer of the
// same name. f runs on its own goroutine, with no lock held.
func (t *deviceTimers) after(name string, d time.Duration, f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	if old := t.timers[name]; old != nil {
		old.Stop()
	}
	if t.timers == nil {
		t.timers = map[string]*time.Timer{}
	}
	var tm *time.Timer
	tm = time.AfterFunc(d, func() {
		t.mu.Lock()
		current := t.timers[name] == tm && !t.stopped
		if current {
			delete(t.timers, name)
		}
		t.mu.Unlock()
		if current {
			f()
		}
	})
	t.timers[name] = tm
}

// cancel stops the timer name and reports whether it was armed.
func (t *deviceTimers) cancel(name string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	tm, ok := t.timers[name]
	if ok {
		tm.Stop()
		delete(t.timers, name)
	}
	return ok
}

// armed reports whether the timer name is pending.
func (t *deviceTimers) armed(name string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.timers[name]
	return ok
}

// broadcast queues text for every session; a session prints it once it
// is idle at its prompt, then the prompt again.
func (t *deviceTimers) broadcast(text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for s := range t.subs {
		select {
		case s.notices <- text:
		default:
		}
	}
}

// stopTimers stops every timer for good: the device is shut down.
func (d *simDevice) stopTimers() {
	t := &d.timed
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	for name, tm := range t.timers {
		tm.Stop()
		delete(t.timers, name)
	}
}

// printNotice prints a device notice on a fresh line, then the prompt
// and the typed input again.
func (s *session) printNotice(text string) {
	s.print("\n" + text + "\n" + s.promptBlock())
	s.out.Write(s.line)
}

// minute returns the length of one device minute.
func (o Options) minute() time.Duration {
	if o.MinuteLength > 0 {
		return o.MinuteLength
	}
	return time.Minute
}
