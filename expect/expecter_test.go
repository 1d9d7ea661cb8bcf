package expect

import (
	"strings"
	"testing"
	"testing/iotest"
)

func TestExpectPromptSplitAcrossReads(t *testing.T) {
	stream := "Router banner # not a prompt >\r\nR1>en\r\nR1#"
	e := New(iotest.OneByteReader(strings.NewReader(stream)), &syncBuffer{}, Options{})
	t.Cleanup(func() { e.Close() })
	m := mustExpect(t, e, []Pattern{re(`(?m)^R1#\s*\z`)}, ExpectOptions{})
	if m.Text != "R1#" || m.Before != "Router banner # not a prompt >\nR1>en\n" {
		t.Fatalf("got Text %q Before %q", m.Text, m.Before)
	}
}

func TestExpectCaptureAndEcho(t *testing.T) {
	e, r := newPiped(t, Options{})
	feed(t, r.Remote, "show ver", "sion   \r\n", "line 1\r\nline 2\r\npartial", " end\r\nR1#")
	out := NewOutput(0)
	m := mustExpect(t, e, []Pattern{re(`(?m)^R1#\s*\z`)}, ExpectOptions{Capture: out, Echo: "show version\n"})
	if got, want := out.String(), "line 1\nline 2\npartial end\n"; got != want {
		t.Errorf("capture %q, want %q", got, want)
	}
	if m.Before != "" || m.Text != "R1#" {
		t.Errorf("Before %q Text %q", m.Before, m.Text)
	}
}
