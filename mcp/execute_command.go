package mcp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

// maxCommandLen bounds the command text: longer text belongs in a script
// uploaded with write_file.
const maxCommandLen = 256 << 10

// executeArgs are the arguments of execute_command and
// execute_command_async.
type executeArgs struct {
	connArgs
	Command        string   `json:"command"`
	Session        string   `json:"session"`
	Timeout        *float64 `json:"timeout"`
	SudoPassword   string   `json:"sudo_password"`
	SuPassword     string   `json:"su_password"`
	EnablePassword string   `json:"enable_password"`
	EnableCommand  string   `json:"enable_command"`
}

func (a executeArgs) check() error {
	if err := a.connArgs.check(); err != nil {
		return err
	}
	if err := checkSession(a.Session); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(a.Command) == "":
		return &argError{field: "command", msg: "is empty: give the command line to run (to press Enter in a waiting program use send_input)"}
	case len(a.Command) > maxCommandLen:
		return &argError{field: "command", msg: fmt.Sprintf("is %d bytes, more than %d: upload a script with write_file and run that", len(a.Command), maxCommandLen)}
	case strings.IndexByte(a.Command, 0) >= 0:
		return &argError{field: "command", msg: "contains a NUL byte, which no shell accepts: pass binary data through write_file with encoding=base64"}
	}
	return nil
}

func (a executeArgs) runOptions() devices.RunOptions {
	return devices.RunOptions{
		SudoPassword:   a.SudoPassword,
		SuPassword:     a.SuPassword,
		EnablePassword: a.EnablePassword,
		EnableCommand:  a.EnableCommand,
	}
}

// secrets are the secret arguments long enough to mask, as callSecrets
// finds them.
func (a executeArgs) secrets() []string {
	var out []string
	for _, s := range []string{a.Password, a.SudoPassword, a.SuPassword, a.EnablePassword} {
		if len(s) >= minRedacted {
			out = append(out, s)
		}
	}
	return out
}

// checkSession accepts "" (the default shell) and short printable names.
func checkSession(name string) error {
	if name == devices.ConfigSession {
		return &argError{field: "session", msg: fmt.Sprintf("%q is reserved for apply_config's transactions: choose another name", name)}
	}
	if len(name) > 64 {
		return &argError{field: "session", msg: "is longer than 64 bytes: use a short name such as \"build\""}
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return &argError{field: "session", msg: "contains a control character: use a short printable name such as \"build\""}
		}
	}
	return nil
}

// checkTimeout rejects a timeout below zero or above MaxCommandTimeout.
func (a executeArgs) checkTimeout() error {
	if a.Timeout == nil {
		return nil
	}
	if t := *a.Timeout; t < 0 || t > MaxCommandTimeout.Seconds() {
		return &argError{field: "timeout", msg: fmt.Sprintf("is %g: give seconds to wait, from 0 (return at once with a command_id) to %d (24 h); "+
			"a command that runs longer goes on anyway, poll it with get_command_status", t, int(MaxCommandTimeout.Seconds()))}
	}
	return nil
}

// waitFor turns the timeout argument into how long to wait for c: absent
// means the configured default for c's host, zero means not at all.
func (d *deps) waitFor(a executeArgs, c *devices.Command) time.Duration {
	if a.Timeout == nil {
		if t := c.HostTimeout(); t > 0 {
			return min(t, MaxCommandTimeout)
		}
		return d.timeout
	}
	return time.Duration(*a.Timeout * float64(time.Second))
}

// capWait bounds a wait by the server's max wait unless the caller asked
// for progress: a client that hears nothing gives up on the request (the
// TypeScript SDK after 60 s) and cancels it, while one that receives
// progress every second keeps waiting. It reports whether it cut the wait.
func (d *deps) capWait(req mcpgo.CallToolRequest, wait time.Duration) (time.Duration, bool) {
	if wantsProgress(req) || wait <= d.maxWait {
		return wait, false
	}
	return d.maxWait, true
}

func executeCommandExtra(docs paramDocs) []mcpgo.ToolOption {
	return []mcpgo.ToolOption{
		mcpgo.WithString("command", mcpgo.Required(),
			doc(docs, "Command line for the shell or device; several lines run as typed.")),
		mcpgo.WithString("session",
			doc(docs, "Named shell on the host (default \"default\"); keeps cwd, environment, device mode. A busy one queues commands.")),
		mcpgo.WithString("sudo_password",
			doc(docs, "Answers only sudo's own password prompt. Never shown or logged.")),
		mcpgo.WithString("su_password",
			doc(docs, "Answers su's own password prompt, once. Never shown or logged.")),
		mcpgo.WithString("enable_password",
			doc(docs, "Network device's enable secret; privileged mode is entered as needed.")),
		mcpgo.WithString("enable_command",
			doc(docs, "Command that enters privileged mode; default \"enable\".")),
	}
}

