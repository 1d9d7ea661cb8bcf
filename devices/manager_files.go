package devices

import (
	"context"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
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
func (m *Manager) WriteFile(ctx context.Context, req hosts.Request, path string, data []byte, opts WriteOptions) (WriteResult, error) {
	conn, err := m.checkedConn(ctx, req, path, true)
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
	if err := m.checkPath(ctx, t, path, write); err != nil {
		return nil, err
	}
	c, _, err := m.pool.Conn(ctx, t)
	return c, err
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
