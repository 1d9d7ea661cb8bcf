package mcp

import (
	"context"
	"fmt"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"
)

// maxPage bounds max_bytes of get_command_status.
const maxPage = 1 << 20

type statusArgs struct {
	CommandID string `json:"command_id"`
	Offset    *int64 `json:"offset"`
	MaxBytes  int    `json:"max_bytes"`
}

func getCommandStatus(d *deps) mcpserver.ServerTool {
	const name = "get_command_status"
	tool := newTool(name,
		[]mcpgo.ToolOption{
			mcpgo.WithDescription("Status, exit status, timing and live output of a command. " +
				"Without offset: all output, or head and tail past max_bytes; with offset: max_bytes from there (next_offset follows a running command)."),
			commandIDParam(),
			mcpgo.WithInteger("offset", mcpgo.Min(0),
				mcpgo.Description("Byte offset in the output.")),
			mcpgo.WithInteger("max_bytes", mcpgo.Min(16), mcpgo.Max(maxPage),
				mcpgo.Description("Default 65536.")),
			mcpgo.WithOutputSchema[commandResult](),
		},
		readOnlyHints("Command status", local),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a statusArgs
		if err := bind(req, &a, "command_id"); err != nil {
			return badArgs(name, err), nil
		}
		limit := d.outputLimit
		switch {
		case a.MaxBytes < 0 || (a.MaxBytes > 0 && a.MaxBytes < 16) || a.MaxBytes > maxPage:
			return badArgs(name, &argError{field: "max_bytes", msg: fmt.Sprintf("is %d: give 16 to %d, or leave it out for %d", a.MaxBytes, maxPage, limit)}), nil
		case a.MaxBytes > 0:
			limit = a.MaxBytes
		}
		if a.Offset != nil && *a.Offset < 0 {
			return badArgs(name, &argError{field: "offset", msg: "is negative: give 0 or next_offset from a previous result"}), nil
		}
		c, ok := d.reg.lookup(a.CommandID)
		if !ok {
			return unknownCommand(name, a.CommandID), nil
		}
		info := c.Info()
		var (
			w   outputWindow
			err error
		)
		if a.Offset == nil {
			w, err = window(c, info.ID, 0, info.OutputBytes, limit)
		} else {
			w, err = page(c, *a.Offset, limit)
		}
		if err != nil {
			return failure(fmt.Sprintf("%s: reading the output of %s failed", name, info.ID), err.Error(),
				"call get_command_status again with an offset between 0 and output_bytes"), nil
		}
		r := newCommandResult(info, w)
		lead := ""
		if a.Offset != nil && w.Next < info.OutputBytes {
			lead = fmt.Sprintf("Output from offset %d to %d of %d; continue with offset=%d.", w.Offset, w.Next, info.OutputBytes, w.Next)
		}
		return textResult(r.text(lead), r), nil
	}}
}
