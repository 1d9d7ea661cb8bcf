package devsim

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// Control bytes the line editor knows.
const (
	keyCtrlC     = 0x03
	keyBackspace = 0x08
	keyCtrlU     = 0x15
	keyCtrlZ     = 0x1a
	keyEsc       = 0x1b
	keyDel       = 0x7f
)

// naturalWrite is the buffered output size that triggers a write when no
// ChunkSize is set.
const naturalWrite = 1024

// Input limits, like a device's: a command line longer than maxLine is
// cut (the rest is not echoed), and typeahead beyond maxPending is dropped
// except for interrupt keys.
const (
	maxLine    = 16 << 10
	maxPending = 64 << 10
)

// queue adds received input to the typeahead.
func (s *session) queue(chunk []byte) {
	if len(s.pending)+len(chunk) <= maxPending {
		s.pending = append(s.pending, chunk...)
		return
	}
	if i := bytes.IndexAny(chunk, s.p.Interrupts); i >= 0 {
		s.pending = append(s.pending, chunk[i])
	}
}

// print queues device output; a lone "\n" becomes CRLF as on a terminal.
func (s *session) print(text string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	s.out.WriteString(strings.ReplaceAll(text, "\n", "\r\n"))
	if s.out.Len() >= naturalWrite {
		s.flush()
	}
}

// echo queues the echo of typed bytes; with CharEcho every byte is its
// own write, as a device echoing keystrokes one by one.
func (s *session) echo(b []byte) {
	if !s.opts.CharEcho {
		s.out.Write(b)
		return
	}
	s.flush()
	for i := range b {
		s.out.WriteByte(b[i])
		s.flush()
	}
}

// flush writes queued output, split into ChunkSize pieces when set, and
// held after each StallAt text that more output follows.
func (s *session) flush() error {
	if s.werr != nil {
		s.out.Reset()
		return s.werr
	}
	data := s.out.Bytes()
	for at := []byte(s.opts.StallAt); len(at) > 0 && s.werr == nil; {
		i := bytes.Index(data, at)
		if i < 0 || i+len(at) == len(data) {
			break
		}
		s.writeChunks(data[:i+len(at)])
		data = data[i+len(at):]
		select {
		case <-time.After(s.opts.StallFor):
		case <-s.ctx.Done():
		}
	}
	s.writeChunks(data)
	s.out.Reset()
	return s.werr
}

// writeChunks writes data in ChunkSize pieces; a failed write is kept in
// s.werr and ends the writing.
func (s *session) writeChunks(data []byte) {
	for len(data) > 0 && s.werr == nil {
		n := len(data)
		if s.opts.ChunkSize > 0 && n > s.opts.ChunkSize {
			n = s.opts.ChunkSize
		}
		if _, err := s.ch.Write(data[:n]); err != nil {
			s.werr = err
		}
		data = data[n:]
	}
}

// fill waits for more input, printing a due async message while the
// session sits at its prompt. It flushes output first: the client cannot
// answer what it has not seen.
func (s *session) fill() error {
	if err := s.flush(); err != nil {
		return errClosed
	}
	var timer <-chan time.Time
	if s.atPrompt && s.asyncTimer != nil {
		timer = s.asyncTimer.C
	}
	var notices <-chan string
	if s.atPrompt {
		notices = s.notices
	}
	select {
	case chunk, ok := <-s.in:
		if !ok {
			return errClosed
		}
		s.queue(chunk)
	case <-timer:
		s.printAsync()
	case text := <-notices:
		s.printNotice(text)
	case <-s.ctx.Done():
		return errClosed
	}
	return nil
}

// readKey returns the next input byte; CR LF counts as one Enter.
func (s *session) readKey() (byte, error) {
	for {
		for len(s.pending) == 0 {
			if err := s.fill(); err != nil {
				return 0, err
			}
		}
		b := s.pending[0]
		s.pending = s.pending[1:]
		if b == '\n' && s.lastCR {
			s.lastCR = false
			continue
		}
		s.lastCR = b == '\r'
		return b, nil
	}
}

// readPromptLine reads a command at the prompt, where async messages may
// interrupt and the line is reprinted after them.
func (s *session) readPromptLine() (string, error) {
	s.atPrompt = true
	defer func() { s.atPrompt = false }()
	return s.readLine(true)
}

