package mcp

import (
	"cmp"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/audit"
)

// maxAuditError bounds the error text a result record keeps: what failed,
// not the evidence quoted after it.
const maxAuditError = 300

// auditedArgs are the arguments an audit record keeps. Secrets
// (password, sudo_password, su_password, enable_password, send_input's
// input_text and secret, write_file's content) are not among them, not
// even as a length: input typed at a prompt may be a password.
type auditedArgs struct {
	Host       string      `json:"host"`
	Session    string      `json:"session"`
	Command    string      `json:"command"`
	RemotePath string      `json:"remote_path"`
	CommandID  string      `json:"command_id"`
	Lines      configLines `json:"lines"` // apply_config: recorded as the command
	To         string      `json:"to"`    // rollback_config
	Mode       string      `json:"mode"`
}

// auditedResult is what a result record keeps of a tool's structured
// content.
type auditedResult struct {
	Status    string `json:"status"`
	CommandID string `json:"command_id"`
	Target    string `json:"target"`
	Session   string `json:"session"`
	ExitCode  *int   `json:"exit_code"`
}

// audited wraps a tool's handler so that every call is recorded before it
// runs and its outcome after. When the call record cannot be written and
// the log is fail-closed, the tool does not run and the call gets an
// error result; otherwise the failure is logged and the call goes on.
// Without an audit log it returns next itself.
func (d *deps) audited(tool string, next mcpserver.ToolHandlerFunc) mcpserver.ToolHandlerFunc {
	if d.audit == nil {
		return next
	}
	return func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		secrets := callSecrets(req)
		rec := callRecord(ctx, tool, req, secrets)
		written, err := d.audit.Write(rec)
		switch {
		case err == nil:
			rec.CallSeq = written.Seq
			ctx = context.WithValue(ctx, callSeqKey{}, written.Seq)
		case d.auditFailClosed:
			d.log.Error("audit log not written: call refused (fail_closed)", "tool", tool, "err", err)
			return failure(tool+": refused: the audit log could not be written, and the server is configured not to act unaudited (audit.fail_closed)",
				err.Error(), "nothing was run; tell the operator, who must fix the audit log ("+d.audit.Path()+") and restart the server"), nil
		default:
			d.log.Error("audit log not written: the call goes on (audit.fail_closed is off)", "tool", tool, "err", err)
		}
		note := &policyNote{}
		res, err := next(context.WithValue(ctx, policyNoteKey{}, note), req)
		out := resultRecord(rec, res, err, secrets)
		note.mu.Lock()
		decision, by := note.decision, note.approvedBy
		note.mu.Unlock()
		if decision != "" {
			out.Policy = decision
		}
		if by != "" {
			out.Policy, out.ApprovedBy = audit.PolicyAsk, by
		}
		d.writeAudit(out)
		return res, err
	}
}

// policyNote carries the decision of a policy that refused a call from
// the refusal back to the call's audit record, or who approved it.
type policyNote struct {
	mu         sync.Mutex
	decision   string
	approvedBy string
}

type policyNoteKey struct{}

// notePolicy records, for the audit log, that the host's policy decided d
// about the call of ctx (a refusal: deny, or ask without an approval).
func notePolicy(ctx context.Context, d policy.Decision) {
	if n, ok := ctx.Value(policyNoteKey{}).(*policyNote); ok {
		n.mu.Lock()
		n.decision = d.String()
		n.mu.Unlock()
	}
}

// noteApproval records, for the audit log, that a person approved the
// call of ctx, and how.
func noteApproval(ctx context.Context, by string) {
	if n, ok := ctx.Value(policyNoteKey{}).(*policyNote); ok {
		n.mu.Lock()
		n.approvedBy = by
		n.mu.Unlock()
	}
}

