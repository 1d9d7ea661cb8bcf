package devices

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh/agent"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// PoolOptions configure a Pool. The zero value is ready to use.
type PoolOptions struct {
	// Logger receives connection events (never secrets); nil discards them.
	Logger *slog.Logger
	// Agent connects to an SSH agent for each dial; the Closer is closed
	// once authentication is over. nil means: dial the target's
	// IdentityAgent socket, or SSH_AUTH_SOCK. A target whose IdentityAgent
	// is "none" never uses an agent.
	Agent func() (agent.ExtendedAgent, io.Closer, error)
}

// Pool keeps one SSH connection per Target.Key and dials it again when it
// died. It is safe for concurrent use; the zero Pool is not usable, call
// NewPool.
type Pool struct {
	env dialEnv

	mu      sync.Mutex // guards the fields below; never held while dialing
	entries map[string]*poolEntry
	closed  bool

	wg sync.WaitGroup // dial goroutines
}

type poolEntry struct {
	conn   *Conn
	dial   *dialCall // in flight, nil when none
	dialed int       // connections made for this key so far
}

// dialCall is one dial shared by every caller asking for the same key.
type dialCall struct {
	done      chan struct{}
	cancel    context.CancelFunc
	reconnect bool
	conn      *Conn // set before done is closed
	err       error
}

// NewPool returns an empty pool.
func NewPool(opts PoolOptions) *Pool {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	env := dialEnv{logger: logger, agent: dialAgent}
	if opts.Agent != nil {
		env.agent = func(_ context.Context, t hosts.Target) (agent.ExtendedAgent, io.Closer, error) {
			if strings.EqualFold(t.IdentityAgent, "none") {
				return nil, nil, nil
			}
			return opts.Agent()
		}
	}
	return &Pool{env: env, entries: map[string]*poolEntry{}}
}

// Conn returns the live connection for t.Key(), dialing when there is none
// or the old one died. reconnected reports that this call's dial replaced
// an earlier connection for the key (a caller holding an older *Conn can
// also compare pointers). Dials for different keys never wait on each
// other; concurrent callers for the same key share one dial. A caller whose
// ctx ends stops waiting, but the shared dial goes on (bounded by the
// target's ConnectTimeout) and its connection is kept for the next call.
func (p *Pool) Conn(ctx context.Context, t hosts.Target) (c *Conn, reconnected bool, err error) {
	key := t.Key()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, false, ErrClosed
	}
	e := p.entries[key]
	if e == nil {
		e = &poolEntry{}
		p.entries[key] = e
	}
	if e.conn != nil && e.conn.alive() {
		c := e.conn
		p.mu.Unlock()
		return c, false, nil
	}
	call := e.dial
	if call == nil {
		call = p.startDial(ctx, key, e, t)
	}
	p.mu.Unlock()

	select {
	case <-call.done:
		return call.conn, call.reconnect, call.err
	case <-ctx.Done():
		return nil, false, context.Cause(ctx)
	}
}

// startDial starts the dial for e; p.mu must be held.
func (p *Pool) startDial(ctx context.Context, key string, e *poolEntry, t hosts.Target) *dialCall {
	// The dial outlives the caller who started it (others may be waiting
	// on it), so it keeps ctx's values but not its cancellation; Close and
	// CloseKey cancel it through call.cancel.
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	call := &dialCall{done: make(chan struct{}), cancel: cancel, reconnect: e.dialed > 0}
	old := e.conn
	e.conn, e.dial = nil, call
	p.wg.Add(1)
	if old != nil {
		// Already dead: closing only waits for its goroutines, which may
		// take long (see Conn.Close), so the new dial does not wait.
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			old.Close()
		}()
	}
	go func() {
		defer p.wg.Done()
		defer cancel()
		conn, err := p.env.dial(dctx, t)
		p.mu.Lock()
		current := p.entries[key] == e && !p.closed
		if current {
			e.dial = nil
			if err == nil {
				e.conn = conn
				e.dialed++
			}
		}
		p.mu.Unlock()
		if err == nil && !current {
			conn.Close()
			conn, err = nil, ErrClosed
		}
		call.conn, call.err = conn, err
		close(call.done)
	}()
	return call
}

// CloseKey closes the connection for key (as returned by Target.Key) and
// everything on it, and cancels a dial in flight. It blocks until the
// connection's goroutines have ended. An unknown key is not an error.
func (p *Pool) CloseKey(key string) error {
	p.mu.Lock()
	e := p.entries[key]
	delete(p.entries, key)
	p.mu.Unlock()
	if e == nil {
		return nil
	}
	return e.close()
}

// Close closes every connection and cancels every dial, then waits for all
// goroutines the pool started. Later calls to Conn return ErrClosed.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.closed = true
	entries := p.entries
	p.entries = map[string]*poolEntry{}
	p.mu.Unlock()
	for _, e := range entries {
		e.close()
	}
	p.wg.Wait()
	return nil
}

// close ends e's connection and cancels its dial. The entry is already out
// of the map, so no one else touches its fields.
func (e *poolEntry) close() error {
	if e.dial != nil {
		e.dial.cancel()
	}
	if e.conn != nil {
		return e.conn.Close()
	}
	return nil
}

// Keys lists the keys of the connections that are alive, sorted.
func (p *Pool) Keys() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var keys []string
	for k, e := range p.entries {
		if e.conn != nil && e.conn.alive() {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
