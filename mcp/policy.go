package mcp

import (
	"context"
	"errors"
	"fmt"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
)

// refusal explains a call the host's policy refused, or returns nil when
// err is no refusal. It names the rule and where it is written, and says
// what a person can change: the agent cannot lift a rule or approve.
func refusal(ctx context.Context, tool string, err error) *mcpgo.CallToolResult {
	var re *policy.RefusedError
	if !errors.As(err, &re) {
		return nil
	}
	v := re.Verdict
	notePolicy(ctx, v.Decision)
	subject := map[string]string{"command": "the command", "input": "the input", "read": "reading " + re.Text, "write": "writing " + re.Text, "config": "the configuration change"}[re.Action]
	if v.Decision == policy.Ask {
		what := fmt.Sprintf("%s: %s on %q needs a person's approval, which it did not get; nothing was sent to the host", tool, subject, re.Host)
		why := "a person's approval is required, and this server cannot ask for it: it was started without a way to reach a person"
		var ae *approvalError
		if errors.As(re.Approval, &ae) {
			why = "Not approved: " + ae.Error()
		} else if re.Approval != nil && !errors.Is(re.Approval, policy.ErrNoApprover) {
			why = "Not approved: " + re.Approval.Error()
		}
		return failure(what, "Policy: "+v.Explain()+".\n"+why+".",
			"do not retry it in another form to get around the rule; tell the user what you wanted to run and why: they can approve it when you call again "+
				"(in their MCP client, or at a terminal with mcp-ssh-session approvals), run it themselves, or change the rule in the config file named above")
	}
	what := fmt.Sprintf("%s: %s on %q is refused by the host's policy; nothing was sent to the host", tool, subject, re.Host)
	return failure(what, "Policy: "+v.Explain()+".", denyAction(v))
}

// denyAction says who can change what refused a call.
func denyAction(v policy.Verdict) string {
	switch {
	case v.ReadOnly:
		return "only read-only commands run here (the profile's read_only patterns, with no > and no substitution), and no file is written; " +
			"use one of those, or ask the user to lift read-only mode (the setting named above)"
	case v.Rule != nil:
		return "do not retry it in another form; if the user wants it done, they can run it themselves, or change that rule in the config file named above and restart the server"
	}
	return "ask the user: they can change the policy in the config file named above and restart the server"
}
