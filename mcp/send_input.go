package mcp

import (
	"context"
	"errors"
	"fmt"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// maxInputBytes bounds one send_input: text a person could type. More
// than the terminal and sshd buffer for a program that is not reading
// blocks the session until the shell is hung up.
const maxInputBytes = 64 << 10

// Bounds of send_input's wait for what the program prints next: it
// returns once output that came has been quiet for quietFor, after
// silentFor when nothing came at all (a program working before it
// answers), and after inputWait at most.
const (
	quietFor  = 300 * time.Millisecond
	silentFor = 2 * time.Second
	inputWait = 30 * time.Second
)

type sendInputArgs struct {
	CommandID string  `json:"command_id"`
	InputText *string `json:"input_text"`
	Secret    string  `json:"secret"`
}

// check says what is wrong with a call that gives neither input_text nor
// secret, or both.
func (a sendInputArgs) check() error {
	switch {
	case a.InputText == nil && a.Secret == "":
		return &argError{field: "input_text", msg: "is required, unless secret names a secret of the host's config entry to type instead"}
	case a.InputText != nil && a.Secret != "":
		return &argError{field: "secret", msg: "cannot be combined with input_text: type the text with one send_input call and the secret with another"}
	}
	return nil
}

func sendInput(d *deps) mcpserver.ServerTool {
	const name = "send_input"
	tool := newTool(name,
		[]mcpgo.ToolOption{
			mcpgo.WithDescription("Type text into a running command (a prompt, python3, read, a [confirm] question). Escapes: \\n Enter, \\r, \\t, \\\\, \\e Escape, \\xNN any byte (\\x03 Ctrl+C, \\x04 Ctrl+D). " +
				"No newline is added: end with \\n to press Enter. Or, instead, secret: the name of a secret in the host's config entry, typed with Enter, never shown. " +
				"Returns what it printed next: once it ends, waits again, or pauses 0.3 s (2 s if silent)."),
			commandIDParam(),
			mcpgo.WithString("input_text"),
			mcpgo.WithString("secret"),
			mcpgo.WithOutputSchema[commandResult](),
		},
		destructiveHints("Send input to a command", notIdempotent),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a sendInputArgs
		if err := bind(req, &a, "command_id"); err != nil {
			return badArgs(name, err), nil
		}
		if err := a.check(); err != nil {
			return badArgs(name, err), nil
		}
		var text string
		if a.InputText != nil {
			var err error
			if text, err = inputText(*a.InputText); err != nil {
				return badArgs(name, err), nil
			}
		}
		c, ok := d.reg.lookup(a.CommandID)
		if !ok {
			return unknownCommand(name, a.CommandID), nil
		}
		before := c.Info()
		lead := fmt.Sprintf("Input sent (%d bytes). Output since then:", len(text))
		if a.Secret != "" {
			if err := c.SendSecret(ctx, a.Secret); err != nil {
				return secretFailure(ctx, name, before, a.Secret, err), nil
			}
			lead = fmt.Sprintf("Secret %q typed, then Enter. Output since then:", a.Secret)
		} else if err := c.SendInput(ctx, text); err != nil {
			return inputFailure(ctx, name, before, err), nil
		}
		waitAfterInput(ctx, c, before.OutputBytes)
		info := c.Info()
		w, err := window(c, info.ID, before.OutputBytes, info.OutputBytes, d.outputLimit)
		if err != nil {
			d.log.Warn("reading output failed", "id", info.ID, "err", err)
		}
		r := newCommandResult(info, w)
		return textResult(r.text(lead), r), nil
	}}
}

// inputText decodes input_text's escapes and checks its size.
func inputText(raw string) (string, error) {
	text, err := decodeEscapes(raw)
	if err != nil {
		return "", err
	}
	if len(text) > maxInputBytes {
		return "", &argError{field: "input_text", msg: fmt.Sprintf("is %d bytes, more than %d: it is typed as keys, and a program that reads it slowly would hold the session; "+
			"upload data with write_file and let the program read the file instead", len(text), maxInputBytes)}
	}
	return text, nil
}

// secretFailure explains why a named secret was not typed. The errors
// name secrets and references, never a value.
func secretFailure(ctx context.Context, tool string, info devices.CommandInfo, secret string, err error) *mcpgo.CallToolResult {
	switch {
	case errors.Is(err, hosts.ErrUnknownSecret):
		return failure(fmt.Sprintf("%s: host %q has no secret %q in its config entry; nothing was typed", tool, info.Host, secret), err.Error(),
			"give one of the names listed above as secret, or ask the user to add this one under secrets: in the host's entry of config.yaml")
	case errors.Is(err, hosts.ErrSecret):
		return failure(fmt.Sprintf("%s: secret %q of host %q gave nothing; nothing was typed", tool, secret, info.Host), err.Error(),
			"ask the user to set that variable for the server (or fix that command), then call send_input again")
	}
	return inputFailure(ctx, tool, info, err)
}

// inputFailure explains why input could not be sent.
func inputFailure(ctx context.Context, tool string, info devices.CommandInfo, err error) *mcpgo.CallToolResult {
	switch {
	case errors.Is(err, devices.ErrFinished):
		return failure(fmt.Sprintf("%s: command %s already finished with status %s; the input was not sent", tool, info.ID, info.Status), "",
			"run a new command with execute_command; get_command_status shows this one's output")
	case errors.Is(err, devices.ErrNotRunning):
		return failure(fmt.Sprintf("%s: command %s is still queued behind another command in session %q; the input was not sent", tool, info.ID, info.Session), "",
			"wait until get_command_status shows it running, or use another session")
	}
	return hostFailure(ctx, tool, info.Host, "sending input", err)
}

// waitAfterInput waits for the command's reaction to input: it finishes,
// it asks for input again, its output pauses (quietFor, or silentFor when
// none came), inputWait passes,
// or ctx ends. "Asks again" counts only once the command was seen past the
// prompt it was answering, so a status that has not caught up with the
// input yet does not end the wait early.
func waitAfterInput(ctx context.Context, c *devices.Command, from int64) {
	limit := time.NewTimer(inputWait)
	defer limit.Stop()
	quiet := time.NewTimer(silentFor)
	defer quiet.Stop()
	seen, resumed := from, false
	for {
		changed := c.Changed()
		info := c.Info()
		if info.Status.Finished() {
			return
		}
		if info.Status != devices.StatusAwaitingInput {
			resumed = true
		} else if resumed {
			return
		}
		if info.OutputBytes != seen {
			seen = info.OutputBytes
			quiet.Reset(quietFor)
		}
		select {
		case <-changed:
		case <-c.Done():
			return
		case <-quiet.C:
			return
		case <-limit.C:
			return
		case <-ctx.Done():
			return
		}
	}
}
