package devices

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// Configuration transactions: ApplyConfig, ConfirmConfig and
// RollbackConfig type the commands of the profile's config: section
// (profiles.Config) into a session of their own, one transaction per
// device at a time.

// ConfigMode is what ApplyConfig does with the lines.
type ConfigMode string

// The modes of ApplyConfig.
const (
	// ConfigCheck loads the lines, reports the diff and the rejected
	// lines, and discards them: nothing changes.
	ConfigCheck ConfigMode = "check"
	// ConfigCommit commits the lines when every one was accepted.
	ConfigCommit ConfigMode = "commit"
	// ConfigCommitConfirmed commits them with the platform's automatic
	// rollback armed; ConfirmConfig makes the change stick.
	ConfigCommitConfirmed ConfigMode = "commit_confirmed"
)

// The statuses of a ConfigResult.
const (
	ConfigChecked              = "checked"
	ConfigCommitted            = "committed"
	ConfigAwaitingConfirmation = "awaiting_confirmation"
	ConfigRejected             = "rejected"
	ConfigFailed               = "failed"
	ConfigRolledBack           = "rolled_back"
)

// ConfigSession is the session transactions run in. It is reserved:
// Start refuses it, so that no other command is ever typed between a
// transaction's steps.
const ConfigSession = "config"

// Bounds of ConfigRequest.
const (
	MaxConfigLines     = 5000
	MaxConfirmMinutes  = 60
	DefaultConfirmMins = 5
	maxCommentLen      = 200
	// configStepTimeout bounds one command of a transaction: a commit of
	// a large configuration takes a while.
	configStepTimeout = 5 * time.Minute
)

// ConfigRequest is what ApplyConfig applies.
type ConfigRequest struct {
	Lines          []string
	Mode           ConfigMode // zero: ConfigCheck
	ConfirmMinutes int        // commit_confirmed's deadline; zero: DefaultConfirmMins
	Comment        string     // for the platform's commit comment
	Run            RunOptions // secrets (enable)

	approvedDiff *string // the diff a person approved; commit only that
	// name is {transaction}: one for the policy's question, the check
	// that shows a person the diff and the commit, whose diff must be
	// the same (EOS names the session in its diff).
	name string
}

// ConfigLineError is a line the device rejected.
type ConfigLineError struct {
	Index   int    // of the line in ConfigRequest.Lines; -1 for the check of the whole
	Line    string // as typed
	Message string // the device's error line
}

// ConfigResult is how a transaction ended.
type ConfigResult struct {
	Status     string
	Diff       string // the device's own diff text
	Errors     []ConfigLineError
	ConfirmBy  time.Time // awaiting_confirmation: the deadline
	RollbackID string    // the point to go back to, as the platform names it
	Profile    string
	Target     string // user@host:port
	Note       string // what was done beside the lines (discarded, rolled back)
}

// placeholderRe finds the {name} placeholders of a step.
var placeholderRe = regexp.MustCompile(`\{[a-z_]+\}`)

// ErrConfig marks a transaction that could not run: no support on the
// platform, bad input, a step that failed.
var ErrConfig = errors.New("devices: configuration transaction")

// pendingConfirm is a commit_confirmed that awaits ConfirmConfig.
type pendingConfirm struct {
	deadline   time.Time
	rollbackID string
	diff       string            // the diff committed: a confirm step that captures a diff must find it again
	vars       map[string]string // the transaction's variables ({transaction}, set: ones)
}

// txVars are the variables every step may use: {minutes} and {timer}
// (the same time as hh:mm:ss), {comment}, and {transaction}, a name of
// this transaction's own for platforms that name a configuration session
// or a file after it.
func txVars(minutes int, comment, name string) map[string]string {
	return map[string]string{
		"minutes":     strconv.Itoa(minutes),
		"timer":       fmt.Sprintf("%02d:%02d:00", minutes/60, minutes%60),
		"comment":     comment,
		"transaction": name,
	}
}

// newTxName is a new {transaction}: mcp and eight hex digits.
func newTxName() string {
	var b [4]byte
	rand.Read(b[:])
	return "mcp" + hex.EncodeToString(b[:])
}

// minutes is the time a revert timer of cr's transaction runs for.
func (cr ConfigRequest) minutes(cfg *profiles.Config) int {
	if cr.Mode == ConfigCommitConfirmed {
		return cr.ConfirmMinutes
	}
	return cfg.SafetyMinutes
}

