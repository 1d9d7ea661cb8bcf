package devices

import "testing"

// BenchmarkTrivialCommand measures one `echo hi` on a warm, prepared bash
// shell: Start, the marker, Done. BenchmarkConnExec (conn_bench_test.go) is
// the same kind of command on a fresh exec channel of a warm connection,
// the cheapest way x/crypto/ssh runs a command; run both with
//
//	go test ./devices/ -run '^$' -bench 'TrivialCommand|ConnExec' -benchtime 500x
func BenchmarkTrivialCommand(b *testing.B) {
	h := newHarness(b, harnessOptions{}, "bash")
	h.run(b, "bash", "true", RunOptions{}) // dial and prepare outside the timing
	for b.Loop() {
		c := h.start(b, "bash", "", "echo hi", RunOptions{})
		if info := waitDone(b, c); info.Status != StatusCompleted {
			b.Fatalf("status %s", info.Status)
		}
	}
}
