package devices

import (
	"context"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// ReadOnly reports whether the whole manager is read-only
// (ManagerOptions.ReadOnly).
func (m *Manager) ReadOnly() bool { return m.readOnly }

// policyFor is the target's policy, made read-only when the manager is.
func (m *Manager) policyFor(t hosts.Target) policy.Policy {
	p := t.Policy
	if m.readOnly {
		p.ReadOnly, p.ReadOnlyWhere = true, "the server's --read-only"
	}
	return p
}

// policyTarget says how a profile's sessions read what they are sent.
func policyTarget(p *profiles.Profile) policy.Target {
	t := policy.Target{Profile: p.Name}
	if p.Completion == profiles.CompletionPrompt {
		t.Syntax = policy.Lines
	}
	for _, pat := range p.ReadOnly {
		t.ReadOnly = append(t.ReadOnly, pat.Regexp)
	}
	return t
}

// checkCommand enforces the target's policy on a command line for session
// s before anything of it is queued or typed. The profile decides how the
// line is read: the session's, else the one the target names, else the
// one detected when the shell opens (so the shell is opened first, bounded
// by octx). Blocks while a person is asked to approve, bounded by ctx.
func (m *Manager) checkCommand(ctx, octx context.Context, s *session, t hosts.Target, command string) error {
	pol := m.policyFor(t)
	if pol.Commands.Empty() && !pol.ReadOnly {
		return nil
	}
	p, err := m.sessionProfile(octx, s, t)
	if err != nil {
		return err
	}
	v := policy.Command(pol, policyTarget(p), command)
	return m.enforce(ctx, policy.Question{Host: t.Alias, Target: t.Key(), Session: s.name, Action: "command", Text: command, Verdict: v})
}

func (m *Manager) sessionProfile(ctx context.Context, s *session, t hosts.Target) (*profiles.Profile, error) {
	s.mu.Lock()
	p := s.profile
	s.mu.Unlock()
	if p != nil {
		return p, nil
	}
	if t.Profile != "" {
		return m.profile(t.Profile)
	}
	if err := s.ensureShell(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.profile, nil
}

// pathQuestion is what the target's file rules say of reading or
// writing path.
func (m *Manager) pathQuestion(t hosts.Target, path string, write bool) policy.Question {
	action := "read"
	if write {
		action = "write"
	}
	v := policy.Path(m.policyFor(t), path, write)
	return policy.Question{Host: t.Alias, Target: t.Key(), Action: action, Text: path, Verdict: v}
}

// checkInput enforces the session's policy on input typed into its
// running command, read as a command line of the session.
func (s *session) checkInput(ctx context.Context, text string) error {
	pol := s.m.policyFor(s.target)
	if pol.Commands.Empty() && !pol.ReadOnly {
		return nil
	}
	s.mu.Lock()
	p := s.profile
	s.mu.Unlock()
	t := policy.Target{}
	if p != nil {
		t = policyTarget(p)
	}
	v := policy.Input(pol, t, text)
	return s.m.enforce(ctx, policy.Question{Host: s.alias, Target: s.key, Session: s.name, Action: "input", Text: text, Verdict: v})
}

// enforce logs what the policy did not simply allow, then asks the
// approver or refuses.
func (m *Manager) enforce(ctx context.Context, q policy.Question) error {
	if q.Verdict.Decision == policy.Allow {
		return nil
	}
	err := policy.Enforce(ctx, m.approver, q)
	m.logger.Info("policy", "host", q.Host, "action", q.Action, "decision", q.Verdict.Decision.String(),
		"why", q.Verdict.Explain(), "allowed", err == nil)
	return err
}
