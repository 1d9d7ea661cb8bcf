package devices

import (
	"io"
	"testing"
)

// BenchmarkTrivialCommand measures one `echo hi` on a warm, prepared bash
// shell: Start, the marker, Done. Compare with BenchmarkExec on the same
// kind of connection:
//
//	go test ./devices/ -run '^$' -bench 'TrivialCommand|Exec$' -benchtime 500x
func BenchmarkTrivialCommand(b *testing.B) {
	h := newHarness(b, harnessOptions{}, "bash")
	h.run(b, "bash", "true", RunOptions{}) // dial and prepare outside the timing
	b.ResetTimer()
	for b.Loop() {
		c := h.start(b, "bash", "", "echo hi", RunOptions{})
		if info := waitDone(b, c); info.Status != StatusCompleted {
			b.Fatalf("status %s", info.Status)
		}
	}
}

// BenchmarkExec measures one `echo hi` on a fresh exec channel of the
// shared connection, the cheapest way x/crypto/ssh runs a command.
func BenchmarkExec(b *testing.B) {
	h := newHarness(b, harnessOptions{}, "bash")
	h.run(b, "bash", "true", RunOptions{})
	b.ResetTimer()
	for b.Loop() {
		code, err := h.m.Exec(b.Context(), Request{Host: "bash"}, "echo hi", nil, io.Discard, io.Discard)
		if err != nil || code != 0 {
			b.Fatalf("Exec: %d, %v", code, err)
		}
	}
}
