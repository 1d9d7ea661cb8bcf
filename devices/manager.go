package devices

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// DefaultOutputCap is the per-command output cap when ManagerOptions leaves
// it zero: beyond it the middle of the output is dropped.
const DefaultOutputCap = 10 << 20

// DefaultSession is the name of the shell used when a caller names none.
const DefaultSession = "default"

// ManagerOptions configure a Manager. Resolver, Pool and Profiles are
// required.
type ManagerOptions struct {
	Resolver *hosts.Resolver // turns requests into targets
	Pool     *Pool           // connections; the Manager closes it in Close
	Profiles *profiles.Set   // device profiles
	Logger   *slog.Logger    // nil discards
	// OutputCap is the per-command output cap in bytes; zero means
	// DefaultOutputCap.
	OutputCap int
	// WireLog receives the raw bytes of every shell both ways, for
	// debugging a device or a profile; secrets sent as answers (sudo,
	// enable) are redacted. nil means none. It must be safe for
	// concurrent use: shells write to it from their own goroutines.
	WireLog io.Writer
	// RetainedOutput bounds, in bytes, the outputs kept for finished
	// commands; past it the oldest are cut to their first and last 32 KiB.
	// Zero means DefaultRetainedOutput (16 MiB).
	RetainedOutput int64
	// RunningOutput bounds, in bytes, the outputs of running commands
	// together; past it the largest are cut to their first and last bytes.
	// Zero means DefaultRunningOutput (64 MiB).
	RunningOutput int64
	// ReadOnly makes every host read-only, whatever the config file says
	// (the server's --read-only); false leaves it to the config file.
	ReadOnly bool
	// Approver is asked about what a policy marks ask; nil means nobody
	// can be asked, so every ask is refused. Only the program that builds
	// the Manager chooses it: nothing an agent sends reaches it.
	Approver policy.Approver
}

// Manager runs commands in named, persistent shells on hosts and network
// devices: one connection per user@host:port, any number of named shells
// on it, one command at a time per shell with later ones queued in order.
// It is safe for concurrent use. It never interrupts or kills a command on
// its own initiative.
type Manager struct {
	resolver  *hosts.Resolver
	pool      *Pool
	profiles  *profiles.Set
	logger    *slog.Logger
	outputCap int
	// hashOutputs makes every new command's output keep a SHA-256 (an
	// audit log records it); off, outputs skip the hashing.
	hashOutputs atomic.Bool
	wireLog     io.Writer
	retained    *retainer
	running     *runningBudget
	readOnly    bool
	approver    policy.Approver
	config      configState // configuration transactions

	mu       sync.Mutex
	sessions map[sessionID]*session
	pending  map[sessionID]int // Start calls between creating a session and queueing on it
	closed   bool
}

type sessionID struct{ key, name string }

// NewManager checks the options and returns an idle Manager; it dials
// nothing yet.
func NewManager(opts ManagerOptions) (*Manager, error) {
	switch {
	case opts.Resolver == nil:
		return nil, errors.New("devices: ManagerOptions.Resolver is required (hosts.NewResolver)")
	case opts.Pool == nil:
		return nil, errors.New("devices: ManagerOptions.Pool is required (NewPool)")
	case opts.Profiles == nil:
		return nil, errors.New("devices: ManagerOptions.Profiles is required (profiles.Load)")
	case opts.OutputCap < 0:
		return nil, fmt.Errorf("devices: ManagerOptions.OutputCap is %d: give a positive size in bytes, or zero for the default", opts.OutputCap)
	case opts.RetainedOutput < 0:
		return nil, fmt.Errorf("devices: ManagerOptions.RetainedOutput is %d: give a positive size in bytes, or zero for the default", opts.RetainedOutput)
	case opts.RunningOutput < 0:
		return nil, fmt.Errorf("devices: ManagerOptions.RunningOutput is %d: give a positive size in bytes, or zero for the default", opts.RunningOutput)
	}
	m := &Manager{
		resolver: opts.Resolver, pool: opts.Pool, profiles: opts.Profiles,
		logger: opts.Logger, outputCap: cmp.Or(opts.OutputCap, DefaultOutputCap), wireLog: opts.WireLog,
		sessions: map[sessionID]*session{}, pending: map[sessionID]int{},
		retained: &retainer{budget: cmp.Or(opts.RetainedOutput, DefaultRetainedOutput)},
		running:  newRunningBudget(cmp.Or(opts.RunningOutput, DefaultRunningOutput)),
		readOnly: opts.ReadOnly, approver: opts.Approver,
	}
	if m.logger == nil {
		m.logger = slog.New(slog.DiscardHandler)
	}
	return m, nil
}

