package expect

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeLines writes numbered lines totalling about size bytes, then tail.
// It returns what the normalized output must be.
func writeLines(t testing.TB, w io.Writer, size int, tail string) string {
	t.Helper()
	var want strings.Builder
	var chunk strings.Builder
	for i := 0; want.Len() < size; i++ {
		line := fmt.Sprintf("line %08d %s", i, strings.Repeat("x", 60))
		want.WriteString(line + "\n")
		chunk.WriteString(line + "\r\n")
		if chunk.Len() > 8<<10 {
			if _, err := io.WriteString(w, chunk.String()); err != nil {
				t.Errorf("write: %v", err)
				return ""
			}
			chunk.Reset()
		}
	}
	chunk.WriteString(tail)
	if _, err := io.WriteString(w, chunk.String()); err != nil {
		t.Errorf("write: %v", err)
	}
	return want.String()
}

func TestExpectTenMiBWithBoundedMemory(t *testing.T) {
	const window = 4096
	e, r := newPiped(t, Options{Window: window})
	wantCh := make(chan string, 1)
	go func() { wantCh <- writeLines(t, r.Remote, 10<<20, "R1#") }()

	// Sample the expecter's own buffer while the output flows.
	stop := make(chan struct{})
	var maxLen, maxCap int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			e.mu.Lock()
			maxLen, maxCap = max(maxLen, len(e.buf)), max(maxCap, cap(e.buf))
			e.mu.Unlock()
			if p := e.Pending(); len(p) > window {
				t.Errorf("Pending holds %d bytes, more than the window %d", len(p), window)
			}
		}
	}()

	const capBytes = 1 << 20
	out := NewOutput(capBytes)
	m := mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{Capture: out, Timeout: 2 * time.Minute})
	close(stop)
	wg.Wait()
	want := <-wantCh

	if m.Before != "" || m.Text != "R1#" {
		t.Errorf("Before %q Text %q", m.Before, m.Text)
	}
	if out.Len() != int64(len(want)) {
		t.Fatalf("captured %d bytes, want %d", out.Len(), len(want))
	}
	if d := out.Dropped(); d != int64(len(want)-capBytes) {
		t.Errorf("Dropped %d, want %d", d, len(want)-capBytes)
	}
	head, _, err := out.ReadAt(0, capBytes/2)
	if err != nil || head != want[:capBytes/2] {
		t.Errorf("head differs from the first half MiB of output (err %v)", err)
	}
	tailStart := int64(len(want) - capBytes/2)
	tail, _, err := out.ReadAt(tailStart, 0)
	if err != nil || tail != want[tailStart:] {
		t.Errorf("tail differs from the last half MiB of output (err %v)", err)
	}
	// One read chunk (32 KiB, at most 4 bytes of text per byte read) on top
	// of the window is the most the expecter may hold at once.
	if bound := window + 4*readBuf; maxLen > bound || maxCap > 2*bound {
		t.Errorf("expecter buffer reached len %d cap %d, bound %d", maxLen, maxCap, bound)
	}
}

func TestIdleTextIsBounded(t *testing.T) {
	e, r := newPiped(t, Options{Window: 1024})
	feed(t, r.Remote, strings.Repeat("log line between commands\r\n", 10_000), "R1#")
	waitPending(t, e, "R1#")
	e.mu.Lock()
	held := len(e.buf)
	e.mu.Unlock()
	if held > idleKeep {
		t.Fatalf("holds %d bytes between calls, bound %d", held, idleKeep)
	}
	m := mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{})
	if !strings.HasSuffix(m.Before, "log line between commands\n") || len(m.Before) > idleKeep {
		t.Fatalf("Before has %d bytes ending %q", len(m.Before), tailOf(m.Before, 40))
	}
}

func TestWithoutCaptureOldTextIsDropped(t *testing.T) {
	e, r := newPiped(t, Options{Window: 1024})
	done := make(chan error, 1)
	go func() {
		_, err := e.Expect(testCtx(t), []Pattern{lit("never")}, ExpectOptions{Timeout: time.Hour})
		done <- err
	}()
	waitActive(t, e)
	writeLines(t, r.Remote, 200<<10, "")
	waitPending(t, e, strings.Repeat("x", 60)+"\n")
	e.mu.Lock()
	held := len(e.buf)
	e.mu.Unlock()
	if held > 1024+4*readBuf {
		t.Fatalf("holds %d bytes while an Expect without capture waits, window 1024", held)
	}
	e.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("waiting Expect: %v", err)
	}
}