// configState is the manager's transactions: a lock per device and the
// confirmations due.
type configState struct {
	mu      sync.Mutex
	locks   map[string]chan struct{} // by target key; capacity 1
	pending map[string]pendingConfirm
	// renames are when a device's host name may change by our doing, by
	// target key: while a transaction or rollback runs (its lines or a
	// rollback may rename it), and after a confirmed commit until a while
	// past its deadline (the device's own rollback may rename it back). A
	// session whose last command began before the end of one of them,
	// and that starts a command after its start, accepts another name in
	// that command's prompts.
	renames map[string][]renameSpan
	spans   int64 // the last span's id
}

// renameSpan is a time during which a device's host name may change.
type renameSpan struct {
	id       int64
	from, to time.Time
}

const (
	// renamesKept bounds the spans kept per device; the oldest go first.
	renamesKept = 16
	// renameSlack is how long after a confirmed commit's deadline the
	// device's own rollback may still come (clocks, a slow device).
	renameSlack = time.Minute
)

// farFuture ends a span that is still open.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// mayRename records that the device key's host name may change from
// from until to (farFuture: until endRename), and returns the span's id.
func (cs *configState) mayRename(key string, from, to time.Time) int64 {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.renames == nil {
		cs.renames = map[string][]renameSpan{}
	}
	cs.spans++
	r := append(cs.renames[key], renameSpan{cs.spans, from, to})
	cs.renames[key] = r[max(len(r)-renamesKept, 0):]
	return cs.spans
}

// endRename ends the span id of key now; with id 0, every span of key
// that reaches into the future: a confirmation or a rollback leaves
// nothing that could rename the device later by itself.
func (cs *configState) endRename(key string, id int64) {
	now := time.Now()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for i, sp := range cs.renames[key] {
		if (id == 0 || sp.id == id) && sp.to.After(now) {
			cs.renames[key][i].to = now
		}
	}
}

// renamedSince reports whether the device key's host name may have
// changed after since: a span that ends after it and has begun by now.
func (cs *configState) renamedSince(key string, since time.Time) bool {
	now := time.Now()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, sp := range cs.renames[key] {
		if sp.to.After(since) && !sp.from.After(now) {
			return true
		}
	}
	return false
}

// lock waits for the device's transaction lock, or ctx.
func (cs *configState) lock(ctx context.Context, key string) (func(), error) {
	cs.mu.Lock()
	if cs.locks == nil {
		cs.locks, cs.pending = map[string]chan struct{}{}, map[string]pendingConfirm{}
	}
	l := cs.locks[key]
	if l == nil {
		l = make(chan struct{}, 1)
		cs.locks[key] = l
	}
	cs.mu.Unlock()
	select {
	case l <- struct{}{}:
		return func() { <-l }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: another configuration transaction on %s was still running when this call ended (%v); try again when it is done",
			ErrConfig, key, context.Cause(ctx))
	}
}

// txn is one transaction in progress.
type txn struct {
	m    *Manager
	s    *session
	cfg  *profiles.Config
	o    RunOptions
	vars map[string]string
	// wantDiff, when set, is what a step that captures a diff must
	// print: confirm checks that the pending change is still there.
	wantDiff *string
}

// configTarget resolves req and opens the transaction's session, finding
// the profile (detected when the shell opens if need be).
func (m *Manager) configTarget(ctx context.Context, req hosts.Request) (hosts.Target, *session, sessionID, *profiles.Profile, error) {
	t, err := m.resolver.Resolve(ctx, req)
	if err != nil {
		return t, nil, sessionID{}, nil, err
	}
	if req.Profile != "" {
		t.Profile = req.Profile
	}
	id := sessionID{t.Key(), ConfigSession}
	s, err := m.acquire(id, t)
	if err != nil {
		return t, nil, id, nil, err
	}
	p, err := m.sessionProfile(ctx, s, t)
	if err != nil {
		m.release(ctx, id, s, true)
		return t, nil, id, nil, err
	}
	if p.Config == nil {
		m.release(ctx, id, s, false)
		return t, nil, id, nil, fmt.Errorf("%w: profile %q says nothing of configuration transactions (it has no config: section); "+
			"make the change with execute_command, or add a config: section to the profile (see profiles/README.md)", ErrConfig, p.Name)
	}
	if p.Config.Unsupported != "" {
		m.release(ctx, id, s, false)
		return t, nil, id, nil, fmt.Errorf("%w: %s (profile %s): %s", ErrConfig, t.Alias, p.Name, p.Config.Unsupported)
	}
	return t, s, id, p, nil
}

