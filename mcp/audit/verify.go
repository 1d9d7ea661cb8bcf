package audit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxLine bounds one line Verify reads.
const maxLine = 4 << 20

// VerifyError names the first line of a log that does not fit the chain.
type VerifyError struct {
	Line int    // 1-based line number
	Seq  uint64 // the seq the line should carry
	Msg  string // what is wrong with it
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("line %d (record seq %d): %s", e.Line, e.Seq, e.Msg)
}

// Verify reads a whole log and checks every line: its own hash, that its
// prev is the hash of the line before (64 zeros for the first), and that
// seq counts up by one from 1. It returns how many records it read, and a
// *VerifyError for the first line that does not fit, or the read error.
// It blocks until r ends.
func Verify(r io.Reader) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	prev, n := zeroHash, 0
	for {
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		want := uint64(n + 1)
		fail := func(format string, args ...any) (int, error) {
			return n, &VerifyError{Line: n + 1, Seq: want, Msg: fmt.Sprintf(format, args...)}
		}
		switch {
		case errors.Is(err, errNoNewline):
			return fail("is cut short: the file does not end with a newline")
		case errors.Is(err, errTooLong):
			return fail("is longer than %d bytes", maxLine)
		case err != nil:
			return n, err
		}
		h, err := check(line)
		switch {
		case err != nil:
			return fail("%v", err)
		case *h.Prev != prev:
			return fail("its prev is not the hash of the line before: a line before it was changed, removed or moved")
		case *h.Seq != want:
			return fail("has seq %d where %d was due: records are missing or out of order", *h.Seq, want)
		}
		prev, n = lineHash(line), n+1
	}
}

var (
	errNoNewline = errors.New("no newline")
	errTooLong   = errors.New("line too long")
)

// readLine returns the next line without its newline.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, errTooLong
		}
		switch {
		case err == nil:
			return bytes.TrimSuffix(line, []byte("\n")), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) == 0:
			return nil, io.EOF
		case errors.Is(err, io.EOF):
			return nil, errNoNewline
		default:
			return nil, err
		}
	}
}
