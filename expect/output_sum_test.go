package expect

import (
	"crypto/sha256"
	"strings"
	"testing"
)

// Sum covers every byte written, those dropped past the cap included.
func TestOutputSumCoversDroppedBytes(t *testing.T) {
	o := NewOutput(64)
	var all strings.Builder
	for i := range 50 {
		chunk := strings.Repeat(string(rune('a'+i%26)), i+1)
		o.WriteString(chunk)
		all.WriteString(chunk)
	}
	if o.Dropped() == 0 {
		t.Fatalf("nothing was dropped: the test needs a cap below the output")
	}
	if got, want := o.Sum(), sha256.Sum256([]byte(all.String())); got != want {
		t.Errorf("Sum = %x, want %x (SHA-256 of all %d bytes written)", got, want, all.Len())
	}
	if got, want := NewOutput(0).Sum(), sha256.Sum256(nil); got != want {
		t.Errorf("Sum of an empty Output = %x, want %x", got, want)
	}
}
