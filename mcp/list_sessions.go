package mcp

import (
	"context"
	"fmt"
	"strings"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"
)

type sessionSummary struct {
	Host           string   `json:"host" jsonschema:"the alias the session was opened with"`
	Target         string   `json:"target" jsonschema:"user@host:port"`
	Session        string   `json:"session" jsonschema:"the shell's name"`
	Profile        string   `json:"profile"`
	Mode           string   `json:"mode" jsonschema:"device mode; empty for shells"`
	Prompt         string   `json:"prompt" jsonschema:"device prompt; empty for shells"`
	Cwd            string   `json:"cwd" jsonschema:"working directory (shells)"`
	User           string   `json:"user" jsonschema:"who runs the current shell (shells)"`
	Shell          string   `json:"shell" jsonschema:"which shell it is (shells)"`
	Depth          int      `json:"depth" jsonschema:"how many shells it runs inside of (sudo -i, su, bash); 0 is the login shell"`
	ConnectedSince string   `json:"connected_since" jsonschema:"RFC 3339"`
	Reconnects     int      `json:"reconnects"`
	Running        string   `json:"running" jsonschema:"command_id of the running command, or empty"`
	Queued         []string `json:"queued" jsonschema:"command_ids waiting, in order"`
	Warnings       []string `json:"warnings"`
}

type sessionList struct {
	Sessions []sessionSummary `json:"sessions"`
}

func (l sessionList) text() string {
	if len(l.Sessions) == 0 {
		return "No open sessions."
	}
	var b strings.Builder
	for _, s := range l.Sessions {
		fmt.Fprintf(&b, "%s (%s) session %q, profile %s, connected since %s, %d reconnects\n",
			s.Host, s.Target, s.Session, s.Profile, s.ConnectedSince, s.Reconnects)
		if s.Cwd != "" {
			fmt.Fprintf(&b, "  Cwd: %s\n", s.Cwd)
		}
		if s.Shell != "" {
			fmt.Fprintf(&b, "  Shell: %s as %s, depth %d\n", s.Shell, s.User, s.Depth)
		}
		if s.Mode != "" || s.Prompt != "" {
			fmt.Fprintf(&b, "  Mode: %s, prompt: %s\n", s.Mode, s.Prompt)
		}
		if s.Running != "" {
			fmt.Fprintf(&b, "  Running: %s\n", s.Running)
		}
		if len(s.Queued) > 0 {
			fmt.Fprintf(&b, "  Queued: %s\n", strings.Join(s.Queued, ", "))
		}
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "  Warning: %s\n", w)
		}
	}
	return b.String()
}

func listSessions(d *deps) mcpserver.ServerTool {
	const name = "list_sessions"
	tool := newTool(name,
		[]mcpgo.ToolOption{
			mcpgo.WithDescription("List the open shells: target, profile, mode or prompt, cwd, shell, user, nesting depth, time connected, reconnects, running and queued command IDs, warnings."),
			mcpgo.WithOutputSchema[sessionList](),
		},
		readOnlyHints("Open sessions", local),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a struct{}
		if err := bind(req, &a); err != nil {
			return badArgs(name, err), nil
		}
		infos := d.m.Sessions()
		l := sessionList{Sessions: make([]sessionSummary, 0, len(infos))}
		for _, s := range infos {
			l.Sessions = append(l.Sessions, sessionSummary{
				Host:           s.Alias,
				Target:         s.Key,
				Session:        s.Name,
				Profile:        s.Profile,
				Mode:           s.Mode,
				Prompt:         s.Prompt,
				Cwd:            s.Cwd,
				User:           s.User,
				Shell:          s.Shell,
				Depth:          s.Depth,
				ConnectedSince: timeText(s.ConnectedSince),
				Reconnects:     s.Reconnects,
				Running:        s.Running,
				Queued:         nonNil(s.Queued),
				Warnings:       nonNil(s.Warnings),
			})
		}
		return textResult(l.text(), l), nil
	}}
}
