package mcp

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// textSource serves a fixed string the way devices.Command serves output.
type textSource string

func (s textSource) Output(offset int64, max int) (string, int64, error) {
	if offset > int64(len(s)) {
		offset = int64(len(s))
	}
	end := min(offset+int64(max), int64(len(s)))
	return string(s[offset:end]), end, nil
}

func TestWindowFits(t *testing.T) {
	src := textSource("line one\nline two\n")
	w, err := window(src, "id", 0, int64(len(src)), 64)
	if err != nil {
		t.Fatal(err)
	}
	if w.Text != string(src) || w.Truncated || w.Next != int64(len(src)) {
		t.Errorf("window = %+v, want all of %q untruncated", w, src)
	}
}

func TestWindowKeepsHeadAndTail(t *testing.T) {
	body := "HEAD\n" + strings.Repeat("middle line\n", 1000) + "TAIL\n"
	src := textSource(body)
	w, err := window(src, "abc", 0, int64(len(body)), 200)
	if err != nil {
		t.Fatal(err)
	}
	if !w.Truncated {
		t.Fatalf("window of %d bytes with limit 200 not truncated", len(body))
	}
	if !strings.HasPrefix(w.Text, "HEAD\n") || !strings.HasSuffix(w.Text, "TAIL\n") {
		t.Errorf("window lost head or tail: %q", w.Text)
	}
	if want := `get_command_status command_id="abc" offset=100 max_bytes=200`; !strings.Contains(w.Text, want) {
		t.Errorf("window notice missing %q in %q", want, w.Text)
	}
	if kept := int64(len(body)) - w.Omitted; kept != 200 {
		t.Errorf("kept %d bytes, want 200", kept)
	}
}

func TestWindowFromOffset(t *testing.T) {
	src := textSource("0123456789")
	w, err := window(src, "id", 4, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if w.Text != "456789" || w.Offset != 4 || w.Next != 10 {
		t.Errorf("window from 4 = %+v, want %q from 4 to 10", w, "456789")
	}
}

func TestPageNeverSplitsACharacter(t *testing.T) {
	body := strings.Repeat("é€😀", 50)
	for max := 1; max < 20; max++ {
		for off := int64(0); off < int64(len(body)); {
			p, err := page(textSource(body), off, max+3)
			if err != nil {
				t.Fatal(err)
			}
			if !utf8.ValidString(p.Text) {
				t.Fatalf("page(%d, %d) = %q: not valid UTF-8", off, max+3, p.Text)
			}
			if p.Next <= off {
				t.Fatalf("page(%d, %d) did not advance (next %d)", off, max+3, p.Next)
			}
			off = p.Next
		}
	}
	w, err := window(textSource(body), "id", 0, int64(len(body)), 51)
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(w.Text) {
		t.Errorf("window = %q: not valid UTF-8", w.Text)
	}
}

// droppedSource serves "HEAD" then, after a dropped middle, "TAIL", the way
// expect.Output reads after its cap was hit.
type droppedSource struct{}

func (droppedSource) Output(offset int64, max int) (string, int64, error) {
	const head, tailStart, total = "HEAD", 1000, 1004
	switch {
	case offset < 4:
		end := min(int(offset)+max, 4)
		return head[offset:end], int64(end), nil
	case offset < tailStart:
		return "", tailStart, fmt.Errorf("%w: gone", expect.ErrDropped)
	}
	return "TAIL"[offset-tailStart:], total, nil
}

func TestPageSkipsDroppedOutput(t *testing.T) {
	p, err := page(droppedSource{}, 4, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Text, "bytes 4 to 1000 were dropped") || !strings.HasSuffix(p.Text, "TAIL") || p.Next != 1004 {
		t.Errorf("page over a dropped range = %+v", p)
	}
	w, err := window(droppedSource{}, "id", 0, 1004, 40)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(w.Text, "HEAD") || !strings.HasSuffix(w.Text, "TAIL") {
		t.Errorf("window over a dropped range = %q", w.Text)
	}
}
