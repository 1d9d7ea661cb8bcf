package expect

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestOutputShrinkWhileWriting: Shrink and OnGrow's callback cutting the
// Output while a writer writes keep it consistent: every byte counted,
// the first bytes and the last bytes of the stream kept at their offsets,
// and never more held than the last capacity. Run with -race.
func TestOutputShrinkWhileWriting(t *testing.T) {
	var data strings.Builder
	for i := 0; data.Len() < 4<<20; i++ {
		fmt.Fprintf(&data, "%08d\n", i)
	}
	stream := data.String()
	o := NewOutput(8 << 20)
	const final = 10_000
	var calls atomic.Int64
	o.OnGrow(func(n int) {
		if n <= 0 {
			t.Errorf("OnGrow's function called with %d bytes", n)
		}
		if calls.Add(1)%50 == 0 {
			o.Shrink(int(1 << 20)) // from the writer's goroutine, as a budget does
		}
	})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for p := stream; len(p) > 0; {
			k := min(len(p), 3000)
			o.WriteString(p[:k])
			p = p[k:]
		}
	}()
	go func() {
		defer wg.Done()
		for c := 4 << 20; c >= final; c = c * 3 / 4 {
			o.Shrink(c)
			_ = o.String()
		}
		o.Shrink(final)
	}()
	wg.Wait()
	if calls.Load() == 0 {
		t.Errorf("OnGrow's function was never called")
	}
	if o.Len() != int64(len(stream)) || o.Stored() > final || o.Stored()+int(o.Dropped()) != len(stream) {
		t.Fatalf("len %d stored %d dropped %d; want len %d, stored at most %d, stored+dropped = len",
			o.Len(), o.Stored(), o.Dropped(), len(stream), final)
	}
	head, _, err := o.ReadAt(0, 100)
	if err != nil || head != stream[:100] {
		t.Errorf("ReadAt(0): %q %v; want %q", head, err, stream[:100])
	}
	from := o.Len() - 100
	tail, next, err := o.ReadAt(from, 0)
	if err != nil || tail != stream[from:] || next != o.Len() {
		t.Errorf("ReadAt(%d): %q %d %v; want %q", from, tail, next, err, stream[from:])
	}
	o.OnGrow(nil)
	o.WriteString("more\n")
	if !strings.HasSuffix(o.String(), stream[len(stream)-50:]+"more\n") {
		t.Errorf("a write after the cuts does not follow the stream: ...%q", o.String()[o.Stored()-60:])
	}
}
