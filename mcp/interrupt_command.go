package mcp

import (
	"context"
	"errors"
	"fmt"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

type commandIDArgs struct {
	CommandID string `json:"command_id"`
}

func interruptCommand(d *deps) mcpserver.ServerTool {
	const name = "interrupt_command_by_id"
	tool := newTool(name,
		[]mcpgo.ToolOption{
			mcpgo.WithDescription("Stop a command: Ctrl+C when running or waiting for input, or removal from its session's queue. Waits up to 5 s for the shell to come back; reports the final status and output."),
			commandIDParam(),
			mcpgo.WithOutputSchema[commandResult](),
		},
		destructiveHints("Interrupt a command", notIdempotent),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a commandIDArgs
		if err := bind(req, &a, "command_id"); err != nil {
			return badArgs(name, err), nil
		}
		c, ok := d.reg.lookup(a.CommandID)
		if !ok {
			return unknownCommand(name, a.CommandID), nil
		}
		err := interruptAndWait(ctx, c)
		if errors.Is(err, devices.ErrFinished) {
			info := c.Info()
			return failure(fmt.Sprintf("%s: command %s already finished with status %s", name, info.ID, info.Status), "",
				fmt.Sprintf("nothing to interrupt; get_command_status command_id=%q shows its output", info.ID)), nil
		}
		if err != nil {
			return hostFailure(ctx, name, c.Info().Host, "sending Ctrl+C", err), nil
		}
		d.log.Info("command interrupted", "id", c.ID())
		lead := "Ctrl+C sent."
		if st := c.Info().Status; !st.Finished() {
			lead = fmt.Sprintf("Ctrl+C sent, but the command is still %s after %s: the program may ignore Ctrl+C; send_input can send other keys (for example \"q\" or \"\\x04\").", st, interruptWait)
		}
		return d.report(c, lead), nil
	}}
}
