package devices

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
)

// The trivial-command benchmarks time one short command on a warm,
// prepared shell: Start, completion, Done. BenchmarkConnExec
// (conn_bench_test.go) is the same kind of command on a fresh exec channel
// of a warm connection, the cheapest way x/crypto/ssh runs a command. Run
// them side by side with
//
//	go test ./devices/ -run '^$' -bench 'Trivial|ConnExec' -benchtime 500x
//
// Besides Go's mean (ns/op) they report the median and 95th percentile.

// BenchmarkTrivialCommand: `echo hi` on a warm bash shell over real sshd.
func BenchmarkTrivialCommand(b *testing.B) {
	h := newHarness(b, harnessOptions{}, "bash")
	h.run(b, "bash", "true", RunOptions{}) // dial and prepare outside the timing
	timeOps(b, func() {
		c := h.start(b, "bash", "", "echo hi", RunOptions{})
		if info := waitDone(b, c); info.Status != StatusCompleted {
			b.Fatalf("status %s", info.Status)
		}
	})
}

// BenchmarkTrivialDeviceCommand: `show clock` on a warm simulated IOS
// session, completed by its learned prompt.
func BenchmarkTrivialDeviceCommand(b *testing.B) {
	h := newDeviceHarness(b, devsim.Options{Platform: "ios", Logf: func(string, ...any) {}}, "cisco_ios")
	h.run(b, "show version", RunOptions{})
	timeOps(b, func() {
		if info, _ := h.run(b, "show clock", RunOptions{}); info.Status != StatusCompleted {
			b.Fatalf("status %s", info.Status)
		}
	})
}

// timeOps runs op b.N times and reports p50-ms and p95-ms beside ns/op.
func timeOps(b *testing.B, op func()) {
	b.Helper()
	var d []time.Duration
	for b.Loop() {
		t0 := time.Now()
		op()
		d = append(d, time.Since(t0))
	}
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	ms := func(q float64) float64 { return float64(d[int(q*float64(len(d)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.95), "p95-ms")
}

// BenchmarkFRRShowVersion is a warm show version on a real FRRouting
// vtysh, in the engine alone (no MCP).
func BenchmarkFRRShowVersion(b *testing.B) {
	h := newFRRHarness(b, "frr", nil)
	h.run(b, "show version")
	timeOps(b, func() {
		if info, out := h.run(b, "show version"); info.Status != StatusCompleted || !strings.Contains(out, "FRRouting") {
			b.Fatalf("status %s output %q", info.Status, out)
		}
	})
}
