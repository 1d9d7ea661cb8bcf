package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// The reading side of the stdio transport: stdin is read to its end
// whatever the client reads, and handed to dispatch in order.

// readLoop dispatches messages until EOF, a read error, or the writer
// failing (the client is gone).
func (c *conn) readLoop(ctx context.Context, in io.Reader) error {
	lines := make(chan inLine, readAheadLines)
	// stop ends a wait for room in the output: at shutdown, and at the
	// end of stdin, when a client that reads nothing more would keep the
	// server waiting for ever.
	stop, eof := make(chan struct{}), make(chan struct{})
	var readErr error
	go func() {
		readErr = c.readAhead(in, lines)
		close(eof)
		close(lines)
	}()
	go func() {
		select {
		case <-ctx.Done():
		case <-eof:
		}
		close(stop)
	}()
	for {
		var l inLine
		var ok bool
		select {
		case l, ok = <-lines:
		case <-ctx.Done():
			return nil
		}
		if !ok {
			return readErr // the channel's close orders the write before this read
		}
		room := c.out.waitRoom(stop)
		c.readAheadBytes.Add(-int64(len(l.msg)))
		if !room {
			return nil
		}
		if l.tooLong != nil {
			c.refuseLong(l)
			continue
		}
		c.dispatch(ctx, l.msg)
	}
}

// inLine is one message read ahead of its dispatch.
type inLine struct {
	msg     []byte
	tooLong *tooLongError
	id      json.RawMessage // of a line too long, when it could be found
}

// readAhead reads stdin into lines until EOF, always: a client that
// closes stdin must end the server even while its responses wait for it
// to read them. What cannot be held (the read-ahead is full because
// the client reads no responses) is dropped and logged.
func (c *conn) readAhead(in io.Reader, lines chan<- inLine) error {
	lr := newLineReader(in, c.maxMessage)
	dropped := 0
	for {
		line, err := lr.next()
		var long *tooLongError
		var l inLine
		switch {
		case errors.As(err, &long):
			c.log.Warn("message refused: too long", "bytes", long.size, "max", c.maxMessage)
			l = inLine{tooLong: long, id: lr.lastID}
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("mcp: reading stdin: %w", err)
		default:
			l = inLine{msg: append([]byte(nil), line...)}
		}
		if !c.admit(l, lines) {
			if dropped++; dropped == 1 || dropped%1000 == 0 {
				c.log.Warn("message dropped: the client reads no responses and has sent more than the server holds", "dropped", dropped)
			}
		}
	}
}

// admit hands l to the dispatcher, waiting while the read-ahead is full
// and the dispatcher works. It drops l (false) when the read-ahead is full
// because the output is: then the client reads nothing, and waiting would
// keep the server from seeing stdin end.
func (c *conn) admit(l inLine, lines chan<- inLine) bool {
	for {
		if c.readAheadBytes.Load()+int64(len(l.msg)) <= readAheadBytes {
			c.readAheadBytes.Add(int64(len(l.msg)))
			select {
			case lines <- l:
				return true
			default:
			}
			c.readAheadBytes.Add(-int64(len(l.msg)))
		}
		if c.out.full() {
			return false
		}
		time.Sleep(admitPoll)
	}
}

// refuseLong answers a message over the size cap.
func (c *conn) refuseLong(l inLine) {
	c.reply(&rpcError{id: l.id, code: codeInvalidRequest, msg: fmt.Sprintf(
		"Invalid Request: the message is %d bytes, more than the %d bytes (%d MiB) this server reads in one message; it was discarded. "+
			"Send less per call: write_file takes at most %d bytes, and a long script is better uploaded with write_file in parts (append=true) and run.",
		l.tooLong.size, c.maxMessage, c.maxMessage>>20, c.srv.deps.fileCap)})
}
