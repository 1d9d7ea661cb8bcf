package approve

import (
	"fmt"
	"strings"
	"unicode"
)

// Visible makes text safe to show a person: control characters other
// than newline and tab, and the invisible marks that reorder or hide text
// (bidirectional overrides, zero-width characters), are shown as \u{XXXX}
// escapes, so that what the person reads is what will be typed, and
// nothing in it can move a terminal's cursor or recolour its screen.
func Visible(text string) string {
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == unicode.ReplacementChar, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, `\u{%04X}`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
