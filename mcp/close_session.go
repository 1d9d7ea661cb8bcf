package mcp

import (
	"context"
	"fmt"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"
)

type closeArgs struct {
	connArgs
	Session string `json:"session"`
}

// closeResult is the structured content of close_session and
// close_all_sessions.
type closeResult struct {
	Closed int `json:"closed" jsonschema:"how many shells were closed"`
}

func closeSession(d *deps) mcpserver.ServerTool {
	const name = "close_session"
	tool := newTool(name,
		[]mcpgo.ToolOption{mcpgo.WithDescription("Close a host's shells and connection, or one named session. Its running commands end interrupted; history is kept." + asInExecuteCommand)},
		connParams(describedInExecute),
		[]mcpgo.ToolOption{
			sessionParam("Close only this named shell; default: every shell of the host and its connection."),
			mcpgo.WithOutputSchema[closeResult](),
		},
		destructiveHints("Close a session", idempotent),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a closeArgs
		if err := bind(req, &a, "host"); err != nil {
			return badArgs(name, err), nil
		}
		if err := a.check(); err != nil {
			return badArgs(name, err), nil
		}
		if err := checkSession(a.Session); err != nil {
			return badArgs(name, err), nil
		}
		n, err := d.m.CloseSession(ctx, a.request(), a.Session)
		if err != nil {
			return hostFailure(ctx, name, a.Host, "closing the session", err), nil
		}
		d.log.Info("sessions closed", "host", a.Host, "session", a.Session, "closed", n)
		what := "every session"
		if a.Session != "" {
			what = fmt.Sprintf("session %q", a.Session)
		}
		return textResult(fmt.Sprintf("Closed %s of %s: %d shell(s).", what, a.Host, n), closeResult{Closed: n}), nil
	}}
}

func closeAllSessions(d *deps) mcpserver.ServerTool {
	const name = "close_all_sessions"
	tool := newTool(name,
		[]mcpgo.ToolOption{
			mcpgo.WithDescription("Close every shell and connection on every host. Running commands end as interrupted; command history is kept."),
			mcpgo.WithOutputSchema[closeResult](),
		},
		destructiveHints("Close all sessions", idempotent),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a struct{}
		if err := bind(req, &a); err != nil {
			return badArgs(name, err), nil
		}
		n, err := d.m.CloseAll(ctx)
		if err != nil {
			return failure(name+": closing the sessions failed", err.Error(), "list_sessions shows what is still open; close_session closes one host"), nil
		}
		d.log.Info("all sessions closed", "closed", n)
		return textResult(fmt.Sprintf("Closed all sessions: %d shell(s).", n), closeResult{Closed: n}), nil
	}}
}
