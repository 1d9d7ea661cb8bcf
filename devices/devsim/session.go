package devsim

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Sentinels that end a read or the whole interpreter.
var (
	errInterrupted = errors.New("devsim: interrupted by Ctrl+C")
	errCtrlZ       = errors.New("devsim: Ctrl+Z")
	errClosed      = errors.New("devsim: session input closed")
	// errEndSession ends the session from a command handler (exit,
	// logout, a confirmed reload).
	errEndSession = errors.New("devsim: session ended by the device")
)

// session is the CLI state of one SSH session: one goroutine runs it, a
// second only feeds it input, so none of its fields need a lock.
type session struct {
	srv  *Server
	p    *simPlatform
	opts Options
	ctx  context.Context
	conn *ssh.ServerConn
	ch   ssh.Channel

	in         chan []byte // chunks as the client sent them; closed at EOF
	readerDone chan struct{}
	pending    []byte // received, not yet consumed
	lastCR     bool   // a '\n' right after '\r' is the same Enter
	out        bytes.Buffer
	werr       error // first write error: the client is gone

	mode     *simMode
	context  []string // edit path (Junos) or sub-mode object (IOS)
	tag      string   // short name of the sub-mode object, for {tag} in prompts
	noColour bool     // console options turned colours off
	length   int      // terminal length; 0 disables the pager
	width    int
	vars     map[string]string
	data     map[string]any // per-session platform state (a candidate config)
	edit     *simDevice     // what configuration commands edit, when not the device's running configuration
	line     []byte         // what the user has typed at the prompt so far
	atPrompt bool
	prompt   string // last line of the current prompt
	afterCmd bool   // a command ran since the last prompt

	asyncText  string
	asyncTimer *time.Timer
	notices    chan string // device messages for every session (timers.go)
}

func (s *Server) newSession(ctx context.Context, conn *ssh.ServerConn, ch ssh.Channel) *session {
	p := s.platform
	sess := &session{
		srv: s, p: p, opts: s.opts, ctx: ctx, conn: conn, ch: ch,
		in:         make(chan []byte, 16),
		readerDone: make(chan struct{}),
		length:     p.Pager.DefaultLength,
		width:      80,
		vars:       map[string]string{},
		data:       map[string]any{},
		notices:    make(chan string, noticeQueue),
	}
	if p.UserOptions && conn != nil {
		if _, options, ok := strings.Cut(conn.User(), "+"); ok {
			sess.consoleOptions(options)
		}
	}
	return sess
}

// consoleOptions applies the console options of a login name: a number
// and the letter it is for ("511w4098h" sets width and height).
func (s *session) consoleOptions(options string) {
	n := 0
	for _, r := range options {
		switch {
		case r >= '0' && r <= '9':
			n = min(n*10+int(r-'0'), 1<<20)
			continue
		case r == 'w':
			s.width = n
		case r == 'h':
			s.length = n
		case r == 'c':
			s.noColour = true
		}
		n = 0
	}
}

