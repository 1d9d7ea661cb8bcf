package expect

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
)

var iosPrompt = re(`(?m)^R1#\s*\z`)

func TestExpectPromptSplitAcrossReads(t *testing.T) {
	stream := "Router banner # not a prompt >\r\nR1>en\r\nR1#"
	e := New(iotest.OneByteReader(strings.NewReader(stream)), &syncBuffer{}, Options{})
	t.Cleanup(func() { e.Close() })
	m := mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{})
	if m.Text != "R1#" || m.Before != "Router banner # not a prompt >\nR1>en\n" {
		t.Fatalf("got Text %q Before %q", m.Text, m.Before)
	}
}

func TestExpectPromptSplitOverPipe(t *testing.T) {
	e, r := newPiped(t, Options{})
	feed(t, r.Remote, "out\r\n", "R", "1", "#")
	m := mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{})
	if m.Before != "out\n" || m.Text != "R1#" {
		t.Fatalf("got Before %q Text %q", m.Before, m.Text)
	}
}

func TestExpectIgnoresPromptLookingLines(t *testing.T) {
	e, r := newPiped(t, Options{})
	body := "R1# is the hostname\r\ninterface R1#\r\nR1#show run\r\n"
	feed(t, r.Remote, body+"R1#")
	m := mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{})
	if want := strings.ReplaceAll(body, "\r\n", "\n"); m.Before != want {
		t.Fatalf("Before %q, want %q: the match ended early", m.Before, want)
	}
}

func TestExpectLeftmostThenListOrder(t *testing.T) {
	e, r := newPiped(t, Options{})
	feed(t, r.Remote, "xx abc yy abc")
	m := mustExpect(t, e, []Pattern{lit("yy"), lit("abc"), re(`a\w+`)}, ExpectOptions{})
	if m.Index != 1 || m.Text != "abc" || m.Before != "xx " {
		t.Fatalf("got %+v, want index 1 (leftmost, first listed) after %q", m, "xx ")
	}
	if got := e.Pending(); got != " yy abc" {
		t.Fatalf("Pending after match %q, want the text after it", got)
	}
	m = mustExpect(t, e, []Pattern{re(`(y+) (a)bc`)}, ExpectOptions{})
	if len(m.Groups) != 3 || m.Groups[1] != "yy" || m.Groups[2] != "a" {
		t.Fatalf("groups %q", m.Groups)
	}
}

func TestExpectKeepsTextAfterMatchAcrossCalls(t *testing.T) {
	e, r := newPiped(t, Options{})
	feed(t, r.Remote, "Password: \r\nR1>")
	mustExpect(t, e, []Pattern{lit("Password:")}, ExpectOptions{})
	m := mustExpect(t, e, []Pattern{re(`(?m)^R1>\z`)}, ExpectOptions{})
	if m.Before != " \n" {
		t.Fatalf("Before %q, want the rest of the line after the first match", m.Before)
	}
}

func TestExpectPromptBetweenCallsIsKept(t *testing.T) {
	e, r := newPiped(t, Options{})
	if _, err := io.WriteString(r.Remote, "late output\r\nR1#"); err != nil {
		t.Fatal(err)
	}
	waitPending(t, e, "R1#")
	m := mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{})
	if m.Before != "late output\n" {
		t.Fatalf("Before %q", m.Before)
	}
}

