package mcp

import (
	"fmt"
	"strings"
)

// decodeEscapes turns the backslash escapes agents write into send_input's
// input_text into the bytes a terminal would send: \n \r \t \\ \e (ESC),
// \a \b \0 and \xNN (any byte, so \x03 is Ctrl+C and \x04 is Ctrl+D). A
// backslash before any other character is kept as typed, so Windows paths
// and regexes survive. A malformed \x is an error, because guessing would
// send the wrong bytes to a live program.
func decodeEscapes(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '\\':
			b.WriteByte('\\')
		case 'e':
			b.WriteByte(0x1b)
		case 'a':
			b.WriteByte(0x07)
		case 'b':
			b.WriteByte(0x08)
		case '0':
			b.WriteByte(0x00)
		case 'x':
			v, ok := hexByte(s[i+1:])
			if !ok {
				return "", fmt.Errorf(`input_text has a malformed \x escape at byte %d: write exactly two hex digits, for example \x03 for Ctrl+C`, i-1)
			}
			b.WriteByte(v)
			i += 2
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}

// hexByte parses the two hex digits at the start of s.
func hexByte(s string) (byte, bool) {
	if len(s) < 2 {
		return 0, false
	}
	hi, ok1 := hexDigit(s[0])
	lo, ok2 := hexDigit(s[1])
	return hi<<4 | lo, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