// startReader feeds s.in from the channel until EOF or ctx ends.
func (s *session) startReader() {
	go func() {
		defer close(s.readerDone)
		defer close(s.in)
		buf := make([]byte, 4096)
		for {
			n, err := s.ch.Read(buf)
			if n > 0 {
				chunk := bytes.Clone(buf[:n])
				select {
				case s.in <- chunk:
				case <-s.ctx.Done():
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
}

// runShell is the interactive CLI: banner, then prompt and command until
// the client leaves or a command ends the session.
func (s *session) runShell() {
	s.startReader()
	defer s.stopAsync()
	s.srv.dev.timed.subscribe(s)
	defer s.srv.dev.timed.unsubscribe(s)
	s.setMode(s.initialMode())
	if s.p.Login != nil {
		s.p.Login(&simCall{s: s})
	}
	if s.p.Logout != nil {
		defer s.p.Logout(&simCall{s: s})
	}
	last := "" // the last command line
	notice := false
	for {
		s.printPrompt()
		switch {
		case notice:
			s.printNotice(s.opts.AfterPrompt)
		case s.opts.AfterPrompt != "" && !s.opts.NoticeAfterAnswer && s.afterCmd && strings.HasPrefix(last, s.opts.AfterPromptFor):
			s.flush() // the prompt first, as its own write
			s.print(s.opts.AfterPrompt + "\n")
		}
		notice = false
		prev := last
		line, err := s.readPromptLine()
		switch {
		case errors.Is(err, errInterrupted):
			s.print("\n")
			s.afterCmd = false
			continue
		case errors.Is(err, errCtrlZ):
			s.print("^Z\n")
			line = s.p.CtrlZ
		case err != nil:
			s.flush()
			return
		}
		s.afterCmd, last = strings.TrimSpace(line) != "", strings.TrimSpace(line)
		notice = s.opts.NoticeAfterAnswer && s.opts.AfterPrompt != "" && last == "" && prev != "" && strings.HasPrefix(prev, s.opts.AfterPromptFor)
		if err := s.execute(line); err != nil {
			s.flush()
			if errors.Is(err, errEndSession) {
				s.srv.opts.Logf("sim %s: session ended by command %q", s.opts.Platform, line)
			}
			return
		}
	}
}

// initialMode picks where a shell starts for this user and options.
func (s *session) initialMode() string {
	switch {
	case s.opts.Username == "root" && s.p.RootMode != "":
		return s.p.RootMode
	case s.opts.LoginPrivileged && s.p.PrivilegedMode != "":
		return s.p.PrivilegedMode
	}
	return s.p.InitialMode
}

// runExec runs one command in the platform's exec mode without paging,
// reports exit status 0 and ends.
func (s *session) runExec(command string) {
	s.startReader()
	defer s.stopAsync()
	s.setMode(s.p.ExecMode)
	s.length = 0
	s.execute(command)
	s.flush()
	s.ch.CloseWrite()
	s.ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
}

// execute parses and runs one command line.
func (s *session) execute(line string) error {
	cmdPart, pipes := splitPipes(line)
	res := match(s.srv.trees[s.mode.Name], cmdPart, s.p.FoldCase)
	if !res.ok {
		s.printError(res)
		return nil
	}
	if res.cmd == nil {
		return nil
	}
	c := &simCall{s: s, Args: res.args, Line: line, Command: res.cmd, paged: true}
	if !s.applyPipes(c, line, pipes) {
		return nil
	}
	switch {
	case res.cmd.Run != nil:
		return res.cmd.Run(c)
	case res.cmd.Lines != nil:
		return c.Page(res.cmd.Lines(c))
	default:
		return c.Page(textOutput(res.cmd.Text))
	}
}

// applyPipes resolves the pipe words (abbreviations allowed) into pager
// and filter settings of c; the others are left to the handler in
// c.Pipes with their full word. It prints the error and reports false
// for an unknown pipe word.
func (s *session) applyPipes(c *simCall, line string, pipes []token) bool {
	for _, pipe := range pipes {
		word, arg, _ := strings.Cut(pipe.text, " ")
		full, ok := s.pipeWord(word)
		if !ok {
			s.printError(parsed{kind: kindInvalid, pos: pipe.pos, upto: line[:pipe.pos+len(word)], word: word})
			return false
		}
		arg = strings.TrimSpace(arg)
		switch f := s.p.Filters[full]; {
		case full == s.p.NoMore:
			c.paged = false
		case f != nil:
			c.filters = append(c.filters, f(arg))
		default:
			c.Pipes = append(c.Pipes, strings.TrimSpace(full+" "+arg))
		}
	}
	return true
}

// pipeWord expands an abbreviated pipe word among those the platform
// knows.
func (s *session) pipeWord(word string) (string, bool) {
	known := append([]string{s.p.NoMore}, s.p.PipeWords...)
	for name := range s.p.Filters {
		known = append(known, name)
	}
	var found []string
	for _, k := range known {
		if k == word {
			return k, true
		}
		if k != "" && strings.HasPrefix(k, word) {
			found = append(found, k)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// splitPipes cuts "cmd | a x | b" into "cmd" and the pipes "a x" and "b"
// with their offsets in the line.
func splitPipes(line string) (string, []token) {
	cmd, rest, found := strings.Cut(line, "|")
	var pipes []token
	pos := len(cmd) + 1
	for found {
		var seg string
		seg, rest, found = strings.Cut(rest, "|")
		if t := strings.TrimSpace(seg); t != "" {
			pipes = append(pipes, token{text: t, pos: pos + strings.Index(seg, t)})
		}
		pos += len(seg) + 1
	}
	return cmd, pipes
}

// printError prints a command-line error the platform's way.
func (s *session) printError(res parsed) {
	form := s.p.errorForm(s.mode, res.kind, res.alone)
	if form.Caret {
		s.print(strings.Repeat(" ", len(s.prompt)+res.pos) + "^\n")
	}
	var choices string
	if len(res.choices) > 0 {
		choices = completionList(res.choices)
	}
	var before string
	for _, w := range strings.Fields(strings.TrimSuffix(res.upto, res.word)) {
		before += w + " "
	}
	index := strconv.Itoa(max(len(tokenize(res.upto))-1, 0))
	text := strings.NewReplacer("{line}", res.upto, "{word}", res.word, "{before}", before,
		"{token}", index, "{column}", strconv.Itoa(res.pos+1), "{choices}", choices).Replace(form.Text)
	s.print(text)
}

func (s *session) setMode(name string) {
	m, ok := s.p.Modes[name]
	if !ok {
		panic("devsim: platform " + s.p.Name + " has no mode " + name)
	}
	s.mode = m
}

// promptBlock renders the lines printed before input is read: the RE
// line and context banner where the platform has them, then the prompt.
func (s *session) promptBlock() string {
	var head string
	if s.opts.DualRE {
		head = s.p.RELine
	}
	if s.mode.ShowContext && s.p.ContextFormat != "" {
		var path string
		if len(s.context) > 0 {
			path = " " + strings.Join(s.context, " ")
		}
		head += strings.Replace(s.p.ContextFormat, "%s", path, 1)
	}
	s.prompt = s.mode.prompt(s.srv.dev.hostname(), s.opts.Username, s.tag)
	if head != "" {
		return head + "\n" + s.prompt
	}
	return s.prompt
}

func (s *session) printPrompt() {
	if s.p.BlankBeforePrompt && s.afterCmd && !s.mode.Plain {
		s.print("\n")
	}
	s.print(s.promptBlock())
}

// after schedules text to print asynchronously, like a device's log
// message, once the session is idle at its prompt.
func (s *session) after(d time.Duration, text string) {
	s.stopAsync()
	s.asyncText = text
	s.asyncTimer = time.NewTimer(d)
}

func (s *session) stopAsync() {
	if s.asyncTimer != nil {
		s.asyncTimer.Stop()
		s.asyncTimer = nil
	}
}

// printAsync prints the pending log message, then the prompt and the
// typed input again, as devices do.
func (s *session) printAsync() {
	s.asyncTimer = nil
	s.print("\n" + s.asyncText + "\n" + s.promptBlock())
	s.out.Write(s.line)
}
