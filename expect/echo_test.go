package expect

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestExpectEchoRemoval(t *testing.T) {
	junosPrompt := re(`(?m)^user@r1> \z`)
	cases := []struct {
		name    string
		opts    Options
		chunks  []string
		echo    string
		pattern Pattern
		capture string // what Capture must hold
		before  string
	}{
		{
			name:    "junos pads the echo",
			chunks:  []string{"show version      \r\n", "Junos: 21.4R3\r\n\r\n", "user@r1> "},
			echo:    "show version\n",
			pattern: junosPrompt,
			capture: "Junos: 21.4R3\n\n",
		},
		{
			name:    "terminal inserts CR LF while wrapping",
			chunks:  []string{"show interfaces te\r\nrse ge-0/0/0\r\n", "ge-0/0/0 up up\r\nR1#"},
			echo:    "show interfaces terse ge-0/0/0",
			pattern: iosPrompt,
			capture: "ge-0/0/0 up up\n",
		},
		{
			name:    "line editor wraps with blank and CR",
			opts:    Options{Columns: 10},
			chunks:  []string{"show inte", "r \rfaces\r\n", "up\r\nR1#"},
			echo:    "show interfaces",
			pattern: iosPrompt,
			capture: "up\n",
		},
		{
			name:    "character echo redrawn after CR",
			chunks:  []string{"s", "h", "\rshow ver\r\n", "IOS 15.2\r\nR1#"},
			echo:    "show ver",
			pattern: iosPrompt,
			capture: "IOS 15.2\n",
		},
		{
			name:    "echo off: nothing dropped, search after the first line",
			chunks:  []string{"R1# in output\r\nmore\r\n", "R1#"},
			echo:    "show run",
			pattern: iosPrompt,
			capture: "R1# in output\nmore\n",
		},
		{
			name:    "log line before the echo",
			chunks:  []string{"%SYS-5-CONFIG_I: Configured\r\nshow clock\r\n*10:00\r\nR1#"},
			echo:    "show clock",
			pattern: iosPrompt,
			capture: "%SYS-5-CONFIG_I: Configured\n*10:00\n",
		},
		{
			name:    "rest of a line stays in Before",
			chunks:  []string{"copy run start\r\n", "Destination filename [startup-config]? "},
			echo:    "copy run start",
			pattern: lit("? "),
			before:  "Destination filename [startup-config]",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, r := newPiped(t, tc.opts)
			feed(t, r.Remote, tc.chunks...)
			out := NewOutput(0)
			m := mustExpect(t, e, []Pattern{tc.pattern}, ExpectOptions{Capture: out, Echo: tc.echo})
			if got := out.String(); got != tc.capture {
				t.Errorf("capture %q, want %q", got, tc.capture)
			}
			if m.Before != tc.before {
				t.Errorf("Before %q, want %q", m.Before, tc.before)
			}
		})
	}
}

func TestExpectEchoNeverMatches(t *testing.T) {
	// The pattern is part of the echo; the echo arrives alone first.
	e, r := newPiped(t, Options{})
	feed(t, r.Remote, "echo do", "ne", "\r\n", "done\r\n$ ")
	m := mustExpect(t, e, []Pattern{lit("done")}, ExpectOptions{Echo: "echo done"})
	if m.Before != "" || e.Pending() != "\n$ " {
		t.Fatalf("matched inside the echo: Before %q, pending %q", m.Before, e.Pending())
	}
}

func TestExpectEchoOneBytePerRead(t *testing.T) {
	stream := "\x1b[?2004luser@h:~$ ls -l /tmp    \r\ntotal 0\r\nuser@h:~$ "
	e := New(iotest.OneByteReader(strings.NewReader(stream)), &syncBuffer{}, Options{})
	t.Cleanup(func() { e.Close() })
	mustExpect(t, e, []Pattern{lit("$ ")}, ExpectOptions{})
	m := mustExpect(t, e, []Pattern{re(`(?m)^user@h:~\$ \z`)}, ExpectOptions{Echo: "ls -l /tmp\n"})
	if m.Before != "total 0\n" {
		t.Fatalf("Before %q", m.Before)
	}
}

