package profiles

import (
	"fmt"
	"strings"
)

// LoadError is one problem found in a profile file, with where it is and
// what to do about it.
type LoadError struct {
	File  string // the file path or, for Parse, the name given; never empty
	Line  int    // 1-based; zero when the problem has no single line
	Field string // the field path, for example "modes[1].prompt"; "" for the whole file
	Msg   string // what is wrong
	Hint  string // what to do about it; "" when there is nothing to add
}

// Error formats the problem as "file:line: field: msg (hint)", leaving out
// the parts that are zero.
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		fmt.Fprintf(&b, " (%s)", e.Hint)
	}
	return b.String()
}

// LoadErrors flattens err (as returned by Parse or LoadFile) into its
// individual *LoadError values, in file order. Errors of other types are
// kept as they are.
func LoadErrors(err error) []error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range joined.Unwrap() {
			out = append(out, LoadErrors(e)...)
		}
		return out
	}
	return []error{err}
}