// readLine is the line editor: echo (unless hidden), backspace, Ctrl+U,
// Ctrl+C, Ctrl+Z, and escape sequences ignored.
func (s *session) readLine(visible bool) (string, error) {
	s.line = s.line[:0]
	for {
		b, err := s.readKey()
		if err != nil {
			return "", err
		}
		switch {
		case b == '\r' || b == '\n':
			if visible && s.atPrompt && !s.mode.Plain {
				s.echo([]byte(s.p.EchoPad))
			}
			if visible && s.atPrompt && s.p.ColourEcho && !s.noColour {
				s.echo([]byte("\r" + s.prompt + colourWords(string(s.line))))
			}
			s.echo([]byte("\r\n"))
			return string(s.line), nil
		case b == keyDel || b == keyBackspace:
			if len(s.line) > 0 {
				s.line = s.line[:len(s.line)-1]
				if visible {
					s.echo([]byte("\b \b"))
				}
			}
		case b == keyCtrlU:
			if visible {
				s.echo(bytes.Repeat([]byte("\b \b"), len(s.line)))
			}
			s.line = s.line[:0]
		case b == keyCtrlC:
			s.line = s.line[:0]
			if !s.atPrompt {
				s.echo([]byte("\r\n")) // a dialogue is abandoned on a fresh line
			}
			return "", errInterrupted
		case b == keyCtrlZ && s.atPrompt && s.mode.CtrlZ && s.p.CtrlZ != "":
			s.line = s.line[:0]
			return "", errCtrlZ
		case b == keyEsc:
			if err := s.skipEscape(); err != nil {
				return "", err
			}
		case b == '?' && visible && s.atPrompt:
			s.showHelp()
		case b == ' ' && visible && s.completeOnSpace():
			// the completion was echoed with its space
		case b < 0x20 || len(s.line) >= maxLine:
			// other control keys do nothing on these devices
		default:
			s.line = append(s.line, b)
			if visible {
				s.echo([]byte{b})
			}
		}
	}
}

// colourWords renders a command line the way a CLI with syntax
// highlighting redraws it: each word in a colour of its own.
func colourWords(line string) string {
	var b strings.Builder
	for i, tok := range tokenize(line) {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "\x1b[m\x1b[%dm%s\x1b[m", 32+i%5, tok.text)
	}
	return b.String()
}

// showHelp answers '?' typed at the prompt as devices do: the possible
// next words, then the prompt and the line typed so far again.
func (s *session) showHelp() {
	s.echo([]byte("?"))
	s.print("\n")
	nodes := helpCandidates(s.srv.trees[s.mode.Name], string(s.line), s.p.FoldCase)
	if s.p.HelpHeader != "" {
		s.print(s.p.HelpHeader + "\n")
	}
	for _, n := range nodes {
		s.print(fmt.Sprintf("  %-20s %s\n", n.word, n.help))
	}
	if len(nodes) == 0 {
		s.print(s.p.HelpNone + "\n")
	}
	s.print("\n" + s.promptBlock())
	s.out.Write(s.line)
}

// skipEscape consumes an escape sequence (CSI "ESC [ ... final" or SS3
// "ESC O x"); devices ignore the arrow keys and such we do not emulate.
func (s *session) skipEscape() error {
	b, err := s.readKey()
	if err != nil {
		return err
	}
	switch b {
	case 'O':
		_, err = s.readKey()
		return err
	case '[':
		for {
			b, err = s.readKey()
			if err != nil || (b >= 0x40 && b <= 0x7e) {
				return err
			}
		}
	}
	return nil
}

// completeOnSpace completes the last word typed when the platform and
// session allow it and the word abbreviates exactly one command word.
// It reports whether it handled the space.
func (s *session) completeOnSpace() bool {
	if !s.p.CompleteOnSpace || s.vars["complete-on-space"] == "off" {
		return false
	}
	toks := tokenize(string(s.line))
	if len(toks) == 0 || s.line[len(s.line)-1] == ' ' {
		return false
	}
	n := s.srv.trees[s.mode.Name]
	for i, t := range toks {
		lits, _ := n.candidates(t.text, s.p.FoldCase)
		if len(lits) != 1 {
			return false
		}
		if i == len(toks)-1 {
			rest := lits[0].word[len(t.text):] + " "
			s.line = append(s.line, rest...)
			s.echo([]byte(rest))
			return true
		}
		n = lits[0]
	}
	return false
}

// wait pauses a running command for d, returning early with true when the
// user presses an interrupt key. Other typed keys stay queued.
func (s *session) wait(d time.Duration) (bool, error) {
	if err := s.flush(); err != nil {
		return false, errClosed
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		if s.takeInterrupt() {
			return true, nil
		}
		select {
		case chunk, ok := <-s.in:
			if !ok {
				return false, errClosed
			}
			s.queue(chunk)
		case <-timer.C:
			return false, nil
		case <-s.ctx.Done():
			return false, errClosed
		}
	}
}

// pollInterrupt takes input that already arrived, without waiting, and
// reports whether it holds an interrupt key.
func (s *session) pollInterrupt() bool {
	for {
		select {
		case chunk, ok := <-s.in:
			if !ok {
				return s.takeInterrupt()
			}
			s.queue(chunk)
		default:
			return s.takeInterrupt()
		}
	}
}

// takeInterrupt drops queued input up to and including the first
// interrupt key, reporting whether there was one.
func (s *session) takeInterrupt() bool {
	i := bytes.IndexAny(s.pending, s.p.Interrupts)
	if i < 0 {
		return false
	}
	s.pending = s.pending[i+1:]
	return true
}
