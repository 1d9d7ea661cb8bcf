package expect

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestExpectIdle: a program that prints a prompt of its own and waits is
// seen through Idle, its complete lines delivered and the prompt left for
// the next call; output that keeps coming, or ends in a newline, is not
// idle.
func TestExpectIdle(t *testing.T) {
	e, r := newPiped(t, Options{})
	done := regexp.MustCompile(`DONE`)
	out := NewOutput(0)
	feed(t, r.Remote, "Python 3.11\nType help\n>>> ")
	m, err := e.Expect(context.Background(), []Pattern{{Name: "done", Regexp: done}},
		ExpectOptions{Timeout: 5 * time.Second, Capture: out, Idle: 50 * time.Millisecond})
	if err != nil || m.Index != IdleIndex || m.Text != ">>> " || m.Before != "" {
		t.Fatalf("Expect = %+v, %v; want the idle line %q", m, err, ">>> ")
	}
	if got := out.String(); got != "Python 3.11\nType help\n" {
		t.Errorf("captured %q, want the two complete lines", got)
	}
	// the prompt stays: the next call sees it before what follows
	feed(t, r.Remote, "1+1\n2\nDONE")
	m, err = e.Expect(context.Background(), []Pattern{{Name: "done", Regexp: done}},
		ExpectOptions{Timeout: 5 * time.Second, Capture: out, Idle: time.Hour})
	if err != nil || m.Index != 0 {
		t.Fatalf("second Expect = %+v, %v; want DONE", m, err)
	}
	if got := out.String(); got != "Python 3.11\nType help\n>>> 1+1\n2\n" {
		t.Errorf("captured %q, want the prompt line kept for the next call", got)
	}

	// complete lines only: quiet, but nobody is waiting at a prompt
	feed(t, r.Remote, "line\n")
	_, err = e.Expect(context.Background(), []Pattern{{Name: "done", Regexp: done}},
		ExpectOptions{Timeout: 300 * time.Millisecond, Capture: out, Idle: 50 * time.Millisecond})
	if err == nil {
		t.Fatal("Expect after a complete line ended early; want a timeout")
	}
}

// TestExpectIdleWaitsForQuiet: chunks arriving more often than Idle keep
// the call waiting even while each ends in an unfinished line.
func TestExpectIdleWaitsForQuiet(t *testing.T) {
	e, r := newPiped(t, Options{})
	go func() {
		for i := 0; i < 10; i++ {
			r.Remote.Write([]byte("."))
			time.Sleep(20 * time.Millisecond)
		}
	}()
	start := time.Now()
	m, err := e.Expect(context.Background(), []Pattern{{Name: "x", Literal: "never"}},
		ExpectOptions{Timeout: 5 * time.Second, Idle: 100 * time.Millisecond})
	if err != nil || m.Index != IdleIndex || m.Text != ".........." {
		t.Fatalf("Expect = %+v, %v; want all ten dots as the idle line", m, err)
	}
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Errorf("idle after %v, before the dots stopped", el)
	}
}

// TestExpectIdleLongLine: an unfinished line too long to hold was partly
// delivered to Capture before the stream went quiet; it is delivered once.
func TestExpectIdleLongLine(t *testing.T) {
	e, r := newPiped(t, Options{})
	out := NewOutput(0)
	long := strings.Repeat("x", 20000)
	feed(t, r.Remote, long)
	done := regexp.MustCompile(`DONE`)
	m, err := e.Expect(context.Background(), []Pattern{{Name: "done", Regexp: done}},
		ExpectOptions{Timeout: 5 * time.Second, Capture: out, Idle: 50 * time.Millisecond})
	if err != nil || m.Index != IdleIndex {
		t.Fatalf("Expect = %+v, %v; want idle", m, err)
	}
	feed(t, r.Remote, "\nDONE")
	if _, err := e.Expect(context.Background(), []Pattern{{Name: "done", Regexp: done}},
		ExpectOptions{Timeout: 5 * time.Second, Capture: out}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != long+"\n" {
		t.Errorf("captured %d bytes, want %d (the line once)", len(got), len(long)+1)
	}
}