// Config returns the parsed configuration file of the resolver (defaults
// for command timeouts, output limits and history).
func (m *Manager) Config() *hosts.Config { return m.resolver.Config() }

// Start resolves req, connects (or reuses, or dials again, the
// connection), opens and prepares the named shell on first use (session ""
// means "default"), and queues command behind any running one. It returns
// as soon as the command is queued or running; it blocks only while
// dialing and preparing a new shell, bounded by ctx and the target's
// ConnectTimeout, and while a person is asked to approve a command the
// target's policy marks ask; a command the policy refuses is never typed
// and the error is a *policy.RefusedError. opts.OpenTimeout bounds the
// rest, but not the time a person takes. The command's life does not
// depend on ctx: it runs until
// it ends, is interrupted, or its session is closed.
func (m *Manager) Start(ctx context.Context, req hosts.Request, session string, command string, opts RunOptions) (*Command, error) {
	if strings.TrimSpace(command) == "" {
		return nil, errors.New("devices: the command is empty: give the shell command to run")
	}
	if session == ConfigSession {
		return nil, fmt.Errorf("devices: session %q is reserved for configuration transactions (apply_config), so that nothing is typed between their steps; choose another session name", ConfigSession)
	}
	octx, cancel := opts.openContext(ctx)
	defer cancel()
	t, err := m.resolver.Resolve(octx, req)
	if err != nil {
		return nil, err
	}
	if req.Profile != "" {
		t.Profile = req.Profile
	}
	if t.Profile != "" {
		if _, err := m.profile(t.Profile); err != nil {
			return nil, err
		}
	}
	if err := m.checkEnableCommand(t, opts.EnableCommand); err != nil {
		return nil, err
	}
	id := sessionID{t.Key(), cmp.Or(session, DefaultSession)}
	s, err := m.acquire(id, t)
	if err != nil {
		return nil, err
	}
	if err := m.checkCommand(ctx, octx, s, t, command); err != nil {
		m.release(ctx, id, s, true)
		return nil, err
	}
	// The time a person took to approve does not count against the
	// bound on opening the shell.
	octx, cancel = opts.openContext(ctx)
	defer cancel()
	c, err := s.submit(octx, command, opts)
	m.release(ctx, id, s, err != nil)
	if err != nil {
		return nil, fmt.Errorf("%s (session %q): %w", t.Alias, id.name, err)
	}
	c.hostTimeout = t.CommandTimeout
	return c, nil
}

// ErrEnableCommand means an enable_command the device profile does not
// declare (see profiles.Profile.EnableCommands).
var ErrEnableCommand = errors.New("devices: enable_command not declared by the profile")

// checkEnableCommand refuses an enable_command that the target's profile
// does not declare, or, while the profile is still to be detected, that
// no profile declares: the command is answered with the enable secret,
// which may come from the config file, so free text could send that
// secret wherever the command leads.
func (m *Manager) checkEnableCommand(t hosts.Target, cmd string) error {
	if cmd == "" {
		return nil
	}
	names := m.profiles.Names()
	if t.Profile != "" {
		names = []string{t.Profile}
	}
	var allowed []string
	for _, n := range names {
		if p, ok := m.profiles.Profile(n); ok {
			for _, c := range p.EnableCommands {
				if c == cmd {
					return nil
				}
				if !slices.Contains(allowed, c) {
					allowed = append(allowed, c)
				}
			}
		}
	}
	return fmt.Errorf("%w: %q is not one of the enable commands the profile declares (%s); the enable secret is only ever sent after one of those",
		ErrEnableCommand, cmd, strings.Join(allowed, ", "))
}

// profile returns the named profile if this build can drive it.
func (m *Manager) profile(name string) (*profiles.Profile, error) {
	p, ok := m.profiles.Profile(name)
	if !ok {
		return nil, fmt.Errorf("%w: no device profile named %q (known: %s); fix the profile name or add the profile to the profiles directory",
			ErrProfile, name, strings.Join(m.profiles.Names(), ", "))
	}
	if drivers[p.Completion] == nil {
		return nil, fmt.Errorf("%w: profile %q uses completion %q, which this build cannot drive; use completion marker or prompt", ErrProfile, p.Name, p.Completion)
	}
	return p, nil
}

