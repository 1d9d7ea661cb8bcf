package expect

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the writer goroutines of an
// Expecter and the test reading it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// remote is the far side of a piped Expecter: what the test writes to
// Remote, the Expecter reads; what the Expecter sends lands in Sent.
type remote struct {
	Remote *io.PipeWriter
	Sent   *syncBuffer
}

// newPiped starts an Expecter over an io.Pipe and closes both on cleanup.
func newPiped(t testing.TB, opts Options) (*Expecter, remote) {
	t.Helper()
	pr, pw := io.Pipe()
	sent := &syncBuffer{}
	e := New(pr, sent, opts)
	t.Cleanup(func() {
		pw.Close()
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e, remote{Remote: pw, Sent: sent}
}

// feed writes chunks to the pipe from a goroutine the test waits for.
func feed(t testing.TB, w io.Writer, chunks ...string) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, c := range chunks {
			if _, err := io.WriteString(w, c); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { <-done })
}

func re(s string) Pattern  { return Pattern{Name: s, Regexp: regexp.MustCompile(s)} }
func lit(s string) Pattern { return Pattern{Name: s, Literal: s} }

// testCtx returns a context that ends with the test, bounded so that a bug
// cannot hang the run.
func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// mustExpect waits for patterns and fails the test on error.
func mustExpect(t testing.TB, e *Expecter, patterns []Pattern, opts ExpectOptions) Match {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	m, err := e.Expect(testCtx(t), patterns, opts)
	if err != nil {
		t.Fatalf("Expect(%v): %v; pending %q", patterns, err, e.Pending())
	}
	return m
}