func executeCommand(d *deps) mcpserver.ServerTool {
	const name = "execute_command"
	tool := newTool(name,
		[]mcpgo.ToolOption{mcpgo.WithDescription("Run a command in a persistent shell on a host; return exit status and output. " +
			"One still running when the wait ends goes on: the result has its command_id and output so far; " +
			"poll with get_command_status, answer prompts with send_input, stop with interrupt_command_by_id. Long output keeps head and tail.")},
		connParams(describeParams),
		executeCommandExtra(describeParams),
		[]mcpgo.ToolOption{
			mcpgo.WithNumber("timeout", mcpgo.Min(0), mcpgo.Max(MaxCommandTimeout.Seconds()),
				mcpgo.Description("Seconds to wait; default 30 (config: command_timeout), 0 returns at once. "+
					"Without a progressToken one call waits at most --max-wait (50 s); with one it gets progress each second and may wait it all. Never stops the command.")),
			mcpgo.WithOutputSchema[commandResult](),
		},
		destructiveHints("Run a command", notIdempotent),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		a, bad := bindExecute(name, req)
		if bad != nil {
			return bad, nil
		}
		if err := a.checkTimeout(); err != nil {
			return badArgs(name, err), nil
		}
		c, fail := d.start(ctx, name, a, openTimeout(a))
		if fail != nil {
			return fail, nil
		}
		wait, capped := d.capWait(req, d.waitFor(a, c))
		switch await(ctx, req, c, wait, d.log) {
		case waitCancelled:
			return d.cancelled(ctx, c), nil
		case waitTimedOut:
			lead := fmt.Sprintf("Command still %s after %s.", c.Info().Status, wait)
			if capped {
				lead = fmt.Sprintf("Command still %s after %s, the most one call waits without a progressToken (the server's --max-wait); it goes on.", c.Info().Status, wait)
			}
			return d.report(c, lead), nil
		}
		return d.report(c, ""), nil
	}}
}

// minOpenWait is the least time a call's timeout leaves for opening a
// new shell: a first login takes a few round trips (and a device's AAA
// server its seconds), which a timeout meant for a quick command should
// not cut short.
const minOpenWait = 5 * time.Second

// openTimeout bounds starting the command, and so dialing and opening a
// new shell, by the call's timeout (at least minOpenWait): a login that
// never reaches a prompt fails within the time the caller gave, with what
// the host printed. No timeout, or zero, leaves the devices layer's own
// bounds. The command itself, and a person's approval, are not bounded by
// it.
func openTimeout(a executeArgs) time.Duration {
	if a.Timeout == nil || *a.Timeout <= 0 {
		return 0
	}
	return max(time.Duration(*a.Timeout*float64(time.Second)), minOpenWait)
}

// cancelled ends a call whose context ended while it waited. A call the
// client cancelled leaves its command running (detached: it stays in
// list_running_commands and keeps its result) unless the server was
// started with --interrupt-on-cancel. The result is what the log and a
// server shutting down see; the client that cancelled gets no response.
func (d *deps) cancelled(ctx context.Context, c *devices.Command) *mcpgo.CallToolResult {
	if !errors.Is(context.Cause(ctx), errClientCancelled) {
		d.log.Info("call ended while its command runs: the server is stopping", "id", c.ID())
		return d.report(c, "The server is stopping; the command was left as it was.")
	}
	if !d.interrupt {
		d.log.Info("call cancelled by the client: command detached, still running", "id", c.ID())
		return d.report(c, "The call was cancelled; the command goes on.")
	}
	if err := interruptAndWait(ctx, c); err != nil {
		d.log.Warn("call cancelled by the client: Ctrl+C failed", "id", c.ID(), "err", err)
	} else {
		d.log.Info("call cancelled by the client: Ctrl+C sent (--interrupt-on-cancel)", "id", c.ID())
	}
	return d.report(c, "The call was cancelled; Ctrl+C was sent to the command.")
}

// start starts a command and registers it, or explains why it could not.
// open bounds dialing and opening a new shell (RunOptions.OpenTimeout).
func (d *deps) start(ctx context.Context, tool string, a executeArgs, open time.Duration) (*devices.Command, *mcpgo.CallToolResult) {
	o := a.runOptions()
	o.OpenTimeout = open
	c, err := d.m.Start(ctx, a.request(), a.Session, a.Command, o)
	if err != nil {
		d.log.Info("command not started", "tool", tool, "host", a.Host, "session", a.Session, "err", err)
		return nil, hostFailure(ctx, tool, a.Host, "starting the command", err)
	}
	d.reg.add(c)
	secrets := a.secrets()
	d.auditEnd(ctx, tool, c, secrets)
	d.log.Info("command started", "tool", tool, "id", c.ID(), "host", a.Host, "session", a.Session, "bytes", len(a.Command))
	d.log.Debug("command text", "id", c.ID(), "command", mask(secrets, a.Command))
	return c, nil
}

// report describes a command with its output, cut to the response limit.
func (d *deps) report(c *devices.Command, lead string) *mcpgo.CallToolResult {
	info := c.Info()
	w, err := window(c, info.ID, 0, info.OutputBytes, d.outputLimit)
	if err != nil {
		d.log.Warn("reading output failed", "id", info.ID, "err", err)
	}
	r := newCommandResult(info, w)
	return textResult(r.text(lead), r)
}
