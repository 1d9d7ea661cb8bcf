package expect

import "testing"

// TestCarriageReturnAfterConsumedMarker: a program that returns to column 0
// right after a prompt or marker was consumed on the same line redraws its
// own text; the consumed marker never comes back as output, and a marker
// printed again after the CR is found.
func TestCarriageReturnAfterConsumedMarker(t *testing.T) {
	marker := re(`\x1eT:(\d+):([^\x1f]*)\x1f`)
	for _, tc := range []struct {
		name, output, want string
	}{
		{"overwrite", "abc\rxy\n", "xyc\n"},
		{"progress", "10%\r20%\r100%\n", "100%\n"},
		{"cr at the end", "abc\r", "abc"},
		{"no cr", "abc\n", "abc\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, r := newPiped(t, Options{})
			// As in a shell: the marker is consumed before the command
			// that prints the output is sent. Fed together, the CR would
			// overwrite the first marker before anything matched it.
			feed(t, r.Remote, "\x1eT:0:/\x1f")
			mustExpect(t, e, []Pattern{marker}, ExpectOptions{})
			feed(t, r.Remote, tc.output, "\x1eT:0:/\x1f")
			out := NewOutput(0)
			m := mustExpect(t, e, []Pattern{marker}, ExpectOptions{Capture: out})
			if got := out.String() + m.Before; got != tc.want {
				t.Errorf("output %q, want %q", got, tc.want)
			}
		})
	}
}
