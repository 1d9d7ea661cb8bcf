package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/approve"
)

// Approver asks a person about what a host's policy marks ask: through
// the MCP client (elicitation, form mode) when the client declared it can
// ask its user, and at a terminal of this machine through the broker's
// socket in any case; the first answer wins. Nothing the agent sends
// reaches it: it reads only the question the devices layer built and the
// person's answer.
type Approver struct{ b *approve.Broker }

// NewApprover asks through b (its socket, and its timeout for every
// question).
func NewApprover(b *approve.Broker) *Approver { return &Approver{b: b} }

// approvalError is a question a person did not approve, in words for the
// agent's error result.
type approvalError struct {
	answer    approve.Answer
	elicit    bool // the client was asked
	terminal  bool // a terminal could answer
	timeout   string
	requestID string
}

func (e *approvalError) Error() string {
	switch e.answer.Outcome {
	case approve.Declined:
		return "a person declined it (" + e.answer.By + ")"
	case approve.Cancelled:
		return "the person asked in the MCP client dismissed the question without approving"
	case approve.TimedOut:
		if e.elicit {
			return "nobody answered within " + e.timeout + withWhy(e.answer.Why)
		}
		return "this MCP client cannot show approval questions (it did not declare the elicitation capability), and nobody approved it at a terminal of the server's machine (mcp-ssh-session approvals) within " + e.timeout
	case approve.Unreachable:
		return "this MCP client cannot show approval questions (it did not declare the elicitation capability" + withWhy(e.answer.Why) + "), and no terminal can answer either: the server has no approvals socket (see its log)"
	case approve.Abandoned:
		return "the call ended before anybody answered (" + e.answer.Why + ")"
	}
	return "not approved"
}

func withWhy(why string) string {
	if why == "" {
		return ""
	}
	return ": " + why
}

// Unwrap: a person said no (ErrDeclined) or nobody answered
// (ErrNoApprover).
func (e *approvalError) Unwrap() error {
	if e.answer.Outcome == approve.Declined || e.answer.Outcome == approve.Cancelled {
		return policy.ErrDeclined
	}
	return policy.ErrNoApprover
}

// Approve asks and blocks until a person answers, the broker's timeout
// passes or ctx (the tool call) ends.
func (a *Approver) Approve(ctx context.Context, q policy.Question) error {
	req := approve.Request{Host: q.Host, Target: q.Target, Session: q.Session, Action: q.Action, Text: q.Text,
		Detail: q.Detail, Rule: q.Verdict.Explain()}
	name, version := clientOf(ctx)
	req.Client = strings.TrimSpace(name + " " + version)
	sess, _ := mcpserver.ClientSessionFromContext(ctx).(*stdioSession)
	var ask approve.Asker
	if sess != nil && sess.conn != nil && canElicit(sess.GetClientCapabilities()) {
		ask = func(ctx context.Context, r approve.Request) (approve.Answer, error) {
			return elicitApproval(ctx, sess.conn, r)
		}
	}
	ans := a.askWithProgress(ctx, req, ask)
	if ans.Outcome == approve.Approved {
		noteApproval(ctx, ans.By)
		return nil
	}
	return &approvalError{answer: ans, elicit: ask != nil, terminal: a.b.Terminal(), timeout: a.b.Timeout().String()}
}

// approvalProgressEvery is how often a caller that asked for progress
// hears that its call still waits for a person: clients that give up on
// a silent request can then wait as long as a person takes.
const approvalProgressEvery = 5 * time.Second

// askWithProgress is Broker.Ask, with progress notifications meanwhile.
func (a *Approver) askWithProgress(ctx context.Context, req approve.Request, ask approve.Asker) approve.Answer {
	done, exited := make(chan struct{}), make(chan struct{})
	defer func() {
		close(done)
		<-exited // no progress may follow the call's response
	}()
	go func() {
		defer close(exited)
		t := time.NewTicker(approvalProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				sendProgress(ctx, "waiting for a person to approve it")
			case <-done:
				return
			}
		}
	}()
	return a.b.Ask(ctx, req, ask)
}

// canElicit: the client declared elicitation, with form mode or no mode
// at all (which is form mode before the 2025-11-25 revision).
func canElicit(c mcpgo.ClientCapabilities) bool {
	e := c.Elicitation
	return e != nil && (e.Form != nil || e.URL == nil)
}

// approvalSchema is the form of the question: one box to tick.
var approvalSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"approve": map[string]any{"type": "boolean", "title": "Approve",
			"description": "Tick to let exactly what is shown above run; leave it empty, decline or cancel to refuse.", "default": false},
	},
	"required": []string{"approve"},
}

// elicitApproval asks the client's user with elicitation/create.
func elicitApproval(ctx context.Context, c *conn, r approve.Request) (approve.Answer, error) {
	raw, err := c.request(ctx, string(mcpgo.MethodElicitationCreate), map[string]any{
		"message": approvalMessage(r), "requestedSchema": approvalSchema,
	})
	if err != nil {
		return approve.Answer{}, err
	}
	var res struct {
		Action  string         `json:"action"`
		Content map[string]any `json:"content"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return approve.Answer{}, fmt.Errorf("the client's answer to elicitation/create does not decode: %w", err)
	}
	const by = "elicitation"
	switch res.Action {
	case "accept":
		if ok, _ := res.Content["approve"].(bool); ok {
			return approve.Answer{Outcome: approve.Approved, By: by}, nil
		}
		return approve.Answer{Outcome: approve.Declined, By: by + ", approve left unticked"}, nil
	case "decline":
		return approve.Answer{Outcome: approve.Declined, By: by}, nil
	case "cancel":
		return approve.Answer{Outcome: approve.Cancelled, By: by}, nil
	}
	return approve.Answer{}, errors.New("the client answered elicitation/create with an unknown action " + fmt.Sprintf("%q", res.Action))
}

// approvalMessage is the question as a person reads it: where, what
// exactly, and which rule asked.
func approvalMessage(r approve.Request) string {
	var b strings.Builder
	where := fmt.Sprintf("%q (%s)", r.Host, approve.Visible(r.Target))
	r.Text, r.Detail = approve.Visible(r.Text), approve.Visible(r.Detail)
	switch r.Action {
	case "command":
		fmt.Fprintf(&b, "The agent wants to run this command on %s, session %q:\n\n%s\n", where, r.Session, indent(r.Text))
	case "input":
		fmt.Fprintf(&b, "The agent wants to type this into the running command of session %q on %s:\n\n%s\n", r.Session, where, indent(r.Text))
	case "write":
		fmt.Fprintf(&b, "The agent wants to write %s on %s. What changes:\n\n%s\n", r.Text, where, indent(r.Detail))
	case "read":
		fmt.Fprintf(&b, "The agent wants to read %s on %s.\n", r.Text, where)
	case "config":
		detail := r.Detail
		if detail == "" {
			detail = r.Text
		}
		fmt.Fprintf(&b, "The agent wants to change the configuration of %s. Approving commits exactly this:\n\n%s\n", where, indent(detail))
	default:
		fmt.Fprintf(&b, "The agent wants to %s %q on %s.\n", r.Action, r.Text, where)
	}
	fmt.Fprintf(&b, "\nThe host's policy asks a person first: %s.\n", r.Rule)
	fmt.Fprintf(&b, "Approve only if you want exactly this. Request %s waits until %s.", r.ID, r.Deadline.Format("15:04:05 MST"))
	return b.String()
}

// indent sets text off by four spaces a line.
func indent(text string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n    ")
}
