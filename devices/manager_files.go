package devices

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/textdiff"
)

// ReadFile reads a remote file over the shared connection (SFTP, or sudo
// through an exec channel when opts ask for it and permission is denied);
// see Conn.ReadFile. Bounded by ctx.
func (m *Manager) ReadFile(ctx context.Context, req hosts.Request, path string, opts ReadOptions) (ReadResult, error) {
	conn, err := m.checkedConn(ctx, req, path, false)
	if err != nil {
		return ReadResult{}, err
	}
	return conn.ReadFile(ctx, path, opts)
}

// WriteFile writes a remote file over the shared connection, atomically
// unless appending; see Conn.WriteFile. Bounded by ctx.
// A write the policy marks ask shows the person the diff of the file's
// current content and data first.
func (m *Manager) WriteFile(ctx context.Context, req hosts.Request, path string, data []byte, opts WriteOptions) (WriteResult, error) {
	t, err := m.resolver.Resolve(ctx, req)
	if err != nil {
		return WriteResult{}, err
	}
	q := m.pathQuestion(t, path, true)
	if q.Verdict.Decision == policy.Ask {
		conn, _, err := m.pool.Conn(ctx, t)
		if err != nil {
			return WriteResult{}, err
		}
		q.Detail = writeDiff(ctx, conn, path, data, opts.Append)
	}
	if err := m.enforce(ctx, q); err != nil {
		return WriteResult{}, err
	}
	conn, _, err := m.pool.Conn(ctx, t)
	if err != nil {
		return WriteResult{}, err
	}
	return conn.WriteFile(ctx, path, data, opts)
}

// checkedConn is conn for a file call: path is checked against the
// target's file rules first (a refusal is a *policy.RefusedError, and
// nothing is dialed).
func (m *Manager) checkedConn(ctx context.Context, req hosts.Request, path string, write bool) (*Conn, error) {
	t, err := m.resolver.Resolve(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := m.enforce(ctx, m.pathQuestion(t, path, write)); err != nil {
		return nil, err
	}
	c, _, err := m.pool.Conn(ctx, t)
	return c, err
}

// maxDiffLines bounds the diff shown for a write's approval.
const maxDiffLines = 1000

// writeDiff describes for a person what writing data to path changes: a
// unified diff against the current content, which is read without sudo
// (a file that cannot be read is shown as all new lines, saying why).
func writeDiff(ctx context.Context, conn *Conn, path string, data []byte, appending bool) string {
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return fmt.Sprintf("binary content, %d bytes, SHA-256 %x: it cannot be shown here; decline unless you know this exact content", len(data), sha256.Sum256(data))
	}
	var head, old string
	cur, err := conn.ReadFile(ctx, path, ReadOptions{MaxBytes: 1 << 20})
	switch {
	case errors.Is(err, ErrNotFound):
		head = "a new file\n"
	case err != nil:
		head = "the current content could not be read (" + err.Error() + "); all of the new content follows\n"
	case cur.Truncated || !utf8.Valid(cur.Data):
		head = fmt.Sprintf("the current file (%d bytes) is too large or not text to compare; all of the new content follows\n", cur.Size)
	default:
		old = string(cur.Data)
	}
	next := old + string(data)
	if !appending {
		next = string(data)
	}
	d := textdiff.Unified(path+" (now)", path+" (after the write)", old, next, 3)
	if d == "" {
		return head + "no change: the file already holds exactly this content"
	}
	lines := strings.SplitAfter(d, "\n")
	if len(lines) > maxDiffLines {
		d = strings.Join(lines[:maxDiffLines], "") + fmt.Sprintf("... THE DIFF IS CUT HERE: %d more lines are not shown. Decline unless you have checked the whole content another way.\n", len(lines)-maxDiffLines)
	}
	return head + d
}

// conn resolves req and returns its live connection, dialing if needed.
func (m *Manager) conn(ctx context.Context, req hosts.Request) (*Conn, error) {
	t, err := m.resolver.Resolve(ctx, req)
	if err != nil {
		return nil, err
	}
	c, _, err := m.pool.Conn(ctx, t)
	return c, err
}
