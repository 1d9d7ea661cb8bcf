package mcp

import "testing"

func TestDecodeEscapes(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain", "plain"},
		{`yes\n`, "yes\n"},
		{`a\r\nb`, "a\r\nb"},
		{`\t`, "\t"},
		{`C:\\temp`, `C:\temp`},
		{`\x03`, "\x03"},
		{`\x1B[A`, "\x1b[A"},
		{`\e[B`, "\x1b[B"},
		{`\0`, "\x00"},
		{`\d+`, `\d+`},
		{`trailing\`, `trailing\`},
		{"real\nnewline", "real\nnewline"},
		{`\xff`, "\xff"},
	}
	for _, tt := range tests {
		got, err := decodeEscapes(tt.in)
		if err != nil {
			t.Errorf("decodeEscapes(%q) error: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("decodeEscapes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecodeEscapesRejectsMalformedHex(t *testing.T) {
	for _, in := range []string{`\x`, `\x3`, `\xZZ`, `ok\x0g`} {
		if got, err := decodeEscapes(in); err == nil {
			t.Errorf("decodeEscapes(%q) = %q, want an error", in, got)
		}
	}
}
