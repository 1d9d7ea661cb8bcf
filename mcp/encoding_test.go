package mcp

import (
	"testing"
)

func TestDecodeText(t *testing.T) {
	data := []byte("ok \xff\xfe é")
	tests := []struct {
		mode, want string
		fails      bool
	}{
		{"replace", "ok \uFFFD\uFFFD é", false},
		{"", "ok \uFFFD\uFFFD é", false},
		{"ignore", "ok  é", false},
		{"strict", "", true},
	}
	for _, tt := range tests {
		got, err := decodeText(data, tt.mode)
		if (err != nil) != tt.fails || got != tt.want {
			t.Errorf("decodeText(%q, %q) = %q, %v; want %q (error %v)", data, tt.mode, got, err, tt.want, tt.fails)
		}
	}
}

func TestContentRoundTrip(t *testing.T) {
	bin := []byte{0, 1, 2, 0xff, '\n'}
	enc, err := encodeContent(bin, encBase64, "")
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeContent(enc, encBase64)
	if err != nil || string(back) != string(bin) {
		t.Errorf("base64 round trip: %q, %v", back, err)
	}
	if _, err := decodeContent("%%%", encBase64); err == nil {
		t.Error("decodeContent accepted invalid base64")
	}
	if _, err := normEncoding("latin-1"); err == nil {
		t.Error("normEncoding accepted latin-1")
	}
	if got, err := normEncoding("UTF8"); err != nil || got != encUTF8 {
		t.Errorf("normEncoding(UTF8) = %q, %v", got, err)
	}
}
