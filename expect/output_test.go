package expect

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestOutputKeepsHeadAndTail(t *testing.T) {
	o := NewOutput(10)
	for _, s := range []string{"012", "3456", "789ab", "cdef"} {
		o.WriteString(s)
	}
	if o.Len() != 16 || o.Dropped() != 6 {
		t.Fatalf("Len %d Dropped %d, want 16 and 6", o.Len(), o.Dropped())
	}
	if got, want := o.String(), "01234\n[... 6 bytes dropped ...]\nbcdef"; got != want {
		t.Fatalf("String %q, want %q", got, want)
	}
	reads := []struct {
		off      int64
		max      int
		text     string
		next     int64
		dropped  bool
		anyError bool
	}{
		{0, 0, "01234", 5, false, false},
		{2, 2, "23", 4, false, false},
		{5, 0, "", 11, true, true},
		{11, 3, "bcd", 14, false, false},
		{14, 0, "ef", 16, false, false},
		{16, 0, "", 16, false, false},
		{17, 0, "", 16, false, true},
		{-1, 0, "", 16, false, true},
	}
	for _, r := range reads {
		text, next, err := o.ReadAt(r.off, r.max)
		if text != r.text || next != r.next || errors.Is(err, ErrDropped) != r.dropped || (err != nil) != r.anyError {
			t.Errorf("ReadAt(%d, %d) = %q, %d, %v; want %q, %d, dropped=%v error=%v", r.off, r.max, text, next, err, r.text, r.next, r.dropped, r.anyError)
		}
	}
}

func TestOutputReadsAcrossHeadAndTailWhenNothingDropped(t *testing.T) {
	o := NewOutput(10)
	o.WriteString("0123456789")
	if text, next, err := o.ReadAt(3, 0); text != "3456789" || next != 10 || err != nil {
		t.Fatalf("ReadAt(3) = %q, %d, %v", text, next, err)
	}
	if o.String() != "0123456789" || o.Dropped() != 0 {
		t.Fatalf("String %q Dropped %d", o.String(), o.Dropped())
	}
}

func TestOutputReadAtKeepsCharactersWhole(t *testing.T) {
	o := NewOutput(0)
	o.WriteString("aü€")
	text, next, err := o.ReadAt(0, 2) // "a" and half of "ü"
	if text != "a" || next != 1 || err != nil {
		t.Fatalf("ReadAt(0, 2) = %q, %d, %v; want %q, 1", text, next, err, "a")
	}
	if text, _, _ = o.ReadAt(next, 2); text != "ü" {
		t.Fatalf("continuing read %q", text)
	}
}

// TestOutputMatchesModel compares random writes and reads against a model
// that keeps everything.
func TestOutputMatchesModel(t *testing.T) {
	testOutputMatchesModel(t)
}

// The same with storage blocks far smaller than the outputs, so that reads,
// the ring's wrap and Shrink cross block boundaries everywhere.
func TestOutputMatchesModelSmallBlocks(t *testing.T) {
	defer func(n int) { outputBlock = n }(outputBlock)
	for _, n := range []int{1, 3, 7, 16} {
		outputBlock = n
		testOutputMatchesModel(t)
		TestOutputShrink(t)
	}
}

func testOutputMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		capBytes := 2 + rng.IntN(64)
		o := NewOutput(capBytes)
		var all strings.Builder
		for range rng.IntN(20) {
			s := strings.Repeat(string(rune('a'+rng.IntN(26))), rng.IntN(3*capBytes))
			o.WriteString(s)
			all.WriteString(s)
		}
		full := all.String()
		head := min(len(full), capBytes/2)
		tailStart := max(head, len(full)-(capBytes-capBytes/2))
		if got := o.Dropped(); got != int64(tailStart-head) {
			t.Fatalf("round %d: Dropped %d, want %d", round, got, tailStart-head)
		}
		for off := 0; off <= len(full); off++ {
			text, next, err := o.ReadAt(int64(off), 0)
			switch {
			case off >= head && off < tailStart:
				if !errors.Is(err, ErrDropped) || next != int64(tailStart) {
					t.Fatalf("round %d: ReadAt(%d) = %v, next %d; want ErrDropped, %d", round, off, err, next, tailStart)
				}
			case off < head:
				want := full[off:head]
				if tailStart == head {
					want = full[off:]
				}
				if err != nil || text != want {
					t.Fatalf("round %d: ReadAt(%d) = %q, %v; want %q", round, off, text, err, want)
				}
			default:
				if err != nil || text != full[off:] || next != int64(len(full)) {
					t.Fatalf("round %d: ReadAt(%d) = %q, %d, %v; want %q", round, off, text, next, err, full[off:])
				}
			}
			var visited []byte
			vnext, verr := o.Visit(int64(off), func(p []byte) { visited = append(visited, p...) })
			if (verr == nil) != (err == nil) || vnext != next || (err == nil && string(visited) != text) {
				t.Fatalf("round %d: Visit(%d) = %q, %d, %v; ReadAt gave %q, %d, %v", round, off, visited, vnext, verr, text, next, err)
			}
			if err == nil {
				limit := 1 + rng.IntN(capBytes)
				part, pnext, _ := o.ReadAt(int64(off), limit)
				if want := text[:min(limit, len(text))]; part != want || pnext != int64(off+len(want)) {
					t.Fatalf("round %d: ReadAt(%d, %d) = %q, %d; want %q", round, off, limit, part, pnext, want)
				}
			}
		}
	}
}

func TestOutputChangedAndConcurrentReaders(t *testing.T) {
	o := NewOutput(0)
	ch := o.Changed()
	select {
	case <-ch:
		t.Fatal("Changed fired before any write")
	default:
	}
	var want strings.Builder
	for i := range 500 {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 500 {
			o.WriteString(fmt.Sprintf("line %d\n", i))
		}
	}()
	// A status poller pages through live output by offset.
	var got strings.Builder
	var off int64
	for off < int64(want.Len()) {
		changed := o.Changed()
		text, next, err := o.ReadAt(off, 100)
		if err != nil {
			t.Fatalf("ReadAt(%d): %v", off, err)
		}
		got.WriteString(text)
		if next == off {
			<-changed
		}
		off = next
	}
	wg.Wait()
	<-ch
	if got.String() != want.String() {
		t.Fatalf("paged reads differ from what was written")
	}
}

func TestOutputCutKeepsCharactersWhole(t *testing.T) {
	o := NewOutput(8)
	o.WriteString("aaa€€€€bbb") // the cuts fall inside "€"
	if s := o.String(); !utf8.ValidString(s) || !strings.HasPrefix(s, "aaa\n[... ") || !strings.HasSuffix(s, "]\nbbb") {
		t.Fatalf("String %q: want whole characters around the marker", s)
	}
	_, next, err := o.ReadAt(4, 0)
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("ReadAt(4): %v", err)
	}
	if text, _, _ := o.ReadAt(next, 0); text != "bbb" {
		t.Fatalf("reading on from %d gave %q", next, text)
	}
}
