package expect

import (
	"crypto/sha256"
	"strings"
	"testing"
)

// Sum covers every byte written, those dropped past the cap included.
func TestOutputSumCoversDroppedBytes(t *testing.T) {
	o := NewOutput(64)
	o.KeepSum()
	var all strings.Builder
	for i := range 50 {
		chunk := strings.Repeat(string(rune('a'+i%26)), i+1)
		o.WriteString(chunk)
		all.WriteString(chunk)
	}
	if o.Dropped() == 0 {
		t.Fatalf("nothing was dropped: the test needs a cap below the output")
	}
	if got, ok := o.Sum(); !ok || got != sha256.Sum256([]byte(all.String())) {
		want := sha256.Sum256([]byte(all.String()))
		t.Errorf("Sum = %x, want %x (SHA-256 of all %d bytes written)", got, want, all.Len())
	}
	empty := NewOutput(0)
	empty.KeepSum()
	if got, ok := empty.Sum(); !ok || got != sha256.Sum256(nil) {
		t.Errorf("Sum of an empty Output = %x, %v; want %x", got, ok, sha256.Sum256(nil))
	}
	if _, ok := NewOutput(0).Sum(); ok {
		t.Errorf("Sum without KeepSum reports a sum; the output was never hashed")
	}
}
