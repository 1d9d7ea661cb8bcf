package mcp

import (
	"context"
	"fmt"
	"strings"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

// commandSummary is one line of list_running_commands and
// list_command_history.
type commandSummary struct {
	CommandID   string `json:"command_id"`
	Command     string `json:"command"`
	Host        string `json:"host"`
	Target      string `json:"target" jsonschema:"user@host:port"`
	Session     string `json:"session"`
	Status      string `json:"status"`
	ExitCode    *int   `json:"exit_code"`
	StartedAt   string `json:"started_at"`
	EndedAt     string `json:"ended_at"`
	DurationMS  int64  `json:"duration_ms"`
	OutputBytes int64  `json:"output_bytes"`
	Lines       int64  `json:"lines"`
	LastLine    string `json:"last_line"`
	InputPrompt string `json:"input_prompt"`
	ErrorLine   string `json:"error_line"`
}

// commandList is the structured content of the two listing tools.
type commandList struct {
	Commands []commandSummary `json:"commands"`
}

// commandPreview bounds each command's text in a listing: forty queued
// scripts of 250 KiB would otherwise make a 10 MB answer.
// get_command_status shows the whole text.
const commandPreview = 200

func summarize(infos []devices.CommandInfo) commandList {
	list := commandList{Commands: make([]commandSummary, 0, len(infos))}
	for _, i := range infos {
		list.Commands = append(list.Commands, commandSummary{
			CommandID:   i.ID,
			Command:     clipLine(i.Command, commandPreview),
			Host:        i.Host,
			Target:      i.Key,
			Session:     i.Session,
			Status:      string(i.Status),
			ExitCode:    i.ExitCode,
			StartedAt:   timeText(i.StartedAt),
			EndedAt:     timeText(i.EndedAt),
			DurationMS:  i.Duration().Milliseconds(),
			OutputBytes: i.OutputBytes,
			Lines:       i.Lines,
			LastLine:    i.LastLine,
			InputPrompt: i.InputPrompt,
			ErrorLine:   i.ErrorLine,
		})
	}
	return list
}

// text lists the commands one block each.
func (l commandList) text(empty string) string {
	if len(l.Commands) == 0 {
		return empty
	}
	var b strings.Builder
	for _, c := range l.Commands {
		fmt.Fprintf(&b, "Command ID: %s\n  Command: %s\n  Session: %s (%s)\n  Status: %s", c.CommandID, oneLine(c.Command), c.Target, c.Session, c.Status)
		if c.ExitCode != nil {
			fmt.Fprintf(&b, ", exit status %d", *c.ExitCode)
		}
		fmt.Fprintf(&b, "\n  Started: %s", c.StartedAt)
		if c.EndedAt != "" {
			fmt.Fprintf(&b, ", ended: %s", c.EndedAt)
		}
		fmt.Fprintf(&b, " (%d ms, %d lines)\n", c.DurationMS, c.Lines)
		if c.InputPrompt != "" {
			fmt.Fprintf(&b, "  Waiting for input: %s\n", c.InputPrompt)
		}
	}
	return b.String()
}

// oneLine shows a multi-line command on one line.
func oneLine(s string) string {
	return clipLine(strings.ReplaceAll(s, "\n", "\\n"), 200)
}

func listRunningCommands(d *deps) mcpserver.ServerTool {
	const name = "list_running_commands"
	tool := newTool(name,
		[]mcpgo.ToolOption{
			mcpgo.WithDescription("List the commands that have not finished (queued, running, awaiting_input) on every host, oldest first."),
			mcpgo.WithOutputSchema[commandList](),
		},
		readOnlyHints("Running commands", local),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a struct{}
		if err := bind(req, &a); err != nil {
			return badArgs(name, err), nil
		}
		l := summarize(d.reg.active())
		return textResult(l.text("No running commands."), l), nil
	}}
}