// approval is who approved the call of ctx; "" when nobody had to.
func approval(ctx context.Context) string {
	n, ok := ctx.Value(policyNoteKey{}).(*policyNote)
	if !ok {
		return ""
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.approvedBy
}

// callSeqKey is the context key of the seq of the call's record, for the
// record of the end of the command it starts.
type callSeqKey struct{}

// writeAudit writes a record that follows an action already taken: a
// failure can only be logged.
func (d *deps) writeAudit(rec audit.Record) {
	if _, err := d.audit.Write(rec); err != nil {
		d.log.Error("audit log not written", "event", rec.Event, "tool", rec.Tool, "command_id", rec.CommandID, "err", err)
	}
}

// callRecord describes a call before it runs: who asked for what. A
// secret of the call that also appears in its command is masked there.
func callRecord(ctx context.Context, tool string, req mcpgo.CallToolRequest, secrets []string) audit.Record {
	rec := audit.Record{Event: audit.EventCall, Tool: tool, Policy: audit.PolicyAllow}
	rec.ClientName, rec.ClientVersion = clientOf(ctx)
	var a auditedArgs
	if raw, err := rawArguments(req); err == nil {
		_ = json.Unmarshal(raw, &a) // a malformed call is recorded as far as it reads
	}
	rec.Host, rec.Session, rec.Command, rec.Path, rec.CommandID = a.Host, a.Session, mask(secrets, a.Command), a.RemotePath, a.CommandID
	switch {
	case len(a.Lines) > 0:
		rec.Command = mask(secrets, fmt.Sprintf("(%s) %s", cmp.Or(a.Mode, "check"), strings.Join(a.Lines, "\n")))
	case a.To != "":
		rec.Command = mask(secrets, "rollback to "+a.To)
	}
	return rec
}

// resultRecord describes how the call of rec ended.
func resultRecord(rec audit.Record, res *mcpgo.CallToolResult, err error, secrets []string) audit.Record {
	out := audit.Record{Event: audit.EventResult, Tool: rec.Tool, ClientName: rec.ClientName, ClientVersion: rec.ClientVersion,
		Host: rec.Host, Session: rec.Session, CommandID: rec.CommandID, Path: rec.Path, CallSeq: rec.CallSeq, Outcome: audit.OutcomeOK,
		Policy: rec.Policy, ApprovedBy: rec.ApprovedBy}
	switch {
	case err != nil:
		out.Outcome, out.Error = audit.OutcomeError, mask(secrets, firstLine(err.Error()))
		return out
	case res == nil:
		return out
	case res.IsError:
		out.Outcome = audit.OutcomeError
		for _, c := range res.Content {
			if t, ok := c.(mcpgo.TextContent); ok {
				out.Error = mask(secrets, firstLine(t.Text))
				break
			}
		}
	}
	if res.StructuredContent != nil {
		var r auditedResult
		if raw, err := json.Marshal(res.StructuredContent); err == nil && json.Unmarshal(raw, &r) == nil {
			out.Status, out.Target, out.ExitCode = r.Status, r.Target, r.ExitCode
			if r.CommandID != "" {
				out.CommandID = r.CommandID
			}
			if r.Session != "" {
				out.Session = r.Session
			}
		}
	}
	return out
}

// mask replaces the secrets in s (see redactSecrets).
func mask(secrets []string, s string) string {
	if len(secrets) == 0 || s == "" {
		return s
	}
	return replacerFor(secrets).Replace(s)
}

// firstLine is the first line of s, cut to maxAuditError bytes.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > maxAuditError {
		s = strings.ToValidUTF8(s[:maxAuditError], "") + "..."
	}
	return s
}

// auditEnd records c's end once it finishes, from a goroutine of its own;
// the command's Done, closed when the manager closes, ends it. secrets are
// the call's, masked in the command text.
func (d *deps) auditEnd(ctx context.Context, tool string, c *devices.Command, secrets []string) {
	if d.audit == nil {
		return
	}
	name, version := clientOf(ctx)
	callSeq, _ := ctx.Value(callSeqKey{}).(uint64)
	approvedBy := approval(ctx)
	d.auditWG.Add(1)
	go func() {
		defer d.auditWG.Done()
		<-c.Done()
		info := c.Info()
		dur, n := info.Duration().Milliseconds(), info.OutputBytes
		rec := audit.Record{Event: audit.EventCommandEnd, Tool: tool, ClientName: name, ClientVersion: version,
			Host: info.Host, Target: info.Key, Session: info.Session, Command: mask(secrets, info.Command), CommandID: info.ID,
			CallSeq: callSeq, Status: string(info.Status), ExitCode: info.ExitCode, DurationMS: &dur, OutputBytes: &n,
			Policy: audit.PolicyAllow}
		if approvedBy != "" {
			rec.Policy, rec.ApprovedBy = audit.PolicyAsk, approvedBy
		}
		if sum, ok := c.OutputSum(); ok {
			rec.OutputSHA256 = hex.EncodeToString(sum[:])
		}
		d.writeAudit(rec)
	}()
}

// clientOf returns the name and version the client gave in initialize.
func clientOf(ctx context.Context) (name, version string) {
	if s, ok := mcpserver.ClientSessionFromContext(ctx).(mcpserver.SessionWithClientInfo); ok {
		info := s.GetClientInfo()
		return info.Name, info.Version
	}
	return "", ""
}

// FlushAudit waits until the ends of the commands that have finished are
// recorded, or ctx ends. Call it after the manager closed, before the
// audit log is closed, so that the ends of the commands the shutdown
// stopped are in the log. Without an audit log it returns at once.
func (s *Server) FlushAudit(ctx context.Context) {
	if s.deps.audit == nil {
		return
	}
	done := make(chan struct{})
	go func() {
		s.deps.auditWG.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.deps.log.Warn("audit log: the ends of some commands were not recorded before shutdown", "err", context.Cause(ctx))
	}
}
