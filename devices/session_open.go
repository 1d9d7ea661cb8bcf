package devices

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// Bounds of opening a shell, on top of the target's ConnectTimeout.
const (
	// openBound covers opening the channel and the driver's preparation
	// (a device's first prompt may take a slow AAA server's seconds).
	openBound = 45 * time.Second
	// detectBound bounds the wait for a first prompt when the profile has
	// to be recognized from the login text.
	detectBound = 5 * time.Second
	// detectSettle is how long the login must stay quiet after a line that
	// looks like a prompt: a banner line ending in '#' or '>' that reached
	// us at a packet boundary is followed by more text.
	detectSettle = 100 * time.Millisecond
	// detectIdle ends the wait for a login prompt at an unfinished line no
	// pattern knows (a custom prompt, a pager) once the login went quiet.
	detectIdle = time.Second
	// deadlineMargin ends a wait bounded by the caller's deadline that
	// much before it, so that the wait reports what it saw.
	deadlineMargin = 100 * time.Millisecond
	// shellRows is the PTY height: programs that page by screen see 50
	// lines.
	shellRows = 50
	// fallbackProfile drives hosts nothing else recognized.
	fallbackProfile = "linux"
)

// ensureShell opens and prepares a shell unless a live one exists; a
// replacement restores the state of the shell it replaces. It blocks while
// dialing and preparing, bounded by ctx, the target's ConnectTimeout and
// openBound.
func (s *session) ensureShell(ctx context.Context) error {
	s.openMu.Lock()
	defer s.openMu.Unlock()
	s.mu.Lock()
	sh, closed, p := s.sh, s.closed, s.profile
	prev, replaced := s.last, s.opened > 0
	s.mu.Unlock()
	if closed {
		return errSessionClosed
	}
	if sh != nil && sh.alive() {
		return nil
	}
	if sh != nil {
		sh.close()
	}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout(s.target)+openBound)
	defer cancel()
	nsh, p, err := s.m.openShell(ctx, s.target, p)
	if err != nil {
		s.setShell(nil)
		return err
	}
	var restored []string
	if replaced {
		restored, err = nsh.drv.restore(ctx, prev, s.secretsFor(RunOptions{}))
		if err != nil {
			nsh.close()
			s.setShell(nil)
			return fmt.Errorf("restore %s after reconnect: %w", s.alias, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		nsh.close()
		return errSessionClosed
	}
	s.sh, s.profile, s.last, s.since = nsh, p, nsh.drv.state(), time.Now()
	s.reconnect, s.restored = replaced, restored
	s.setup, s.unshown = nsh.warnings, nsh.warnings
	s.opened++
	return nil
}

func (s *session) setShell(sh *shell) {
	s.mu.Lock()
	s.sh = sh
	s.mu.Unlock()
}

// profileName is the session's profile, "" before the first shell.
func (s *session) profileName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.profile == nil {
		return ""
	}
	return s.profile.Name
}

// connectTimeout is the target's ConnectTimeout with its default.
func connectTimeout(t hosts.Target) time.Duration {
	if t.ConnectTimeout > 0 {
		return t.ConnectTimeout
	}
	return 15 * time.Second
}