// ApplyConfig loads cr.Lines into the device's candidate (or the
// platform's equivalent), reports the diff and the lines it rejected, and
// discards, commits or commits with an automatic rollback armed, as
// cr.Mode says. A rejected line commits nothing and leaves the device as
// it was. The host's policy reads every line as a command: deny refuses
// the whole; ask runs a check first, shows the person its diff, and
// commits only that diff once approved. Read-only mode refuses it. A
// second transaction on the same device waits for the first.
func (m *Manager) ApplyConfig(ctx context.Context, req hosts.Request, cr ConfigRequest) (ConfigResult, error) {
	if err := checkConfigRequest(&cr); err != nil {
		return ConfigResult{}, err
	}
	t, s, id, p, err := m.configTarget(ctx, req)
	if err != nil {
		return ConfigResult{}, err
	}
	defer m.release(ctx, id, s, false)
	res := ConfigResult{Profile: p.Name, Target: t.Key()}
	if err := checkLines(p, cr.Lines); err != nil {
		return res, err
	}
	cr.name = newTxName()
	q, err := m.configQuestion(t, p, cr)
	if err != nil {
		return res, err
	}
	unlock, err := m.config.lock(ctx, t.Key())
	if err != nil {
		return res, err
	}
	defer unlock()
	if cr.Mode != ConfigCheck {
		m.config.mu.Lock()
		pc, pending := m.config.pending[t.Key()]
		m.config.mu.Unlock()
		if pending && time.Now().Before(pc.deadline) {
			// Another commit would confirm it on some platforms, or stack
			// on it on others: the agent must decide first.
			return res, fmt.Errorf("%w: a commit_confirmed on %s awaits confirmation until %s: confirm it with confirm_config, or undo it with rollback_config, before committing again (a check is allowed)",
				ErrConfig, t.Alias, pc.deadline.Format(time.RFC3339))
		}
	}
	switch {
	case q.Verdict.Decision != policy.Ask:
	case p.Config.CheckChanges:
		// Even a check would change the device for a moment: ask first,
		// with the lines, since no diff can be had before.
		q.Detail = "Lines:\n" + strings.Join(cr.Lines, "\n") + "\n\n(This platform has no candidate: the lines are applied, then " +
			"reverted for a check, or kept for a commit.)"
		if err := m.enforce(ctx, q); err != nil {
			return res, err
		}
	case cr.Mode == ConfigCheck:
		// A check changes nothing: nobody needs to be asked.
	default:
		check := cr
		check.Mode = ConfigCheck
		checked := m.transaction(ctx, s, p, check, res)
		if checked.Status != ConfigChecked {
			return checked, nil
		}
		q.Detail = "Lines:\n" + strings.Join(cr.Lines, "\n") + "\n\nThe device's diff:\n" + checked.Diff
		if err := m.enforce(ctx, q); err != nil {
			return checked, err
		}
		cr.approvedDiff = &checked.Diff
	}
	return m.transaction(ctx, s, p, cr, res), nil
}

// configQuestion is what the host's policy says of the lines: the
// strictest decision of any of them; read-only mode refuses them all.
func (m *Manager) configQuestion(t hosts.Target, p *profiles.Profile, cr ConfigRequest) (policy.Question, error) {
	pol := m.policyFor(t)
	q := policy.Question{Host: t.Alias, Target: t.Key(), Session: ConfigSession, Action: "config",
		Text: strings.Join(cr.Lines, "\n")}
	if pol.ReadOnly {
		q.Verdict = policy.Verdict{Decision: policy.Deny, ReadOnly: true, Reason: "read-only mode (" + pol.ReadOnlyWhere + ") makes no configuration change"}
		return q, &policy.RefusedError{Question: q}
	}
	// The lines, and every command the transaction types for them: a
	// rule on "configure" or "commit" holds for apply_config too.
	cfg := p.Config
	vars := txVars(cr.minutes(cfg), cr.Comment, cr.name)
	ops := [][]profiles.ConfigStep{cfg.Begin, cfg.Diff, cfg.Check, cfg.Discard, cfg.End}
	switch cr.Mode {
	case ConfigCommit:
		ops = append(ops, cfg.Commit)
	case ConfigCommitConfirmed:
		ops = append(ops, cfg.CommitConfirmed)
	}
	q.Verdict = strictest(pol, policyTarget(p), append(slices.Clone(cr.Lines), stepCommands(vars, ops...)...))
	if q.Verdict.Decision == policy.Deny {
		return q, &policy.RefusedError{Question: q}
	}
	return q, nil
}