func TestFindEcho(t *testing.T) {
	cases := []struct {
		text, echo string
		start, end int
		res        echoResult
	}{
		{"show ver\n", "show ver", 0, 8, echoFound},
		{"R1#show ver", "show ver", 3, 11, echoFound},
		{"show v\nersion", "show version", 0, 13, echoFound},
		{"show v  \nersion", "show version", 0, 15, echoFound},
		{"show v", "show version", 0, 0, echoPartial},
		{"show v  ", "show version", 0, 0, echoPartial},
		{"output\n", "show version", 0, 0, echoNone},
		{"sh\nxyz", "show", 0, 0, echoNone},
		{"", "show", 0, 0, echoNone},
	}
	for _, tc := range cases {
		s, e, res := findEcho(tc.text, tc.echo)
		if res != tc.res || (res == echoFound && (s != tc.start || e != tc.end)) {
			t.Errorf("findEcho(%q, %q) = %d, %d, %v; want %d, %d, %v", tc.text, tc.echo, s, e, res, tc.start, tc.end, tc.res)
		}
	}
}

func TestExpectEchoCarriesOverTimedOutSlices(t *testing.T) {
	e, r := newPiped(t, Options{})
	out := NewOutput(0)
	if _, err := e.Expect(testCtx(t), []Pattern{iosPrompt}, ExpectOptions{Timeout: 20 * time.Millisecond, Capture: out, Echo: "show clock"}); !errors.Is(err, ErrTimeout) {
		t.Fatalf("first slice: %v, want a timeout", err)
	}
	feed(t, r.Remote, "show clock\r\n*10:00\r\nR1#")
	m := mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{Capture: out})
	if out.String() != "*10:00\n" || m.Before != "" {
		t.Fatalf("capture %q Before %q: the echo of the first slice was not removed", out.String(), m.Before)
	}
}

func TestExpectNilOutputMeansNoCapture(t *testing.T) {
	e, r := newPiped(t, Options{})
	feed(t, r.Remote, "a\r\nR1#")
	var out *Output
	m := mustExpect(t, e, []Pattern{iosPrompt}, ExpectOptions{Capture: out})
	if m.Before != "a\n" {
		t.Fatalf("Before %q", m.Before)
	}
}

func TestExpectPagerErasedAfterMatch(t *testing.T) {
	e, r := newPiped(t, Options{})
	out := NewOutput(0)
	pager := re(` --More-- \z`)
	feed(t, r.Remote, "show run\r\nline1\r\n --More-- ")
	m := mustExpect(t, e, []Pattern{iosPrompt, pager}, ExpectOptions{Capture: out, Echo: "show run"})
	if m.Index != 1 || m.Before != "" {
		t.Fatalf("first wait: index %d Before %q", m.Index, m.Before)
	}
	// The device erases its pager line, then goes on over the same row.
	feed(t, r.Remote, "\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b", "line2\r\nR1#")
	m = mustExpect(t, e, []Pattern{iosPrompt, pager}, ExpectOptions{Capture: out})
	if m.Index != 0 || out.String() != "line1\nline2\n" {
		t.Fatalf("second wait: index %d, capture %q", m.Index, out.String())
	}
}

// Real transcripts of bash 5 and zsh 5 on a 20-column terminal, typed one
// key at a time: bash wraps the long line with " \r"; zsh prints its
// end-of-line mark, redraws the prompt and echoes the first key twice.
const (
	bash20 = "\x1b[?2004hP$ echoaaaaaaaaaaaaa \raaaaaaaaaaaa\r\n\x1b[?2004l\rbash: echoaaaaaaaaaaaaaaaaaaaaaaaaa: command not found\r\n\x1b[?2004hP$ "
	zsh20  = "\x1b[1m\x1b[7m#\x1b[27m\x1b[1m\x1b[0m                   \r \r\r\x1b[0m\x1b[27m\x1b[24m\x1b[JZ% \x1b[K\x1b[?2004hp\x08printf_abc\x1b[?2004l\r\r\nzsh: command not found: printf_abc\r\n\x1b[1m\x1b[7m#\x1b[27m\x1b[1m\x1b[0m                   \r \r\r\x1b[0m\x1b[27m\x1b[24m\x1b[JZ% \x1b[K\x1b[?2004h"
)