// openShell dials (or reuses) the connection, opens a PTY shell sized by
// the profile and lets the profile's driver prepare it. With p nil the
// profile is chosen first: the one the target names, else by host
// pattern, else from the login text (banner and first prompt) with the
// server's SSH identification as a hint, else linux. Nothing is typed into
// the shell before its profile is chosen. Bounded by ctx.
func (m *Manager) openShell(ctx context.Context, t hosts.Target, p *profiles.Profile) (*shell, *profiles.Profile, error) {
	conn, _, err := m.pool.Conn(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	if p == nil && t.Profile != "" {
		if p, err = m.profile(t.Profile); err != nil {
			return nil, nil, err
		}
	}
	if p == nil {
		if name := m.profiles.DetectHost(t.Alias, t.HostName); name != "" {
			if p, err = m.profile(name); err != nil {
				return nil, nil, err
			}
		}
	}
	term, width := profiles.DefaultTerm, profiles.DefaultWidth
	if p != nil {
		term, width = p.Term, p.Width
	}
	// Opening a channel is one round trip: it gets the connect bound, not
	// the preparation's, so a connection that died under the request does
	// not hold the session for the whole openBound.
	octx, ocancel := context.WithTimeout(ctx, connectTimeout(t))
	ch, err := conn.Shell(octx, term, width, shellRows)
	ocancel()
	if err != nil && ctx.Err() == nil {
		// A pooled connection can die just before a channel is opened
		// on it, unnoticed yet: drop it and try once on a fresh dial,
		// whose own error (refused, timed out) is the one that matters.
		conn.closeWith(fmt.Errorf("%w: opening a shell failed: %w", ErrClosed, err))
		if conn, _, err = m.pool.Conn(ctx, t); err != nil {
			return nil, nil, err
		}
		octx, ocancel = context.WithTimeout(ctx, connectTimeout(t))
		ch, err = conn.Shell(octx, term, width, shellRows)
		ocancel()
	}
	if err != nil {
		return nil, nil, connErr(conn, err)
	}
	e := expect.New(ch, ch, expect.Options{WireLog: m.wireLog, Columns: width})
	seen := ""
	if p == nil {
		if p, seen, err = m.detectFromLogin(ctx, e, t, string(conn.Client().ServerVersion())); err != nil {
			_ = e.Close()
			return nil, nil, err
		}
	}
	drv := drivers[p.Completion](p)
	probe := func(ctx context.Context, cmd string) (string, error) {
		var out bytes.Buffer
		code, err := conn.Exec(ctx, cmd, nil, &out, io.Discard)
		if err == nil && code != 0 {
			err = fmt.Errorf("exit status %d", code)
		}
		return out.String(), err
	}
	var warnings []string
	warn := func(msg string) {
		m.logger.Warn("shell preparation step failed", "host", t.Alias, "key", t.Key(), "profile", p.Name, "warning", msg)
		warnings = append(warnings, msg)
	}
	login, err := drv.open(ctx, driverEnv{Expecter: e, Profile: p, Target: t, Logger: m.logger, Probe: probe, Login: seen, Warn: warn})
	if err != nil {
		_ = e.Close()
		return nil, nil, fmt.Errorf("open shell on %s with profile %s: %w", t.Key(), p.Name, err)
	}
	m.logger.Debug("shell ready", "host", t.Alias, "key", t.Key(), "profile", p.Name, "login_bytes", len(login))
	return &shell{conn: conn, ch: ch, e: e, drv: drv, pid: drv.state().PID, warnings: warnings}, p, nil
}

// detectFromLogin reads the login text, banner and first prompt, and picks
// the profile it belongs to (profiles.Set.DetectLogin, with the server's
// SSH identification as a hint), else linux. It types nothing. The wait
// ends at the first line that looks like a prompt of any kind, at an
// unfinished line after detectIdle of quiet (a prompt nobody knows, a
// pager), or after detectBound (or ctx's deadline, if sooner). It returns
// the text it consumed, for the driver: the banner and, when the wait
// ended on one, the prompt. When that prompt is none of a chosen device
// profile's, a newline asks for a fresh one.
func (m *Manager) detectFromLogin(ctx context.Context, e *expect.Expecter, t hosts.Target, version string) (*profiles.Profile, string, error) {
	var prompts []expect.Pattern
	for _, name := range m.profiles.Names() {
		p, _ := m.profiles.Profile(name)
		if p.Completion != profiles.CompletionPrompt {
			continue
		}
		for _, mode := range p.Modes {
			prompts = append(prompts, mode.Prompt)
		}
	}
	prompts = append(prompts, genericPrompt)
	login, consumed := "", ""
	match, err := e.Expect(ctx, prompts, expect.ExpectOptions{Timeout: waitWithin(ctx, detectBound), Settle: detectSettle, Idle: detectIdle})
	switch {
	case err == nil && match.Index == expect.IdleIndex:
		login = match.Before + match.Text // the unfinished line stays for the driver
		consumed = match.Before
	case err == nil:
		login = match.Before + match.Text
		consumed = login
	case ctx.Err() != nil:
		return nil, "", fmt.Errorf("wait for the login prompt of %s: %w", t.Key(), expectErr(err))
	default:
		login = e.Pending()
	}
	name := m.profiles.DetectLogin(version, login)
	if name == "" {
		name = fallbackProfile
	}
	p, err := m.profile(name)
	if err != nil {
		return nil, "", err
	}
	m.logger.Info("profile detected", "host", t.Alias, "profile", name, "login_bytes", len(login))
	if p.Completion == profiles.CompletionPrompt && consumed != "" && match.Index != expect.IdleIndex {
		if _, ok := loginPrompt(p, consumed); !ok {
			if err := e.Send(ctx, "\n"); err != nil {
				return nil, "", expectErr(err)
			}
		}
	}
	return p, consumed, nil
}

// waitWithin returns bound, or less when ctx's deadline (the caller's
// timeout) comes sooner: then a little before it, so that the wait ends on
// its own timeout with the text it saw as evidence rather than on a bare
// cancellation.
func waitWithin(ctx context.Context, bound time.Duration) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl) - deadlineMargin; left < bound {
			return max(left, time.Millisecond)
		}
	}
	return bound
}

// connErr makes an error from a connection that died meanwhile wrap
// ErrClosed, whatever x/crypto said about the channel it was opening.
func connErr(conn *Conn, err error) error {
	if errors.Is(err, ErrClosed) || errors.Is(err, ErrTimeout) {
		return err
	}
	select {
	case <-conn.Done():
		return fmt.Errorf("%w: %w", ErrClosed, err)
	default:
		return err
	}
}
