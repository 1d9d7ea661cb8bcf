package bench

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// body is one benchmark's work: it sets up, calls r.ready, then performs
// r.n operations, timing each with r.op and checking its output.
type body func(r *run)

// variant is one sub-benchmark: a name and its body. short is how many
// operations TestBenchmarksRun performs; zero means 3.
type variant struct {
	name  string
	body  body
	short int
}

// run is one execution of a body: the operations asked for, the latency
// of each, and the extra figures it measured. It is used from one
// goroutine; op may be called concurrently only through opAll.
type run struct {
	tb      testing.TB
	n       int
	lat     []time.Duration
	metrics map[string]float64
}

func newRun(tb testing.TB, n int) *run {
	return &run{tb: tb, n: n, metrics: map[string]float64{}}
}

// ready marks the end of set-up: the benchmark timer starts now.
func (r *run) ready() {
	if b, ok := r.tb.(*testing.B); ok {
		b.ResetTimer()
	}
}

// untimed runs f with the benchmark timer stopped (set-up between
// operations, such as closing a session so that the next one is new).
func (r *run) untimed(f func()) {
	b, ok := r.tb.(*testing.B)
	if ok {
		b.StopTimer()
		defer b.StartTimer()
	}
	f()
}

// op times one operation and records its latency.
func (r *run) op(f func()) {
	start := time.Now()
	f()
	r.lat = append(r.lat, time.Since(start))
}

// metric records an extra figure under unit (for example "rss-MiB").
func (r *run) metric(unit string, v float64) {
	r.metrics[unit] = v
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// the recorded latencies; zero when none were recorded.
func (r *run) percentile(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	s := slices.Clone(r.lat)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(i, 0)]
}

// report hands the figures to the benchmark framework.
func (r *run) report(b *testing.B) {
	b.StopTimer()
	b.ReportMetric(ms(r.percentile(50)), "p50-ms")
	b.ReportMetric(ms(r.percentile(95)), "p95-ms")
	for unit, v := range r.metrics {
		b.ReportMetric(v, unit)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// benchmark runs each variant as a sub-benchmark of b.
func benchmark(b *testing.B, variants []variant) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			r := newRun(b, b.N)
			v.body(r)
			r.report(b)
		})
	}
}

// procStatus reads fields of /proc/PID/status given in KiB (VmRSS,
// VmHWM) and returns them in MiB.
func procStatus(tb testing.TB, pid int) (rss, hwm float64) {
	tb.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatalf("reading the server's memory figures: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kib, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 64)
		if err != nil {
			tb.Fatalf("/proc/%d/status: %s: %v", pid, sc.Text(), err)
		}
		if key == "VmRSS" {
			rss = kib / 1024
		} else {
			hwm = kib / 1024
		}
	}
	if rss == 0 || hwm == 0 {
		tb.Fatalf("/proc/%d/status has no VmRSS or VmHWM (rss %v, hwm %v)", pid, rss, hwm)
	}
	return rss, hwm
}