func TestExpectRealShellTranscripts(t *testing.T) {
	cases := []struct {
		name, raw, first, echo string
		prompt                 Pattern
		capture                string
	}{
		{"bash", bash20, "P$ ", "echoaaaaaaaaaaaaaaaaaaaaaaaaa", re(`(?m)^P\$ \z`), "bash: echoaaaaaaaaaaaaaaaaaaaaaaaaa: command not found\n"},
		{"zsh", zsh20, "\x1b[?2004h", "printf_abc", re(`(?m)^Z% \z`), "zsh: command not found: printf_abc\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, r := newPiped(t, Options{Columns: 20})
			cut := strings.Index(tc.raw, tc.first) + len(tc.first)
			feed(t, r.Remote, tc.raw[:cut])
			if m := mustExpect(t, e, []Pattern{tc.prompt}, ExpectOptions{}); m.Before != "" {
				t.Errorf("first prompt: Before %q, want nothing (the end-of-line mark is erased)", m.Before)
			}
			// The rest arrives one byte per write, as typed keys echo.
			rest := make([]string, 0, len(tc.raw)-cut)
			for i := cut; i < len(tc.raw); i++ {
				rest = append(rest, tc.raw[i:i+1])
			}
			feed(t, r.Remote, rest...)
			out := NewOutput(0)
			m := mustExpect(t, e, []Pattern{tc.prompt}, ExpectOptions{Capture: out, Echo: tc.echo + "\n"})
			if out.String() != tc.capture || m.Before != "" {
				t.Errorf("capture %q Before %q, want %q", out.String(), m.Before, tc.capture)
			}
		})
	}
}

// With DropBeforeEcho, a line the other side printed before the echo (a
// log message between two commands, read together with the echo) is
// neither output nor Before.
func TestExpectDropBeforeEcho(t *testing.T) {
	for _, drop := range []bool{false, true} {
		e, r := newPiped(t, Options{})
		feed(t, r.Remote, "\r\n%LINK-3-UPDOWN: Interface Gi0/1, changed state to up\r\nR1#show clock\r\n", "12:00:00 UTC\r\nR1#")
		var out strings.Builder
		m := mustExpect(t, e, []Pattern{re(`(?m)^R1#\z`)}, ExpectOptions{Echo: "show clock", Capture: &out, DropBeforeEcho: drop})
		got := out.String() + m.Before
		if drop && got != "12:00:00 UTC\n" {
			t.Errorf("DropBeforeEcho: output %q, want the command's line only", got)
		}
		if !drop && !strings.Contains(got, "%LINK-3-UPDOWN") {
			t.Errorf("without DropBeforeEcho the earlier line is kept; output %q", got)
		}
	}
}

// crWatcher is the far side of a stream that answers as soon as bytes
// arrive: while they are being written it asks the expecter what was sent
// last, as a driver reading a quick reply does.
type crWatcher struct {
	e    *Expecter
	seen []bool
}

func (w *crWatcher) Write(p []byte) (int, error) {
	w.seen = append(w.seen, w.e.EndsInCR())
	return len(p), nil
}

// EndsInCR already tells the truth while the bytes are on their way: a
// reply can be read and acted on before the writing goroutine runs again,
// and a line feed sent after a carriage return would join its Enter.
func TestEndsInCRDuringTheWrite(t *testing.T) {
	pr, pw := io.Pipe()
	w := &crWatcher{}
	e := New(pr, w, Options{})
	w.e = e
	t.Cleanup(func() { pw.Close(); e.Close() })
	if err := e.Send(testCtx(t), "y\r"); err != nil {
		t.Fatal(err)
	}
	if err := e.Send(testCtx(t), "show clock\n"); err != nil {
		t.Fatal(err)
	}
	if len(w.seen) != 2 || !w.seen[0] || w.seen[1] {
		t.Fatalf("EndsInCR during the writes of \"y\\r\" and \"show clock\\n\": %v, want [true false]", w.seen)
	}
}
