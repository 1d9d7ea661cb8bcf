package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

// configLines are configuration lines given as a list, or as one text
// with a line each.
type configLines []string

func (l *configLines) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*l = configLines{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return &json.UnmarshalTypeError{Value: jsonKindOf(b), Type: reflect.TypeFor[[]string](), Field: "lines"}
	}
	*l = list
	return nil
}

type configArgs struct {
	connArgs
	Lines          configLines `json:"lines"`
	Mode           string      `json:"mode"`
	ConfirmMinutes int         `json:"confirm_minutes"`
	Comment        string      `json:"comment"`
	To             string      `json:"to"`
	EnablePassword string      `json:"enable_password"`
}

func (a configArgs) run() devices.RunOptions {
	return devices.RunOptions{EnablePassword: a.EnablePassword}
}

// configResult is the structured content of the configuration tools.
type configResult struct {
	Status     string            `json:"status"`
	Host       string            `json:"host"`
	Target     string            `json:"target"`
	Profile    string            `json:"profile"`
	Diff       string            `json:"diff"`
	Errors     []configLineError `json:"errors"`
	ConfirmBy  string            `json:"confirm_by"`
	RollbackID string            `json:"rollback_id"`
	Note       string            `json:"note"`
}

type configLineError struct {
	Index   int    `json:"index"`
	Line    string `json:"line"`
	Message string `json:"message"`
}

func configTools(d *deps) []mcpserver.ServerTool {
	return []mcpserver.ServerTool{applyConfig(d), confirmConfig(d), rollbackConfig(d)}
}

func applyConfig(d *deps) mcpserver.ServerTool {
	const name = "apply_config"
	tool := newTool(name,
		[]mcpgo.ToolOption{mcpgo.WithDescription("Change a network device's configuration as one transaction: load the lines, report the device's diff and every rejected line, then " +
			"discard them (mode check, the default), commit, or commit_confirmed (the device undoes it by itself unless confirm_config comes within confirm_minutes). " +
			"A rejected line commits nothing. One transaction per device at a time." + asInExecuteCommand)},
		connParams(describedInExecute),
		[]mcpgo.ToolOption{
			mcpgo.WithArray("lines", mcpgo.Required(), mcpgo.WithStringItems(),
				mcpgo.Description("Configuration lines in order, as typed in configuration mode, without configure or end.")),
			mcpgo.WithString("mode", mcpgo.Enum(string(devices.ConfigCheck), string(devices.ConfigCommit), string(devices.ConfigCommitConfirmed))),
			mcpgo.WithInteger("confirm_minutes", mcpgo.Min(1), mcpgo.Max(devices.MaxConfirmMinutes), mcpgo.Description("Default 5.")),
			mcpgo.WithString("comment"),
			mcpgo.WithString("enable_password"),
			mcpgo.WithOutputSchema[configResult](),
		},
		destructiveHints("Apply configuration", notIdempotent),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a configArgs
		if err := bind(req, &a, "host", "lines"); err != nil {
			return badArgs(name, err), nil
		}
		if err := a.check(); err != nil {
			return badArgs(name, err), nil
		}
		res, err := d.m.ApplyConfig(ctx, a.request(), devices.ConfigRequest{Lines: a.Lines, Mode: devices.ConfigMode(a.Mode),
			ConfirmMinutes: a.ConfirmMinutes, Comment: a.Comment, Run: a.run()})
		return d.configOutcome(ctx, name, a, res, err), nil
	}}
}

func confirmConfig(d *deps) mcpserver.ServerTool {
	const name = "confirm_config"
	tool := newTool(name,
		[]mcpgo.ToolOption{mcpgo.WithDescription("Confirm the device's pending commit_confirmed so that the change stays. Fails when none is pending or the deadline passed (the device already rolled back)." + asInExecuteCommand)},
		connParams(describedInExecute),
		[]mcpgo.ToolOption{mcpgo.WithString("enable_password"), mcpgo.WithOutputSchema[configResult]()},
		destructiveHints("Confirm configuration", notIdempotent),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a configArgs
		if err := bind(req, &a, "host"); err != nil {
			return badArgs(name, err), nil
		}
		if err := a.checkOnly(name); err != nil {
			return badArgs(name, err), nil
		}
		res, err := d.m.ConfirmConfig(ctx, a.request(), a.run())
		return d.configOutcome(ctx, name, a, res, err), nil
	}}
}

