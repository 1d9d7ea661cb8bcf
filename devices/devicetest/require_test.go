package devicetest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// fatalRecorder is a testing.TB whose Fatal and Skip record the message
// and end the calling goroutine, so a helper's failure path can be
// observed from another goroutine without failing the real test.
type fatalRecorder struct {
	testing.TB
	msg     string
	fatal   bool
	skipped bool
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg, r.fatal = fmt.Sprintf(format, args...), true
	runtime.Goexit()
}

func (r *fatalRecorder) Skipf(format string, args ...any) {
	r.msg, r.skipped = fmt.Sprintf(format, args...), true
	runtime.Goexit()
}

// callRecorded runs f with a fresh recorder on its own goroutine.
func callRecorded(t testing.TB, f func(tb testing.TB)) *fatalRecorder {
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestRequire(t *testing.T) {
	cases := []struct {
		env         string
		ok          bool
		fatal, skip bool
	}{
		{"", true, false, false},
		{"1", true, false, false},
		{"", false, false, true},
		{"0", false, false, true},
		{"1", false, true, false},
	}
	for _, tc := range cases {
		t.Setenv(RequireAllEnv, tc.env)
		r := callRecorded(t, func(tb testing.TB) { Require(tb, tc.ok, "frobnicator missing") })
		if r.fatal != tc.fatal || r.skipped != tc.skip {
			t.Errorf("env %q ok %v: fatal %v skipped %v, want %v %v", tc.env, tc.ok, r.fatal, r.skipped, tc.fatal, tc.skip)
		}
		if (tc.fatal || tc.skip) && !containsAll(r.msg, "frobnicator missing", RequireAllEnv) {
			t.Errorf("env %q: message %q lacks the reason or the variable name", tc.env, r.msg)
		}
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
