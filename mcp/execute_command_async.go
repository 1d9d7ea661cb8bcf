package mcp

import (
	"context"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

func executeCommandAsync(d *deps) mcpserver.ServerTool {
	const name = "execute_command_async"
	tool := newTool(name,
		[]mcpgo.ToolOption{mcpgo.WithDescription("Start a command in a persistent shell on a host; return its command_id at once. " +
			"Poll with get_command_status, answer prompts with send_input, stop with interrupt_command_by_id." + asInExecuteCommand2)},
		connParams(describedInExecute),
		executeCommandExtra(describedInExecute),
		[]mcpgo.ToolOption{
			mcpgo.WithNumber("timeout", mcpgo.Min(0), mcpgo.Max(MaxCommandTimeout.Seconds()),
				mcpgo.Description("Ignored (compatibility): commands are stopped only by interrupt_command_by_id.")),
			mcpgo.WithOutputSchema[commandResult](),
		},
		destructiveHints("Start a command", notIdempotent),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		a, bad := bindExecute(name, req)
		if bad != nil {
			return bad, nil
		}
		if a.Timeout != nil && *a.Timeout < 0 {
			return badArgs(name, &argError{field: "timeout", msg: "is negative: leave it out (it is accepted only for compatibility)"}), nil
		}
		c, fail := d.start(ctx, name, a, 0)
		if fail != nil {
			return fail, nil
		}
		leftQueue(ctx, c)
		return d.report(c, "Command started with ID: "+c.ID()), nil
	}}
}

// bindExecute reads and checks the arguments both execute tools share; a
// non-nil result is the error to return.
func bindExecute(name string, req mcpgo.CallToolRequest) (executeArgs, *mcpgo.CallToolResult) {
	var a executeArgs
	if err := bind(req, &a, "host", "command"); err != nil {
		return a, badArgs(name, err)
	}
	if err := a.check(); err != nil {
		return a, badArgs(name, err)
	}
	return a, nil
}

// startWait bounds how long execute_command_async waits for a command
// given to an idle session to leave the queue.
const startWait = 2 * time.Second

// leftQueue waits, briefly, until a command that nothing is ahead of has
// been taken up by its session: right after Start it is still queued, and
// reporting it queued "behind the command running" was untrue.
func leftQueue(ctx context.Context, c *devices.Command) {
	if c.Ahead() > 0 {
		return
	}
	timer := time.NewTimer(startWait)
	defer timer.Stop()
	for {
		changed := c.Changed() // asked for first, so no change is missed
		if c.Info().Status != devices.StatusQueued {
			return
		}
		select {
		case <-changed:
		case <-c.Done():
			return
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}
