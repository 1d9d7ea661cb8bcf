package mcp

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// outputSource is the live output of a command (devices.Command).
type outputSource interface {
	Output(offset int64, max int) (text string, next int64, err error)
}

// outputWindow is the part of a command's output that one response
// carries.
type outputWindow struct {
	Text      string
	Offset    int64 // where Text starts in the command's output
	Next      int64 // where the next page starts
	Truncated bool  // bytes were left out of Text
	Omitted   int64 // how many
}

// page returns at most max bytes of output from offset, cut back to a
// whole UTF-8 character so that a page never ends inside one. A range the
// output cap dropped is named in the text and skipped.
func page(src outputSource, offset int64, max int) (outputWindow, error) {
	text, next, err := src.Output(offset, max)
	if errors.Is(err, expect.ErrDropped) && next > offset {
		rest, err := page(src, next, max)
		if err != nil {
			return outputWindow{}, err
		}
		rest.Text = fmt.Sprintf("[... bytes %d to %d were dropped to respect the per-command output cap ...]\n", offset, next) + rest.Text
		rest.Offset, rest.Truncated, rest.Omitted = offset, true, rest.Omitted+next-offset
		return rest, nil
	}
	if err != nil {
		return outputWindow{}, err
	}
	if cut := incompleteTail(text); cut > 0 && len(text) > cut {
		text = text[:len(text)-cut]
		next -= int64(cut)
	}
	return outputWindow{Text: text, Offset: offset, Next: next}, nil
}

// window returns all output from offset when it fits in limit bytes, or
// else its head and its tail with a line between them that says what was
// cut and how to page through it with get_command_status. total is the
// output produced so far.
func window(src outputSource, id string, offset, total int64, limit int) (outputWindow, error) {
	if offset > total {
		offset = total
	}
	if total-offset <= int64(limit) {
		return page(src, offset, limit)
	}
	half := limit / 2
	head, err := page(src, offset, half)
	if err != nil {
		return outputWindow{}, err
	}
	tailFrom := total - int64(half)
	tail, err := page(src, tailFrom, half)
	if err != nil {
		return outputWindow{}, err
	}
	skip := leadingContinuation(tail.Text)
	tailText, tailFrom := tail.Text[skip:], tailFrom+int64(skip)
	omitted := tailFrom - head.Next
	notice := fmt.Sprintf("\n[... %d bytes of output cut here (offsets %d to %d); page through them with get_command_status command_id=%q offset=%d max_bytes=%d ...]\n",
		omitted, head.Next, tailFrom, id, head.Next, limit)
	return outputWindow{
		Text:      head.Text + notice + tailText,
		Offset:    offset,
		Next:      total,
		Truncated: true,
		Omitted:   omitted,
	}, nil
}

// incompleteTail is the number of bytes at the end of s that start a
// UTF-8 character without finishing it.
func incompleteTail(s string) int {
	for i := 1; i < utf8.UTFMax && i <= len(s); i++ {
		if utf8.RuneStart(s[len(s)-i]) {
			if utf8.FullRuneInString(s[len(s)-i:]) {
				return 0
			}
			return i
		}
	}
	return 0
}

// leadingContinuation is the number of bytes at the start of s that
// continue a character begun before s.
func leadingContinuation(s string) int {
	n := 0
	for n < len(s) && n < utf8.UTFMax-1 && !utf8.RuneStart(s[n]) {
		n++
	}
	return n
}