// strictest is the strictest verdict of the policy on any of the
// commands.
func strictest(pol policy.Policy, target policy.Target, commands []string) policy.Verdict {
	var out policy.Verdict
	for i, c := range commands {
		if v := policy.Command(pol, target, c); i == 0 || v.Decision > out.Decision {
			out = v
		}
	}
	return out
}

// stepCommands are the commands of the operations, with vars filled in.
func stepCommands(vars map[string]string, ops ...[]profiles.ConfigStep) []string {
	tx := &txn{vars: vars}
	var out []string
	for _, op := range ops {
		for _, st := range op {
			out = append(out, tx.fill(st.Send))
		}
	}
	return out
}

// checkLines refuses, before anything is typed, a line the profile does
// not let a transaction type.
func checkLines(p *profiles.Profile, lines []string) error {
	cfg := p.Config
	for i, l := range lines {
		for _, f := range cfg.ForbidLines {
			if f.Regexp.MatchString(l) {
				return fmt.Errorf("%w: line %d (%q) is not a configuration line for profile %s (it matches %s): a transaction types only statements; "+
					"commit, roll back, leave the mode and run commands with the tools meant for them, nothing was typed", ErrConfig, i, l, p.Name, f.Name)
			}
		}
		if len(cfg.AllowLines) > 0 && !slices.ContainsFunc(cfg.AllowLines, func(a expect.Pattern) bool { return a.Regexp.MatchString(l) }) {
			return fmt.Errorf("%w: line %d (%q) is not a configuration statement profile %s lets a transaction type (%s); nothing was typed",
				ErrConfig, i, l, p.Name, patternNames(cfg.AllowLines))
		}
	}
	return nil
}

