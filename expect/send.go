package expect

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// redacted stands for a secret wherever the wire log would show it.
const redacted = "<redacted>"

// Send writes s to the stream as is (add "\n" yourself). It blocks until the
// write completed or ctx ended; in the latter case the write may still
// complete later, and later writes queue behind it. Safe for concurrent use.
func (e *Expecter) Send(ctx context.Context, s string) error {
	return e.write(ctx, s, s)
}

// SendSecret is Send for a password or other secret: the wire log shows
// "<redacted>" instead of s, and also redacts s where the remote side
// echoes it back.
func (e *Expecter) SendSecret(ctx context.Context, s string) error {
	e.wire.addSecret(s)
	return e.write(ctx, s, redacted)
}

// Interrupt writes Ctrl+C (0x03), which a PTY turns into SIGINT for the
// foreground program. Safe to call while Expect waits in another goroutine.
func (e *Expecter) Interrupt(ctx context.Context) error {
	return e.write(ctx, "\x03", "\x03")
}

// write sends s, logging it as logged. The write runs in its own goroutine
// so that the caller's context can end the wait even when the writer blocks
// (an SSH channel whose window is full).
func (e *Expecter) write(ctx context.Context, s, logged string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("expect: not sent: %w", err)
	}
	// Registering the write under mu orders it before Close's wait.
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return fmt.Errorf("%w: not sent: the expecter was closed", ErrClosed)
	}
	e.writes.Add(1)
	e.mu.Unlock()
	select {
	case e.wsem <- struct{}{}:
	case <-ctx.Done():
		e.writes.Done()
		return fmt.Errorf("%w, so this was not sent: %w", ErrWriteBlocked, ctx.Err())
	}
	res := make(chan error, 1)
	go func() {
		defer e.writes.Done()
		defer func() { <-e.wsem }()
		e.writeSince.Store(time.Now().UnixNano())
		defer e.writeSince.Store(0)
		e.wire.sent(logged)
		if s != "" {
			// before the write: the answer to it may be read, and a
			// caller ask EndsInCR, before this goroutine runs again
			e.lastSent.Store(uint32(s[len(s)-1]) | 1<<8)
		}
		_, err := io.WriteString(e.w, s)
		res <- err
	}()
	select {
	case err := <-res:
		if err != nil {
			return fmt.Errorf("expect: write: %w", err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("expect: write did not complete: %w", ctx.Err())
	}
}

// EndsInCR reports whether the last byte written was a carriage return.
// A terminal line discipline may take a line feed right after one as the
// second half of the same Enter, so a caller about to send a lone Enter
// sends "\r" then. It does not block.
func (e *Expecter) EndsInCR() bool {
	return e.lastSent.Load() == '\r'|1<<8
}

// writeBlockedAfter is how long a write must have been in progress to
// count as blocked rather than merely under way.
const writeBlockedAfter = time.Second

// WriteBlocked reports whether a write has been in progress for more than
// a second: a Send whose bytes the far side does not take (a program that
// reads none of its input, with every buffer on the way full). It does
// not block.
func (e *Expecter) WriteBlocked() bool {
	since := e.writeSince.Load()
	return since != 0 && time.Since(time.Unix(0, since)) > writeBlockedAfter
}

// wireLog writes the raw traffic for debugging a device, with secrets
// replaced. A nil *wireLog logs nothing.
type wireLog struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
}

// maxSecrets bounds the remembered secrets; the oldest is forgotten first.
const maxSecrets = 16

func (l *wireLog) addSecret(s string) {
	if l == nil {
		return
	}
	s = strings.TrimRight(s, "\r\n")
	if s == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range l.secrets {
		if k == s {
			return
		}
	}
	if len(l.secrets) == maxSecrets {
		l.secrets = l.secrets[1:]
	}
	l.secrets = append(l.secrets, s)
}

func (l *wireLog) received(p []byte) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	s := string(p)
	for _, k := range l.secrets {
		s = strings.ReplaceAll(s, k, redacted)
	}
	fmt.Fprintf(l.w, "< %q\n", s)
}

func (l *wireLog) sent(s string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "> %q\n", s)
}
