package devsim

import (
	"bytes"
	"io"
	"regexp"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// simWait bounds every wait of the transcript tests; a healthy simulator
// answers in milliseconds, so only a bug reaches it.
const simWait = 10 * time.Second

// simTerm is a test's terminal on a simulated device: a real SSH client
// session with a PTY, a reader that never stops draining, and a cursor
// into everything received so far.
type simTerm struct {
	t      testing.TB
	client *ssh.Client
	sess   *ssh.Session
	stdin  io.WriteCloser

	mu     sync.Mutex
	buf    []byte
	pos    int           // bytes before pos were consumed by expect
	notify chan struct{} // signalled on every read
	ended  chan struct{} // closed when the output stream ends
}

// dialTerm logs in to d and starts an interactive shell with a PTY.
func dialTerm(t testing.TB, d *Device) *simTerm {
	t.Helper()
	return dialTermConfig(t, d, d.ClientConfig())
}

// dialTermConfig is dialTerm with another client configuration (user).
func dialTermConfig(t testing.TB, d *Device, cfg *ssh.ClientConfig) *simTerm {
	t.Helper()
	term := openSessionConfig(t, d, cfg)
	if err := term.sess.RequestPty("xterm", 50, 512, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatalf("pty-req: %v", err)
	}
	if err := term.sess.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	return term
}

// openSession dials d and opens a session whose output is drained.
func openSession(t testing.TB, d *Device) *simTerm {
	t.Helper()
	return openSessionConfig(t, d, d.ClientConfig())
}

func openSessionConfig(t testing.TB, d *Device, cfg *ssh.ClientConfig) *simTerm {
	t.Helper()
	client, err := ssh.Dial("tcp", d.Addr, cfg)
	if err != nil {
		t.Fatalf("ssh.Dial(%q): %v", d.Addr, err)
	}
	sess, err := client.NewSession()
	if err != nil {
		client.Close()
		t.Fatalf("NewSession: %v", err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatalf("StdinPipe: %v", err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatalf("StdoutPipe: %v", err)
	}
	term := &simTerm{t: t, client: client, sess: sess, stdin: stdin,
		notify: make(chan struct{}, 1), ended: make(chan struct{})}
	go term.drain(stdout)
	t.Cleanup(func() {
		client.Close()
		<-term.ended
	})
	return term
}

func (c *simTerm) drain(r io.Reader) {
	defer close(c.ended)
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		c.mu.Lock()
		c.buf = append(c.buf, buf[:n]...)
		c.mu.Unlock()
		select {
		case c.notify <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// send types text as a user would.
func (c *simTerm) send(text string) {
	c.t.Helper()
	if _, err := io.WriteString(c.stdin, text); err != nil {
		c.t.Fatalf("send %q: %v", text, err)
	}
}

// expect waits until want appears after the cursor and returns the text
// from the cursor to the end of want, moving the cursor past it.
func (c *simTerm) expect(want string) string {
	c.t.Helper()
	// Only new bytes (and an overlap for a match split across reads) are
	// searched again, so long outputs stay cheap.
	searched := 0
	return c.expectFunc(want, func(rest []byte) (int, int) {
		from := max(searched-len(want)+1, 0)
		searched = len(rest)
		i := bytes.Index(rest[from:], []byte(want))
		if i < 0 {
			return -1, 0
		}
		return from + i, from + i + len(want)
	})
}

// expectRe is expect for a regular expression.
func (c *simTerm) expectRe(re *regexp.Regexp) string {
	c.t.Helper()
	return c.expectFunc(re.String(), func(rest []byte) (int, int) {
		loc := re.FindIndex(rest)
		if loc == nil {
			return -1, 0
		}
		return loc[0], loc[1]
	})
}

// expectFunc waits until find locates a match in the unread output.
func (c *simTerm) expectFunc(what string, find func(rest []byte) (int, int)) string {
	c.t.Helper()
	deadline := time.NewTimer(simWait)
	defer deadline.Stop()
	look := func() (string, bool) {
		c.mu.Lock()
		defer c.mu.Unlock()
		rest := c.buf[c.pos:]
		if i, end := find(rest); i >= 0 {
			c.pos += end
			return string(rest[:end]), true
		}
		return "", false
	}
	unread := func() string {
		c.mu.Lock()
		defer c.mu.Unlock()
		return tail(string(c.buf[c.pos:]))
	}
	for {
		got, ok := look()
		if ok {
			return got
		}
		select {
		case <-c.notify:
		case <-c.ended:
			// one last look: the final read may hold the match
			if got, ok = look(); ok {
				return got
			}
			c.t.Fatalf("output ended before %q; unread output %q", what, unread())
		case <-deadline.C:
			c.t.Fatalf("no %q within %s; unread output %q", what, simWait, unread())
		}
	}
}

// waitEnd waits until the device closes the session and returns what was
// not yet consumed.
func (c *simTerm) waitEnd() string {
	c.t.Helper()
	select {
	case <-c.ended:
	case <-time.After(simWait):
		c.t.Fatalf("session still open after %s", simWait)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	rest := string(c.buf[c.pos:])
	c.pos = len(c.buf)
	return rest
}

// all returns everything received so far.
func (c *simTerm) all() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.buf)
}

func tail(s string) string {
	if len(s) > 600 {
		return "..." + s[len(s)-600:]
	}
	return s
}