func rollbackConfig(d *deps) mcpserver.ServerTool {
	const name = "rollback_config"
	tool := newTool(name,
		[]mcpgo.ToolOption{mcpgo.WithDescription("Roll the device's configuration back to a rollback_id of apply_config, or 1 for the one before the last commit; returns the diff it undid." + asInExecuteCommand)},
		connParams(describedInExecute),
		[]mcpgo.ToolOption{
			mcpgo.WithString("to", mcpgo.Required()),
			mcpgo.WithString("comment"),
			mcpgo.WithString("enable_password"),
			mcpgo.WithOutputSchema[configResult](),
		},
		destructiveHints("Roll back configuration", notIdempotent),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a configArgs
		if err := bind(req, &a, "host", "to"); err != nil {
			return badArgs(name, err), nil
		}
		if err := a.checkOnly(name); err != nil {
			return badArgs(name, err), nil
		}
		res, err := d.m.RollbackConfig(ctx, a.request(), strings.TrimSpace(a.To), a.Comment, a.run())
		return d.configOutcome(ctx, name, a, res, err), nil
	}}
}

// checkOnly refuses the parameters of apply_config that another
// configuration tool does not take.
func (a configArgs) checkOnly(tool string) error {
	if err := a.connArgs.check(); err != nil {
		return err
	}
	switch {
	case len(a.Lines) > 0:
		return &argError{field: "lines", msg: "is a parameter of apply_config, not of " + tool}
	case a.Mode != "" || a.ConfirmMinutes != 0:
		return &argError{field: "mode", msg: "and confirm_minutes are parameters of apply_config, not of " + tool}
	case tool == "confirm_config" && (a.To != "" || a.Comment != ""):
		return &argError{field: "to", msg: "and comment are not parameters of confirm_config"}
	}
	return nil
}

// configOutcome turns a transaction's end into the tool's result.
func (d *deps) configOutcome(ctx context.Context, tool string, a configArgs, res devices.ConfigResult, err error) *mcpgo.CallToolResult {
	if err != nil {
		d.log.Info("configuration transaction not run", "tool", tool, "host", a.Host, "err", err)
		if errors.Is(err, devices.ErrConfig) {
			return failure(fmt.Sprintf("%s on %q: nothing was changed", tool, a.Host), err.Error(),
				"read the reason above; fix the arguments and call again, or make the change another way")
		}
		return hostFailure(ctx, tool, a.Host, "the configuration transaction", err)
	}
	out := configResult{Status: res.Status, Host: a.Host, Target: res.Target, Profile: res.Profile, Diff: res.Diff,
		Errors: []configLineError{}, RollbackID: res.RollbackID, Note: res.Note}
	if !res.ConfirmBy.IsZero() {
		out.ConfirmBy = res.ConfirmBy.Format(time.RFC3339)
	}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, configLineError{Index: e.Index, Line: e.Line, Message: e.Message})
	}
	d.log.Info("configuration transaction", "tool", tool, "host", a.Host, "status", res.Status, "errors", len(res.Errors))
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s (%s, profile %s): %s.", tool, a.Host, res.Target, res.Profile, res.Status)
	switch res.Status {
	case devices.ConfigChecked:
		b.WriteString(" Nothing was changed; the diff below is what commit would apply.")
	case devices.ConfigAwaitingConfirmation:
		fmt.Fprintf(&b, " The device undoes the change by itself at %s unless confirm_config comes first: check that the device is still reachable and works, then confirm.", out.ConfirmBy)
	case devices.ConfigRejected:
		b.WriteString(" Nothing was committed.")
	}
	if res.Note != "" {
		b.WriteString(" " + res.Note + ".")
	}
	for _, e := range res.Errors {
		if e.Index < 0 {
			fmt.Fprintf(&b, "\nThe device's check: %s", e.Message)
		} else {
			fmt.Fprintf(&b, "\nLine %d %q: %s", e.Index, e.Line, e.Message)
		}
	}
	if res.RollbackID != "" {
		fmt.Fprintf(&b, "\nrollback_id: %s", res.RollbackID)
	}
	if strings.TrimSpace(res.Diff) != "" {
		fmt.Fprintf(&b, "\nDiff:\n%s", strings.TrimRight(res.Diff, "\n"))
	} else if res.Status != devices.ConfigFailed {
		b.WriteString("\nThe device reports no difference.")
	}
	return textResult(b.String(), out)
}
