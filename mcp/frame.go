package mcp

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"regexp"
)

// DefaultMaxMessage is the largest message the stdio server reads: the
// biggest legitimate request, a write_file of the 2 MiB cap in base64, is
// under 3 MiB.
const DefaultMaxMessage = 8 << 20

// tooLongError is a line longer than the cap; its bytes were discarded.
type tooLongError struct{ size int64 }

func (e *tooLongError) Error() string { return "message too long" }

// lineReader splits stdin into newline-delimited messages, holding at
// most max bytes of one: mcp-go's reader (bufio.ReadString) holds a whole
// line however long, so a 256 MiB line cost a gigabyte.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
	// lastID is the id of the last line that was too long, when its head
	// or tail shows one, else null: the error then reaches the request.
	lastID json.RawMessage
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next non-empty line without its line ending. The slice
// is valid until the next call. A line over the cap returns a
// *tooLongError after its bytes up to the newline were read and dropped.
// At the end of input it returns io.EOF (after a last unterminated line).
func (l *lineReader) next() ([]byte, error) {
	for {
		line, err := l.one()
		if err != nil {
			return nil, err
		}
		if len(trimEOL(line)) > 0 {
			return trimEOL(line), nil
		}
	}
}

// one reads one line, empty or not.
func (l *lineReader) one() ([]byte, error) {
	l.buf = l.buf[:0]
	var size int64
	var head, tail []byte
	over := false
	for {
		chunk, err := l.r.ReadSlice('\n')
		size += int64(len(chunk))
		if !over && len(l.buf)+len(chunk) > l.max+2 { // +2: the line ending
			over = true
			head = append(head, l.buf[:min(len(l.buf), sniffLen)]...)
			head = append(head, chunk[:min(len(chunk), sniffLen-len(head))]...)
			l.buf = l.buf[:0]
		}
		if !over {
			l.buf = append(l.buf, chunk...)
		} else {
			tail = append(tail, chunk[max(0, len(chunk)-sniffLen):]...)
			tail = tail[max(0, len(tail)-sniffLen):]
		}
		switch {
		case err == nil:
			if over {
				l.lastID = sniffID(head, tail)
				return nil, &tooLongError{size: size}
			}
			return l.buf, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if over {
				l.lastID = sniffID(head, tail)
				return nil, &tooLongError{size: size}
			}
			if len(l.buf) > 0 {
				return l.buf, nil
			}
			return nil, io.EOF
		default:
			return nil, err
		}
	}
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// sniffLen is how much of the head and of the tail of a line too long to
// read is kept to find its id.
const sniffLen = 1 << 10

var (
	// headID is an id among the first members, before params.
	headID = regexp.MustCompile(`^\s*\{[^{}\[\]]*?"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)`)
	// tailID is an id as the last member of the object.
	tailID = regexp.MustCompile(`[,{]\s*"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)\s*\}\s*$`)
)

// sniffID finds the id of a message from its head and tail, or null.
func sniffID(head, tail []byte) json.RawMessage {
	for _, m := range [][][]byte{headID.FindSubmatch(head), tailID.FindSubmatch(tail)} {
		if m != nil {
			return append(json.RawMessage(nil), m[1]...)
		}
	}
	return nullID
}
