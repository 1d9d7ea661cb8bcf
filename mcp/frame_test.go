package mcp

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestLineReaderCapsALine(t *testing.T) {
	long := `{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"x":"` + strings.Repeat("a", 5000) + `"}}`
	tail := `{"jsonrpc":"2.0","method":"tools/call","params":{"x":"` + strings.Repeat("b", 5000) + `"},"id":"t"}`
	in := "first\r\n\n" + long + "\n" + tail + "\n" + strings.Repeat("c", 3000) + "\nlast"
	lr := newLineReader(iotest.OneByteReader(strings.NewReader(in)), 1024)
	want := []string{"first", "too long: 17", "too long: \"t\"", "too long: null", "last"}
	for i, w := range want {
		line, err := lr.next()
		var long *tooLongError
		got := string(line)
		if errors.As(err, &long) {
			got = "too long: " + string(lr.lastID)
		} else if err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if got != w {
			t.Errorf("line %d = %q, want %q", i, got, w)
		}
	}
	if _, err := lr.next(); err != io.EOF {
		t.Errorf("after the last line: %v, want EOF", err)
	}
}