// acquire returns the session for id, creating it, and counts the caller
// as pending so a failed first open by another caller does not remove it.
func (m *Manager) acquire(id sessionID, t hosts.Target) (*session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, fmt.Errorf("%w: the session manager is shut down", ErrClosed)
	}
	s := m.sessions[id]
	if s == nil {
		s = newSession(m, t, id.name)
		m.sessions[id] = s
	}
	m.pending[id]++
	return s, nil
}

// release undoes acquire; a session that never got a shell and has no one
// else waiting on it is removed, so a failed dial leaves nothing behind.
func (m *Manager) release(ctx context.Context, id sessionID, s *session, failed bool) {
	m.mu.Lock()
	m.pending[id]--
	drop := false
	if m.pending[id] == 0 {
		delete(m.pending, id)
		drop = failed && m.sessions[id] == s && s.empty()
		if drop {
			delete(m.sessions, id)
		}
	}
	m.mu.Unlock()
	if drop {
		_ = s.close(context.WithoutCancel(ctx)) // its worker has nothing to finish
	}
}

// Sessions lists the open sessions, ordered by host and name.
func (m *Manager) Sessions() []SessionInfo {
	m.mu.Lock()
	list := make([]*session, 0, len(m.sessions))
	for _, s := range m.sessions {
		list = append(list, s)
	}
	m.mu.Unlock()
	infos := make([]SessionInfo, 0, len(list))
	for _, s := range list {
		infos = append(infos, s.info())
	}
	slices.SortFunc(infos, func(a, b SessionInfo) int {
		return cmp.Or(cmp.Compare(a.Alias, b.Alias), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Name, b.Name))
	})
	return infos
}

// CloseSession closes the named shell of a host; session "" closes every
// shell of that host and its connection. Commands queued or running there
// end interrupted with Err "session closed". It returns how many shells
// HashOutputs makes the output of every command started from now on keep
// its SHA-256 for Command.OutputSum, as an audit log needs. Without it no
// output is hashed. Safe for concurrent use.
func (m *Manager) HashOutputs() { m.hashOutputs.Store(true) }

// it closed, and blocks until their workers ended or ctx ends.
func (m *Manager) CloseSession(ctx context.Context, req hosts.Request, session string) (int, error) {
	t, err := m.resolver.Resolve(ctx, req)
	if err != nil {
		return 0, err
	}
	key := t.Key()
	n, err := m.closeWhere(ctx, func(id sessionID) bool {
		return id.key == key && (session == "" || id.name == session)
	})
	if session == "" {
		err = errors.Join(err, m.pool.CloseKey(key))
	}
	return n, err
}

// CloseAll closes every shell and connection; the Manager stays usable.
func (m *Manager) CloseAll(ctx context.Context) (int, error) {
	n, err := m.closeWhere(ctx, func(sessionID) bool { return true })
	for _, key := range m.pool.Keys() {
		err = errors.Join(err, m.pool.CloseKey(key))
	}
	return n, err
}

// Close closes every session and connection, refuses further commands, and
// waits for every goroutine it started (bounded by ctx).
func (m *Manager) Close(ctx context.Context) error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	_, err := m.closeWhere(ctx, func(sessionID) bool { return true })
	return errors.Join(err, m.pool.Close())
}

func (m *Manager) closeWhere(ctx context.Context, match func(sessionID) bool) (int, error) {
	m.mu.Lock()
	var list []*session
	for id, s := range m.sessions {
		if match(id) {
			list = append(list, s)
			delete(m.sessions, id)
		}
	}
	m.mu.Unlock()
	var errs []error
	for _, s := range list {
		errs = append(errs, s.close(ctx))
	}
	return len(list), errors.Join(errs...)
}

// Exec runs one command on a fresh exec channel of the shared connection
// (no shell, no profile): stdin, stdout and stderr are the caller's, and
// the exit status is returned. Bounded by ctx; cancelling ctx interrupts
// the remote command.
func (m *Manager) Exec(ctx context.Context, req hosts.Request, cmd string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	t, err := m.resolver.Resolve(ctx, req)
	if err != nil {
		return 0, err
	}
	conn, _, err := m.pool.Conn(ctx, t)
	if err != nil {
		return 0, err
	}
	return conn.Exec(ctx, cmd, stdin, stdout, stderr)
}
