package bench

import (
	"math"
	"testing"
	"time"
)

// suites are all benchmarks by name, for TestBenchmarksRun. A suite whose
// variants share a test bed (one router for all of them) gives shared
// instead: it starts the bed with the suite's tb and returns the variants.
var suites = []struct {
	name     string
	variants []variant
	shared   func(tb testing.TB) []variant
}{
	{"TrivialCommand", trivialVariants, nil},
	{"FirstCommand", firstVariants, nil},
	{"LargeOutput", largeVariants, nil},
	{"DeviceOutput", deviceVariants, nil},
	{"FanOut", fanOutVariants, nil},
	{"Files", fileVariants, nil},
	{"Startup", startupVariants, nil},
	{"FRRWarm", nil, frrVariants},
}

// TestBenchmarksRun runs every benchmark body a few times and checks that
// it ran them all and produced figures. Each body checks its own
// operations' output, so a benchmark that measures wrong work fails here.
// Speed is never asserted.
// signedMetrics are differences, which noise can make zero or negative:
// the resident memory the server gained for one idle session is smaller
// than what the runtime returns to the system between two readings.
var signedMetrics = map[string]bool{"rss-per-session-KiB": true}

func TestBenchmarksRun(t *testing.T) {
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			variants := s.variants
			if s.shared != nil {
				variants = s.shared(t)
			}
			runVariants(t, variants)
		})
	}
}

func runVariants(t *testing.T, variants []variant) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			n := v.short
			if n == 0 {
				n = 3
			}
			r := newRun(t, n)
			v.body(r)
			if len(r.lat) != n {
				t.Fatalf("%d operations timed, want %d", len(r.lat), n)
			}
			for i, d := range r.lat {
				if d <= 0 {
					t.Errorf("operation %d took %v, want a positive duration", i, d)
				}
			}
			if p50, p95 := r.percentile(50), r.percentile(95); p50 > p95 {
				t.Errorf("p50 %v above p95 %v", p50, p95)
			}
			t.Logf("%d operations: p50 %v, p95 %v, %v", n, r.percentile(50), r.percentile(95), r.metrics)
			for unit, v := range r.metrics {
				switch {
				case signedMetrics[unit] && (math.IsNaN(v) || math.IsInf(v, 0)):
					t.Errorf("%s = %v, want a number", unit, v)
				case !signedMetrics[unit] && !(v > 0):
					t.Errorf("%s = %v, want a positive figure", unit, v)
				}
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	r := newRun(t, 0)
	if got := r.percentile(50); got != 0 {
		t.Errorf("percentile of nothing = %v, want 0", got)
	}
	for i := 20; i >= 1; i-- {
		r.lat = append(r.lat, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 10 * time.Millisecond}, {95, 19 * time.Millisecond}, {100, 20 * time.Millisecond}, {1, time.Millisecond}} {
		if got := r.percentile(c.p); got != c.want {
			t.Errorf("percentile(%v) of 1..20 ms = %v, want %v", c.p, got, c.want)
		}
	}
}