// waitPending polls until Pending ends with suffix; the reader goroutine
// runs on its own schedule.
func waitPending(t testing.TB, e *Expecter, suffix string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.HasSuffix(e.Pending(), suffix) {
		if time.Now().After(deadline) {
			t.Fatalf("Pending %q never ended with %q", e.Pending(), suffix)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestExpectDeadlineUnderContinuousOutput(t *testing.T) {
	e, r := newPiped(t, Options{})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		line := strings.Repeat("flood ", 20) + "\r\n"
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := io.WriteString(r.Remote, line); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { close(stop); r.Remote.Close(); wg.Wait() })

	const timeout = 300 * time.Millisecond
	start := time.Now()
	out := NewOutput(64 << 10)
	_, err := e.Expect(testCtx(t), []Pattern{lit("never printed")}, ExpectOptions{Timeout: timeout, Capture: out})
	elapsed := time.Since(start)
	var te *TimeoutError
	if !errors.Is(err, ErrTimeout) || !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *TimeoutError", err)
	}
	if elapsed > timeout+5*time.Second {
		t.Fatalf("returned after %v, the deadline was %v", elapsed, timeout)
	}
	if !strings.Contains(te.Tail, "flood") || len(te.Tail) > 500 || len(te.Patterns) != 1 {
		t.Fatalf("evidence: tail %q patterns %v", te.Tail, te.Patterns)
	}
	if out.Len() == 0 {
		t.Fatalf("capture is empty although output flowed")
	}
}

func TestExpectContextCancel(t *testing.T) {
	e, _ := newPiped(t, Options{})
	ctx, cancel := context.WithCancel(testCtx(t))
	go func() {
		waitActive(t, e)
		cancel()
	}()
	_, err := e.Expect(ctx, []Pattern{lit("x")}, ExpectOptions{Timeout: time.Minute})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// waitActive polls until an Expect call is waiting on e.
func waitActive(t testing.TB, e *Expecter) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		e.mu.Lock()
		active := e.active != nil
		e.mu.Unlock()
		if active {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Errorf("no Expect call became active")
}

func TestExpectEOFMatchesWhatArrivedThenFails(t *testing.T) {
	e := New(strings.NewReader("last words R1#"), &syncBuffer{}, Options{})
	t.Cleanup(func() { e.Close() })
	<-e.Done()
	m := mustExpect(t, e, []Pattern{lit("R1#")}, ExpectOptions{})
	if m.Before != "last words " {
		t.Fatalf("Before %q", m.Before)
	}
	_, err := e.Expect(testCtx(t), []Pattern{lit("R1#")}, ExpectOptions{Timeout: time.Minute})
	if !errors.Is(err, ErrClosed) || !errors.Is(err, io.EOF) {
		t.Fatalf("err = %v, want ErrClosed wrapping io.EOF", err)
	}
	if !errors.Is(e.Err(), io.EOF) {
		t.Fatalf("Err() = %v", e.Err())
	}
}

func TestExpectFailsWhenStreamEndsWhileWaiting(t *testing.T) {
	e, r := newPiped(t, Options{})
	go func() {
		waitActive(t, e)
		r.Remote.CloseWithError(errors.New("channel reset"))
	}()
	_, err := e.Expect(testCtx(t), []Pattern{lit("x")}, ExpectOptions{Timeout: time.Minute})
	if !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "channel reset") {
		t.Fatalf("err = %v, want ErrClosed with the read error", err)
	}
}

func TestExpectBadInput(t *testing.T) {
	e, _ := newPiped(t, Options{})
	ctx := testCtx(t)
	cases := []struct {
		name     string
		patterns []Pattern
		opts     ExpectOptions
		want     string
	}{
		{"no patterns", nil, ExpectOptions{Timeout: time.Second}, "no patterns"},
		{"empty pattern", []Pattern{{Name: "p"}}, ExpectOptions{Timeout: time.Second}, "empty"},
		{"pattern matching nothing", []Pattern{re(`\s*`)}, ExpectOptions{Timeout: time.Second}, "matches empty text"},
		{"no timeout", []Pattern{lit("x")}, ExpectOptions{}, "Timeout"},
	}
	for _, tc := range cases {
		if _, err := e.Expect(ctx, tc.patterns, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestExpectOneCallerAtATime(t *testing.T) {
	e, _ := newPiped(t, Options{})
	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() {
		_, err := e.Expect(ctx, []Pattern{lit("x")}, ExpectOptions{Timeout: time.Minute})
		done <- err
	}()
	waitActive(t, e)
	if _, err := e.Expect(testCtx(t), []Pattern{lit("x")}, ExpectOptions{Timeout: time.Second}); err == nil || !strings.Contains(err.Error(), "already waiting") {
		t.Fatalf("second concurrent Expect: err = %v", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("first Expect: %v", err)
	}
}

func TestInterruptWhileExpectWaits(t *testing.T) {
	toRemote, fromExpecter := io.Pipe()
	fromRemote, toExpecter := io.Pipe()
	e := New(fromRemote, fromExpecter, Options{})
	t.Cleanup(func() { toExpecter.Close(); toRemote.Close(); e.Close() })
	// The remote side answers Ctrl+C the way a shell does.
	go func() {
		buf := make([]byte, 64)
		for {
			n, err := toRemote.Read(buf)
			if err != nil {
				return
			}
			if strings.Contains(string(buf[:n]), "\x03") {
				io.WriteString(toExpecter, "^C\r\nR1#")
			}
		}
	}()
	ctx := testCtx(t)
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		waitActive(t, e)
		if err := e.Send(ctx, "ping\n"); err != nil {
			t.Errorf("Send: %v", err)
		}
		if err := e.Interrupt(ctx); err != nil {
			t.Errorf("Interrupt: %v", err)
		}
	}()
	m := mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{})
	<-sent
	if m.Before != "^C\n" {
		t.Fatalf("Before %q", m.Before)
	}
}

func TestSendRespectsContextWhenWriterBlocks(t *testing.T) {
	pr, pw := io.Pipe() // nobody reads pr: writes block
	e := New(strings.NewReader(""), pw, Options{})
	ctx, cancel := context.WithTimeout(testCtx(t), 50*time.Millisecond)
	defer cancel()
	if err := e.Send(ctx, "stuck\n"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send: %v, want DeadlineExceeded", err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	pr.Close()
	if err := e.Send(testCtx(t), "x"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close: %v, want ErrClosed", err)
	}
}

func TestPendingAndDiscard(t *testing.T) {
	e, r := newPiped(t, Options{Window: 64})
	feed(t, r.Remote, strings.Repeat("0123456789\r\n", 20)+"%LINK-3-UPDOWN\r\nR1#")
	waitPending(t, e, "R1#")
	if p := e.Pending(); len(p) > 64 || !strings.HasSuffix(p, "%LINK-3-UPDOWN\nR1#") {
		t.Fatalf("Pending %q: want at most 64 bytes ending in the tail", p)
	}
	if d := e.Discard(); !strings.HasPrefix(d, "0123456789\n") || !strings.HasSuffix(d, "R1#") {
		t.Fatalf("Discard %q", d)
	}
	if p := e.Pending(); p != "" {
		t.Fatalf("Pending after Discard %q", p)
	}
}

func TestCloseEndsEverything(t *testing.T) {
	pr, pw := io.Pipe()
	sent := &syncBuffer{}
	e := New(pr, sent, Options{})
	done := make(chan error, 1)
	go func() {
		_, err := e.Expect(testCtx(t), []Pattern{lit("x")}, ExpectOptions{Timeout: time.Minute})
		done <- err
	}()
	waitActive(t, e)
	if err := e.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("Expect after Close: %v", err)
	}
	select {
	case <-e.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
	if _, err := pw.Write([]byte("x")); err == nil {
		t.Fatal("the reader was not closed")
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestConcurrentSendsStayWhole(t *testing.T) {
	toRemote, fromExpecter := io.Pipe()
	e := New(strings.NewReader(""), fromExpecter, Options{})
	t.Cleanup(func() { toRemote.Close(); e.Close() })
	got := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(toRemote)
		got <- string(b)
	}()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if err := e.Send(testCtx(t), strings.Repeat(string(rune('a'+g)), 100+i)+"\n"); err != nil {
					t.Errorf("Send: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	fromExpecter.Close()
	lines := strings.Split(strings.TrimSuffix(<-got, "\n"), "\n")
	if len(lines) != 200 {
		t.Fatalf("remote got %d lines, want 200", len(lines))
	}
	for _, l := range lines {
		if strings.Trim(l, l[:1]) != "" {
			t.Fatalf("interleaved send: %q", l)
		}
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		pr, pw := io.Pipe()
		toRemote, fromExpecter := io.Pipe()
		e := New(pr, fromExpecter, Options{})
		go io.Copy(io.Discard, toRemote) // a remote that reads until closed
		if err := e.Send(testCtx(t), "x\n"); err != nil {
			t.Fatal(err)
		}
		feedDone := make(chan struct{})
		go func() { defer close(feedDone); io.WriteString(pw, "ok") }()
		mustExpect(t, e, []Pattern{lit("ok")}, ExpectOptions{})
		<-feedDone
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after Close, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(time.Millisecond)
	}
}

// A prompt-like line that arrives at a read boundary ends the wait only
// when nothing follows it within Settle; the real prompt, with nothing
// after it, still does.
func TestExpectSettlePassesPromptLikeLine(t *testing.T) {
	for _, settle := range []time.Duration{0, 50 * time.Millisecond} {
		e, r := newPiped(t, Options{})
		got := make(chan Match, 1)
		go func() {
			m, err := e.Expect(testCtx(t), []Pattern{iosPrompt}, ExpectOptions{Timeout: 10 * time.Second, Settle: settle})
			if err != nil {
				t.Errorf("settle %v: Expect: %v", settle, err)
			}
			got <- m
		}()
		io.WriteString(r.Remote, "banner\r\nR1#")
		time.Sleep(10 * time.Millisecond) // a packet boundary, shorter than the settle
		io.WriteString(r.Remote, "\r\nmore output\r\nR1#")
		m := <-got
		want := "banner\nR1#\nmore output\n"
		if settle == 0 {
			want = "banner\n" // without settling the banner line ends the wait
		}
		if m.Before != want || m.Text != "R1#" {
			t.Errorf("settle %v: Before %q Text %q; want Before %q", settle, m.Before, m.Text, want)
		}
		e.Close()
	}
}

// A match waiting to settle is accepted at once when the stream ends.
func TestExpectSettleAtStreamEnd(t *testing.T) {
	e, r := newPiped(t, Options{})
	feed(t, r.Remote, "out\r\nR1#")
	go func() {
		time.Sleep(20 * time.Millisecond)
		r.Remote.Close()
	}()
	m, err := e.Expect(testCtx(t), []Pattern{iosPrompt}, ExpectOptions{Timeout: 10 * time.Second, Settle: time.Hour})
	if err != nil || m.Text != "R1#" {
		t.Fatalf("Expect at the stream's end: %+v, %v; want the settled prompt", m, err)
	}
}

// A prompt right after the echo, with no output before it, stands at once
// however long the settle: there is no output it could be part of.
func TestExpectSettleSkippedWithoutOutput(t *testing.T) {
	e, r := newPiped(t, Options{})
	feed(t, r.Remote, "hostname R1\r\n", "R1#")
	m := mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{Timeout: 5 * time.Second, Echo: "hostname R1", Settle: time.Hour})
	if m.Text != "R1#" || m.Before != "" {
		t.Fatalf("got Before %q Text %q; want the prompt alone", m.Before, m.Text)
	}
}

// With SettleFirst, only the leading patterns wait to settle: a pager
// prompt after them stands at once however long the settle.
func TestExpectSettleFirstOnly(t *testing.T) {
	e, r := newPiped(t, Options{})
	feed(t, r.Remote, "line 1\r\nline 2\r\n --More-- ")
	m := mustExpect(t, e, []Pattern{iosPrompt, re(` --More-- \z`)}, ExpectOptions{Timeout: 5 * time.Second, Settle: time.Hour, SettleFirst: 1})
	if m.Index != 1 || m.Before != "line 1\nline 2\n" {
		t.Fatalf("got index %d Before %q; want the pager at once after the two lines", m.Index, m.Before)
	}
}

// A wait that continues after a pager settles its first match even with
// nothing before it in this call: a prompt-like first line of the next
// page is output like any other.
func TestExpectSettleContinues(t *testing.T) {
	e, r := newPiped(t, Options{})
	got := make(chan Match, 1)
	go func() {
		m, err := e.Expect(testCtx(t), []Pattern{iosPrompt}, ExpectOptions{Timeout: 10 * time.Second, Settle: 50 * time.Millisecond, Continues: true})
		if err != nil {
			t.Errorf("Expect: %v", err)
		}
		got <- m
	}()
	io.WriteString(r.Remote, "R1#")
	time.Sleep(10 * time.Millisecond)
	io.WriteString(r.Remote, "\r\nmore banner\r\nR1#")
	if m := <-got; m.Before != "R1#\nmore banner\n" || m.Text != "R1#" {
		t.Errorf("Before %q Text %q; want the prompt-like first line kept as output", m.Before, m.Text)
	}
}

// PendingLine shows the unfinished line only through the wait whose
// capture is named.
func TestExpectPendingLine(t *testing.T) {
	e, r := newPiped(t, Options{})
	out := NewOutput(0)
	if _, ok := e.PendingLine(out); ok {
		t.Fatal("PendingLine with no wait active reported a line")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Expect(testCtx(t), []Pattern{lit("never")}, ExpectOptions{Timeout: time.Second, Capture: out})
	}()
	io.WriteString(r.Remote, "line\r\ncalc> ")
	deadline := time.Now().Add(2 * time.Second)
	for {
		p, ok := e.PendingLine(out)
		if ok && p == "calc> " {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PendingLine = %q, %v; want \"calc> \", true", p, ok)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, ok := e.PendingLine(NewOutput(0)); ok {
		t.Error("PendingLine for another capture reported a line")
	}
	<-done
}
