package devsim

import (
	"fmt"
	"iter"
	"math"
	"strings"
	"time"
)

// simCall is what a command handler works with: the parsed arguments and the
// session it runs in. It is used only by the session's goroutine.
type simCall struct {
	s       *session
	Args    []string    // parameter values in the order of the syntax
	Line    string      // the whole typed line
	Pipes   []string    // pipes the interpreter did not handle itself
	Command *simCommand // the table entry that matched
	paged   bool
	filters []func(string) bool
}

// Print writes output; "\n" becomes CRLF.
func (c *simCall) Print(text string) { c.s.print(text) }

// Println writes lines of output, each ended by CRLF.
func (c *simCall) Println(lines ...string) {
	for _, l := range lines {
		c.s.print(l + "\n")
	}
}

// Printf formats output; "\n" becomes CRLF.
func (c *simCall) Printf(format string, args ...any) { c.s.print(fmt.Sprintf(format, args...)) }

// Page writes output through the pager (unless disabled by terminal
// length 0, a no-more pipe or an exec request) and the pipe filters. It
// stops early when the user quits the pager or presses an interrupt key.
func (c *simCall) Page(out simOutput) error {
	return c.s.page(out, c.paged, c.filters)
}

// ReadLine shows a question and reads the answer; hidden answers are not
// echoed (passwords). Ctrl+C returns an error wrapping errInterrupted.
func (c *simCall) ReadLine(question string, hidden bool) (string, error) {
	c.s.print(question)
	return c.s.readLine(!hidden)
}

// ReadKey shows a question and reads one key without echo.
func (c *simCall) ReadKey(question string) (byte, error) {
	c.s.print(question)
	return c.s.readKey()
}

// Wait pauses for d and reports whether the user pressed an interrupt
// key meanwhile; output is flushed first.
func (c *simCall) Wait(d time.Duration) (bool, error) { return c.s.wait(d) }

// Mode returns the current mode's name.
func (c *simCall) Mode() string { return c.s.mode.Name }

// SetMode switches the CLI to another mode of the platform.
func (c *simCall) SetMode(name string) { c.s.setMode(name) }

// Context returns the edit path or sub-mode object (a copy).
func (c *simCall) Context() []string { return append([]string(nil), c.s.context...) }

// SetContext replaces the edit path or sub-mode object.
func (c *simCall) SetContext(path []string) { c.s.context = append([]string(nil), path...) }

// SetTag sets the short name of the object a sub-mode edits, shown where
// the mode's prompt has {tag}.
func (c *simCall) SetTag(tag string) { c.s.tag = tag }

// Hostname returns the device's current hostname.
func (c *simCall) Hostname() string { return c.s.srv.dev.hostname() }

// SetHostname changes the hostname of the configuration being edited:
// the device's, for every session, or a configuration session's.
func (c *simCall) SetHostname(name string) { c.device().setHostname(name) }

// device returns the configuration that commands edit: the one shared by
// all sessions of the device, or, while the session edits a separate
// configuration (an EOS configuration session), that one.
func (c *simCall) device() *simDevice {
	if c.s.edit != nil {
		return c.s.edit
	}
	return c.s.srv.dev
}

// running returns the device's running configuration, whatever the
// session edits.
func (c *simCall) running() *simDevice { return c.s.srv.dev }

// EditSeparately makes the session's configuration commands edit d
// instead of the running configuration; nil ends that.
func (c *simCall) EditSeparately(d *simDevice) { c.s.edit = d }

// Options returns the device's options (defaults filled).
func (c *simCall) Options() Options { return c.s.opts }

// RemoteIP returns the client's address as the device logs it.
func (c *simCall) RemoteIP() string { return remoteIP(c.s.conn) }

// SetLength sets the terminal length; 0 disables the pager.
func (c *simCall) SetLength(n int) { c.s.length = n }

// SetWidth sets the terminal width, which the simulator only records.
func (c *simCall) SetWidth(n int) { c.s.width = n }

// SetVar records a per-session setting.
func (c *simCall) SetVar(name, value string) { c.s.vars[name] = value }

// Data returns per-session platform state stored under key (nil if none).
func (c *simCall) Data(key string) any { return c.s.data[key] }

// SetData stores per-session platform state; nil removes it.
func (c *simCall) SetData(key string, v any) {
	if v == nil {
		delete(c.s.data, key)
		return
	}
	c.s.data[key] = v
}

// After prints text asynchronously once the session is idle at its
// prompt, d after now, followed by the prompt again.
func (c *simCall) After(d time.Duration, text string) { c.s.after(d, text) }

// CloseConnection drops the client's whole SSH connection, as a device
// that reloads does.
func (c *simCall) CloseConnection() error {
	c.s.flush()
	c.s.conn.Close()
	return errEndSession
}

// page writes out through the pager. The pager counts lines of output
// (after filters) and pauses when a page is full.
func (s *session) page(out simOutput, paged bool, filters []func(string) bool) error {
	perPage := 0
	if paged && s.length > 0 {
		perPage = max(s.length-1, 1)
	}
	next, stop := iter.Pull(out.Lines)
	defer stop()
	budget, consumed, shown := perPage, 0, 0
	for {
		line, ok := next()
		if !ok {
			return nil
		}
		consumed++
		if !keep(line, filters) {
			continue
		}
		if perPage > 0 && budget == 0 {
			step, err := s.more(consumed-1, out.Total)
			if err != nil || step == 0 {
				return err
			}
			budget = step
		}
		s.print(line + "\n")
		budget--
		shown++
		if shown%256 == 0 && s.pollInterrupt() {
			return nil
		}
	}
}

func keep(line string, filters []func(string) bool) bool {
	for _, f := range filters {
		if !f(line) {
			return false
		}
	}
	return true
}

// more shows the pager prompt and waits for a key. It returns how many
// lines to show next, 0 to stop.
func (s *session) more(done, total int) (int, error) {
	pg := s.p.Pager
	text := pg.Prompt
	if total <= 0 && pg.PlainPrompt != "" {
		text = pg.PlainPrompt
	}
	if strings.Contains(text, "%d") {
		pct := 0
		if total > 0 {
			pct = done * 100 / total
		}
		text = fmt.Sprintf(text, pct)
	}
	s.print(text)
	for {
		key, err := s.readKey()
		if err != nil {
			return 0, err
		}
		step := 0
		switch key {
		case ' ':
			step = max(s.length-1, 1)
		case '\r', '\n':
			step = 1
		case 'q', 'Q', keyCtrlC:
		default:
			if strings.IndexByte(pg.DumpKeys, key) >= 0 {
				step = math.MaxInt
				break
			}
			if !pg.OtherKeysQuit {
				continue
			}
		}
		s.erase(len(text))
		return step, nil
	}
}

// erase removes a pager prompt of n columns the platform's way.
func (s *session) erase(n int) {
	if s.p.Pager.EraseWithCR {
		s.out.WriteString("\r" + strings.Repeat(" ", n) + "\r")
		return
	}
	b := strings.Repeat("\b", n)
	s.out.WriteString(b + strings.Repeat(" ", n) + b)
}

// Reject prints the platform's error of the given kind with the caret
// under word, for a handler that refuses an argument the table accepted.
func (c *simCall) Reject(word string, kind errKind) {
	pos := strings.Index(c.Line, word)
	upto := word
	if pos >= 0 {
		upto = c.Line[:pos+len(word)]
	}
	c.s.printError(parsed{kind: kind, pos: max(pos, 0), upto: upto, word: word})
}
