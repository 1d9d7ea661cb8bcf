package mcp

import (
	"context"
	"fmt"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"
)

type historyArgs struct {
	Limit *int `json:"limit"`
}

func listCommandHistory(d *deps) mcpserver.ServerTool {
	const name = "list_command_history"
	tool := newTool(name,
		[]mcpgo.ToolOption{
			mcpgo.WithDescription("List finished commands, newest first, with status and exit code. Kept across close_session; get_command_status shows one's output."),
			mcpgo.WithInteger("limit", mcpgo.Min(1), mcpgo.Max(d.historyCap()), mcpgo.Description("Default 50.")),
			mcpgo.WithOutputSchema[commandList](),
		},
		readOnlyHints("Command history", local),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a historyArgs
		if err := bind(req, &a); err != nil {
			return badArgs(name, err), nil
		}
		limit := 50
		if a.Limit != nil {
			if *a.Limit < 1 {
				return badArgs(name, &argError{field: "limit", msg: fmt.Sprintf("is %d: give 1 or more", *a.Limit)}), nil
			}
			limit = *a.Limit
		}
		l := summarize(d.reg.history(limit))
		return textResult(l.text("No finished commands yet."), l), nil
	}}
}

// historyCap is how many finished commands the history keeps.
func (d *deps) historyCap() int {
	if d == nil {
		return DefaultHistory
	}
	return d.reg.limit
}
