package devices

import "testing"

// The line count and the last complete line do not depend on how the
// output is cut into pieces.
func TestProgressScanPieces(t *testing.T) {
	const text = "first\nsecond line\n\nlast complete\nunfinished"
	for cut1 := 0; cut1 <= len(text); cut1++ {
		for cut2 := cut1; cut2 <= len(text); cut2++ {
			var pr progress
			for _, p := range []string{text[:cut1], text[cut1:cut2], text[cut2:]} {
				pr.scan([]byte(p))
			}
			if pr.lines != 4 || pr.lastLine != "last complete" || string(pr.partial) != "unfinished" {
				t.Fatalf("pieces cut at %d and %d: lines %d last %q partial %q; want 4, \"last complete\", \"unfinished\"",
					cut1, cut2, pr.lines, pr.lastLine, string(pr.partial))
			}
		}
	}
}