func patternNames(ps []expect.Pattern) string {
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// checkConfigRequest fills defaults and refuses what cannot be typed
// safely.
func checkConfigRequest(cr *ConfigRequest) error {
	cr.Mode = cmp.Or(cr.Mode, ConfigCheck)
	switch cr.Mode {
	case ConfigCheck, ConfigCommit, ConfigCommitConfirmed:
	default:
		return fmt.Errorf("%w: mode %q: use check, commit or commit_confirmed", ErrConfig, cr.Mode)
	}
	var lines []string
	for _, l := range cr.Lines {
		for _, part := range strings.Split(strings.ReplaceAll(l, "\r\n", "\n"), "\n") {
			if strings.TrimSpace(part) != "" {
				lines = append(lines, strings.TrimRight(part, " \t"))
			}
		}
	}
	if len(lines) == 0 {
		return fmt.Errorf("%w: no configuration lines: give lines as a list, or as one text with a line each", ErrConfig)
	}
	if len(lines) > MaxConfigLines {
		return fmt.Errorf("%w: %d lines, more than %d: split the change", ErrConfig, len(lines), MaxConfigLines)
	}
	for i, l := range lines {
		if j := strings.IndexFunc(l, func(r rune) bool { return r < 0x20 || r == 0x7f }); j >= 0 {
			return fmt.Errorf("%w: line %d (%q) holds a control character or a tab, which the CLI would take as a key (a tab completes a word): use spaces", ErrConfig, i, l)
		}
	}
	cr.Lines = lines
	if cr.ConfirmMinutes == 0 {
		cr.ConfirmMinutes = DefaultConfirmMins
	}
	if cr.ConfirmMinutes < 1 || cr.ConfirmMinutes > MaxConfirmMinutes {
		return fmt.Errorf("%w: confirm_minutes %d: give 1 to %d", ErrConfig, cr.ConfirmMinutes, MaxConfirmMinutes)
	}
	return checkComment(&cr.Comment)
}

// checkComment accepts a short printable comment without quotes or
// backslashes (it is typed inside quotes); empty gets a default.
func checkComment(c *string) error {
	*c = cmp.Or(strings.TrimSpace(*c), "mcp-ssh-session")
	if len(*c) > maxCommentLen || strings.ContainsAny(*c, "\"\\") || strings.IndexFunc(*c, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return fmt.Errorf("%w: comment %q: use at most %d printable characters without quotes or backslashes", ErrConfig, *c, maxCommentLen)
	}
	return nil
}

// transaction runs the operations for cr on session s and reports how it
// ended; res carries the profile and target.
func (m *Manager) transaction(ctx context.Context, s *session, p *profiles.Profile, cr ConfigRequest, res ConfigResult) ConfigResult {
	cfg := p.Config
	if cr.name == "" {
		cr.name = newTxName()
	}
	tx := &txn{m: m, s: s, cfg: cfg, o: cr.Run, vars: txVars(cr.minutes(cfg), cr.Comment, cr.name)}
	// The lines may rename the device (hostname, set system host-name),
	// and with it the prompt: of a later step (the commit, on a platform
	// with a candidate), and of every other session's next command.
	tx.o.renamed = true
	span := m.config.mayRename(s.key, time.Now(), farFuture)
	defer m.config.endRename(s.key, span)
	fail := func(err error) ConfigResult {
		res.Status = ConfigFailed
		res.Note = err.Error()
		if tx.undo(ctx) {
			res.Note += "; the change was discarded and the device left as it was"
		} else {
			res.Note += "; discarding it failed as well: check the device"
		}
		return res
	}
	began := time.Now() // a revert timer armed by begin counts from here
	if _, err := tx.run(ctx, "begin", cfg.Begin); err != nil {
		res.Status, res.Note = ConfigFailed, err.Error()
		if tx.inMode() {
			tx.undo(ctx)
		}
		return res
	}
	if !tx.inMode() {
		return fail(fmt.Errorf("begin did not reach the %s mode (the prompt shows %s)", cfg.Mode, tx.mode()))
	}
	for i, line := range cr.Lines {
		info, err := tx.command(ctx, line, nil)
		switch {
		case err != nil:
			return fail(fmt.Errorf("line %d (%q): %w", i, line, err))
		case info.Status == StatusFailed:
			res.Errors = append(res.Errors, ConfigLineError{Index: i, Line: line, Message: cmp.Or(info.ErrorLine, "rejected")})
		case info.Mode != cfg.Mode:
			return fail(fmt.Errorf("line %d (%q) left the %s mode (now %s): give only configuration lines, without end or exit", i, line, cfg.Mode, info.Mode))
		}
		if len(res.Errors) > 0 && !cfg.ContinueAfterError {
			break
		}
	}
	diff, err := tx.run(ctx, "diff", cfg.Diff)
	if err != nil {
		return fail(err)
	}
	res.Diff = diff
	if len(res.Errors) > 0 {
		res.Status = ConfigRejected
		res.Note = "nothing was committed: the device rejected a line"
		if !tx.undo(ctx) {
			res.Note += "; discarding the other lines failed: check the device"
		}
		return res
	}
	if _, err := tx.run(ctx, "check", cfg.Check); err != nil {
		res.Status = ConfigRejected
		res.Errors = append(res.Errors, ConfigLineError{Index: -1, Message: err.Error()})
		res.Note = "nothing was committed: the device's check of the change failed"
		tx.undo(ctx)
		return res
	}
	if cr.approvedDiff != nil && *cr.approvedDiff != diff {
		return fail(errors.New("the device's diff differs from the one a person approved (the configuration changed meanwhile); nothing was committed: check again"))
	}
	switch cr.Mode {
	case ConfigCheck:
		res.Status = ConfigChecked
		if !tx.undo(ctx) {
			res.Status, res.Note = ConfigFailed, "the check ran, but discarding the lines failed: check the device"
		}
		return res
	case ConfigCommit:
		if _, err := tx.run(ctx, "commit", cfg.Commit); err != nil {
			return fail(err)
		}
		res.Status = ConfigCommitted
	case ConfigCommitConfirmed:
		if len(cfg.CommitConfirmed) == 0 {
			return fail(fmt.Errorf("profile %s has no commit_confirmed: the platform cannot roll back by itself; use commit", p.Name))
		}
		if _, err := tx.run(ctx, "commit_confirmed", cfg.CommitConfirmed); err != nil {
			return fail(err)
		}
		res.Status = ConfigAwaitingConfirmation
		res.ConfirmBy = began.Add(time.Duration(cr.ConfirmMinutes) * time.Minute).UTC().Truncate(time.Second)
	}
	res.RollbackID = tx.fill(cfg.RollbackID)
	if _, err := tx.run(ctx, "end", cfg.End); err != nil {
		res.Note = "committed, but leaving the configuration mode failed: " + err.Error()
	}
	if res.Status == ConfigAwaitingConfirmation {
		// The device's own rollback may rename it back: its timer counts
		// from its commit, just now.
		now := time.Now()
		m.config.mayRename(s.key, now, now.Add(time.Duration(cr.ConfirmMinutes)*time.Minute+renameSlack))
		m.config.mu.Lock()
		m.config.pending[s.key] = pendingConfirm{deadline: res.ConfirmBy, rollbackID: res.RollbackID, diff: res.Diff, vars: maps.Clone(tx.vars)}
		m.config.mu.Unlock()
	}
	return res
}

// ConfirmConfig confirms the pending commit_confirmed of the device, so
// that the change stays. It fails when none is pending or its deadline
// has passed (the device rolled back by itself).
func (m *Manager) ConfirmConfig(ctx context.Context, req hosts.Request, o RunOptions) (ConfigResult, error) {
	t, s, id, p, err := m.configTarget(ctx, req)
	if err != nil {
		return ConfigResult{}, err
	}
	defer m.release(ctx, id, s, false)
	res := ConfigResult{Profile: p.Name, Target: t.Key()}
	if m.readOnly || t.Policy.ReadOnly {
		return res, fmt.Errorf("%w: read-only mode makes no configuration change", ErrConfig)
	}
	unlock, err := m.config.lock(ctx, t.Key())
	if err != nil {
		return res, err
	}
	defer unlock()
	m.config.mu.Lock()
	pc, ok := m.config.pending[t.Key()]
	m.config.mu.Unlock()
	switch {
	case !ok:
		return res, fmt.Errorf("%w: no commit_confirmed of this server awaits confirmation on %s; nothing was sent", ErrConfig, t.Alias)
	case time.Now().After(pc.deadline):
		m.config.mu.Lock()
		delete(m.config.pending, t.Key())
		m.config.mu.Unlock()
		return res, fmt.Errorf("%w: the deadline of the commit_confirmed on %s passed at %s: the device has rolled the change back by itself; nothing was sent. Check its configuration, and apply the change again if it is still wanted",
			ErrConfig, t.Alias, pc.deadline.Format(time.RFC3339))
	}
	// The transaction's own variables: confirm may name its session.
	vars := maps.Clone(pc.vars)
	if vars == nil {
		vars = txVars(p.Config.SafetyMinutes, "", newTxName())
	}
	vars["comment"] = "confirm"
	q := policy.Question{Host: t.Alias, Target: t.Key(), Session: ConfigSession, Action: "config", Text: "confirm the pending commit_confirmed",
		Verdict: strictest(m.policyFor(t), policyTarget(p), stepCommands(vars, p.Config.Confirm))}
	if q.Verdict.Decision == policy.Deny {
		return res, &policy.RefusedError{Question: q}
	}
	if err := m.enforce(ctx, q); err != nil {
		return res, err
	}
	tx := &txn{m: m, s: s, cfg: p.Config, o: o, vars: vars, wantDiff: &pc.diff}
	if _, err := tx.run(ctx, "confirm", p.Config.Confirm); err != nil {
		if tx.inMode() {
			tx.undo(ctx)
		}
		m.config.mu.Lock()
		delete(m.config.pending, t.Key()) // the device has nothing left to confirm, or cannot: do not try again blindly
		m.config.mu.Unlock()
		return res, fmt.Errorf("%w: nothing was confirmed: %v", ErrConfig, err)
	}
	m.config.mu.Lock()
	delete(m.config.pending, t.Key())
	m.config.mu.Unlock()
	m.config.endRename(t.Key(), 0) // confirmed: the device will not roll back by itself
	res.Status, res.RollbackID = ConfigCommitted, pc.rollbackID
	return res, nil
}

// RollbackConfig goes back to the configuration to names (a rollback_id,
// or "1" for the one before the last commit) and reports the diff it
// undid.
func (m *Manager) RollbackConfig(ctx context.Context, req hosts.Request, to, comment string, o RunOptions) (ConfigResult, error) {
	if err := checkComment(&comment); err != nil {
		return ConfigResult{}, err
	}
	t, s, id, p, err := m.configTarget(ctx, req)
	if err != nil {
		return ConfigResult{}, err
	}
	defer m.release(ctx, id, s, false)
	res := ConfigResult{Profile: p.Name, Target: t.Key()}
	cfg := p.Config
	switch {
	case m.readOnly || t.Policy.ReadOnly:
		return res, fmt.Errorf("%w: read-only mode makes no configuration change", ErrConfig)
	case len(cfg.Rollback) == 0 || cfg.RollbackTo == nil:
		return res, fmt.Errorf("%w: profile %s cannot roll back (no rollback: in its config: section)", ErrConfig, p.Name)
	case !cfg.RollbackTo.MatchString(to):
		return res, fmt.Errorf("%w: to %q is not a rollback id of %s (they match %s); use a rollback_id that apply_config returned", ErrConfig, to, p.Name, cfg.RollbackTo)
	}
	vars := txVars(cfg.SafetyMinutes, comment, newTxName())
	vars["to"] = to
	q := policy.Question{Host: t.Alias, Target: t.Key(), Session: ConfigSession, Action: "config", Text: "rollback to " + to,
		Verdict: strictest(m.policyFor(t), policyTarget(p), append([]string{"rollback " + to}, stepCommands(vars, cfg.Cancel, cfg.Rollback)...))}
	if q.Verdict.Decision == policy.Deny {
		return res, &policy.RefusedError{Question: q}
	}
	if err := m.enforce(ctx, q); err != nil {
		return res, err
	}
	unlock, err := m.config.lock(ctx, t.Key())
	if err != nil {
		return res, err
	}
	defer unlock()
	// What a rollback restores is not known beforehand: the host name
	// too, maybe.
	o.renamed = true
	span := m.config.mayRename(t.Key(), time.Now(), farFuture)
	defer m.config.endRename(t.Key(), span)
	cancelled, note := m.cancelPending(ctx, t, s, cfg, o)
	tx := &txn{m: m, s: s, cfg: cfg, o: o, vars: vars}
	diff, err := tx.run(ctx, "rollback", cfg.Rollback)
	res.Diff, res.Note = diff, note
	if cancelled != "" {
		res.Diff = strings.TrimRight(cancelled, "\n") + "\n" + diff
	}
	if err != nil {
		res.Status, res.Note = ConfigFailed, strings.TrimPrefix(note+"; "+err.Error(), "; ")
		if tx.inMode() && !tx.undo(ctx) {
			res.Note += "; leaving the configuration mode failed: check the device"
		}
		return res, nil
	}
	m.config.mu.Lock()
	delete(m.config.pending, t.Key()) // a rollback ends any pending confirmation
	m.config.mu.Unlock()
	m.config.endRename(t.Key(), 0)
	res.Status = ConfigRolledBack
	return res, nil
}

// cancelPending runs the profile's cancel operation when a
// commit_confirmed of this server is pending on the device, with that
// transaction's variables, so that its timer cannot undo a rollback
// later. It returns the diff of the change it cancelled ("" when none),
// and a note for the result.
func (m *Manager) cancelPending(ctx context.Context, t hosts.Target, s *session, cfg *profiles.Config, o RunOptions) (string, string) {
	m.config.mu.Lock()
	pc, pending := m.config.pending[t.Key()]
	m.config.mu.Unlock()
	if !pending || len(cfg.Cancel) == 0 || !time.Now().Before(pc.deadline) || pc.vars == nil {
		return "", ""
	}
	tx := &txn{m: m, s: s, cfg: cfg, o: o, vars: maps.Clone(pc.vars)}
	if _, err := tx.run(ctx, "cancel", cfg.Cancel); err != nil {
		// The device may have rolled it back already; the rollback goes on.
		return "", "cancelling the pending commit_confirmed first failed (" + err.Error() + ")"
	}
	m.config.mu.Lock()
	delete(m.config.pending, t.Key())
	m.config.mu.Unlock()
	return pc.diff, "the pending commit_confirmed was cancelled first (the diff begins with its change)"
}

// undoTimeout bounds putting the device back after a failure.
const undoTimeout = 2 * time.Minute

// undo discards the candidate and leaves the configuration mode; it
// reports whether both worked. It goes on when ctx has ended (the client
// cancelled, the server stops): a device must not be left mid-change.
func (tx *txn) undo(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
	defer cancel()
	_, err1 := tx.run(ctx, "discard", tx.cfg.Discard)
	_, err2 := tx.run(ctx, "end", tx.cfg.End)
	return err1 == nil && err2 == nil
}

func (tx *txn) mode() string {
	tx.s.mu.Lock()
	defer tx.s.mu.Unlock()
	return tx.s.last.Mode
}

func (tx *txn) inMode() bool { return tx.mode() == tx.cfg.Mode }

// fill puts the variables into text.
func (tx *txn) fill(text string) string {
	return placeholderRe.ReplaceAllStringFunc(text, func(m string) string {
		if v, ok := tx.vars[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// run types the steps of one operation; it returns the captured diff.
func (tx *txn) run(ctx context.Context, op string, steps []profiles.ConfigStep) (string, error) {
	var diff string
	for i := range steps {
		st := &steps[i]
		cmd := tx.fill(st.Send)
		info, err := tx.command(ctx, cmd, st)
		if err != nil {
			return diff, fmt.Errorf("%s: %q: %w", op, cmd, err)
		}
		out, _, _ := info.output()
		why := func(what string) error {
			return fmt.Errorf("%s: %q: %s%s", op, cmd, what, cmp.Or(withColon(st.Message), ""))
		}
		if st.Optional && info.Status.Finished() {
			continue
		}
		switch {
		case info.Status == StatusFailed:
			return diff, why("the device answered " + strconv.Quote(cmp.Or(info.ErrorLine, lastLine(out))))
		case info.Status != StatusCompleted:
			return diff, why("ended " + string(info.Status))
		case st.Fail != nil && st.Fail.Regexp.MatchString(out):
			return diff, why("the device answered " + strconv.Quote(st.Fail.Regexp.FindString(out)))
		case st.OK != nil && !st.OK.Regexp.MatchString(out):
			return diff, why("the expected answer did not come; the device printed " + strconv.Quote(clip(out, 300)))
		}
		for name, re := range st.Set {
			m := re.FindStringSubmatch(out)
			if m == nil {
				return diff, why(fmt.Sprintf("%s not found in what the device printed (%q)", name, clip(out, 300)))
			}
			tx.vars[name] = m[1]
		}
		if st.Capture == "diff" {
			diff = out
			if tx.wantDiff != nil && strings.TrimSpace(out) != strings.TrimSpace(*tx.wantDiff) {
				return diff, fmt.Errorf("%s: %q: the device no longer holds the pending change (it rolled it back by itself, or the configuration changed since); it shows:\n%s", op, cmd, clip(out, 2000))
			}
		}
	}
	return diff, nil
}

func withColon(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// interruptWaitConfig bounds the wait for a command stopped with Ctrl+C.
const interruptWaitConfig = 10 * time.Second

// configOutput bounds the output a step keeps.
const configOutput = 1 << 20

// stepInfo is a finished command of a transaction.
type stepInfo struct {
	CommandInfo
	c *Command
}

func (si stepInfo) output() (string, int64, error) { return si.c.Output(0, configOutput) }

// command types one command into the session, bypassing the policy (the
// transaction was checked as a whole), answers the questions the step
// allows, and waits for it to end.
func (tx *txn) command(ctx context.Context, text string, st *profiles.ConfigStep) (stepInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, configStepTimeout)
	defer cancel()
	c, err := tx.s.submit(ctx, text, tx.o)
	if err != nil {
		return stepInfo{}, err
	}
	answered := 0
	for {
		select {
		case <-c.Done():
			return stepInfo{CommandInfo: c.Info(), c: c}, nil
		case <-c.Changed():
		case <-ctx.Done():
			_ = c.Interrupt(context.WithoutCancel(ctx))
			return stepInfo{}, fmt.Errorf("no answer within %s (%v); Ctrl+C was sent", configStepTimeout, context.Cause(ctx))
		}
		info := c.Info()
		if info.Status != StatusAwaitingInput {
			continue
		}
		reply, ok := "", false
		if st != nil {
			for _, a := range st.Answers {
				if a.Pattern.Regexp.MatchString(info.InputPrompt) {
					reply, ok = a.Reply, true
					break
				}
			}
		}
		if !ok || answered >= 4 {
			_ = c.Interrupt(context.WithoutCancel(ctx))
			select {
			case <-c.Done():
			case <-time.After(interruptWaitConfig):
			}
			return stepInfo{}, fmt.Errorf("it asked %q, which the profile's config: section does not answer; Ctrl+C was sent", info.InputPrompt)
		}
		answered++
		if err := c.SendInput(ctx, reply); err != nil {
			return stepInfo{}, err
		}
	}
}
