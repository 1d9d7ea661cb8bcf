package expect

import (
	"errors"
	"strings"
	"testing"
)

// TestOutputShrink: after Shrink an Output holds what one created with the
// smaller capacity would hold, at the same offsets, and keeps working.
func TestOutputShrink(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cap, n   int
		shrinkTo int
	}{
		{"all in head", 1000, 300, 100},
		{"head and tail contiguous", 1000, 900, 100},
		{"already dropping", 1000, 5000, 100},
		{"larger cap changes nothing", 100, 5000, 1000},
		{"smaller than content by one", 1000, 101, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var data strings.Builder
			for i := 0; data.Len() < tc.n; i++ {
				data.WriteString(string(rune('a' + i%26)))
			}
			s := data.String()[:tc.n]
			o := NewOutput(tc.cap)
			o.WriteString(s)
			o.Shrink(tc.shrinkTo)
			want := NewOutput(min(tc.cap, tc.shrinkTo))
			if tc.shrinkTo >= tc.cap {
				want = NewOutput(tc.cap)
			}
			want.WriteString(s)
			if o.String() != want.String() || o.Len() != want.Len() || o.Dropped() != want.Dropped() || o.Stored() != want.Stored() {
				t.Fatalf("after Shrink: %q (len %d dropped %d stored %d); want %q (len %d dropped %d stored %d)",
					o.String(), o.Len(), o.Dropped(), o.Stored(), want.String(), want.Len(), want.Dropped(), want.Stored())
			}
			// Reads at every offset agree with the reference.
			for off := int64(0); off < o.Len(); off += 37 {
				got, gn, gerr := o.ReadAt(off, 50)
				w, wn, werr := want.ReadAt(off, 50)
				if got != w || gn != wn || errors.Is(gerr, ErrDropped) != errors.Is(werr, ErrDropped) {
					t.Fatalf("ReadAt(%d): %q %d %v; want %q %d %v", off, got, gn, gerr, w, wn, werr)
				}
			}
			o.WriteString("more")
			want.WriteString("more")
			if o.String() != want.String() {
				t.Fatalf("write after Shrink: %q, want %q", o.String(), want.String())
			}
		})
	}
}
