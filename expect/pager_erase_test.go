package expect

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPagerErasedOverIndentedLine: a pager prompt that starts with a
// blank (IOS and EOS " --More-- ") is consumed as a match and then erased
// with backspaces, blanks and backspaces. The indented line drawn over
// it next is output from its first column: the blank the erasure wrote
// over the pager's own blank is no redraw of the consumed prompt.
func TestPagerErasedOverIndentedLine(t *testing.T) {
	const after = "\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b   no switchport\r\n!\r\nR1#"
	for _, pager := range []string{` --More-- \z`, `[ \t]*--More--\s*\z`} {
		for _, split := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s split %v", pager, split), func(t *testing.T) {
				e, r := newPiped(t, Options{})
				feed(t, r.Remote, "interface Ethernet1\r\n --More-- ")
				m := mustExpect(t, e, []Pattern{iosPrompt, re(pager)}, ExpectOptions{Timeout: 5 * time.Second})
				if m.Index != 1 {
					t.Fatalf("matched %d (%q), want the pager", m.Index, m.Text)
				}
				chunks := []string{after}
				if split { // the erasure and the line one byte per write
					chunks = strings.Split(after, "")
				}
				feed(t, r.Remote, chunks...)
				m = mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{Timeout: 5 * time.Second})
				if m.Before != "   no switchport\n!\n" {
					t.Errorf("after the erased pager: Before %q, want the indented line whole", m.Before)
				}
			})
		}
	}
}
