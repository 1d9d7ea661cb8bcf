package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

// progressEvery is how often a waiting call tells a client that asked for
// progress how the command is doing.
const progressEvery = time.Second

// interruptWait bounds how long a call waits for a command to come back to
// its prompt after Ctrl+C.
const interruptWait = 5 * time.Second

// waitOutcome says why await returned.
type waitOutcome int

const (
	waitSettled   waitOutcome = iota // finished, or waiting for input
	waitTimedOut                     // still queued or running when the time was up
	waitCancelled                    // the caller's context ended
)

// await waits until c finishes or asks for input, until timeout passes, or
// until ctx ends, whichever comes first. While it waits it sends MCP
// progress notifications when the request carried a progress token. It
// never interrupts c: the caller decides.
func await(ctx context.Context, req mcpgo.CallToolRequest, c *devices.Command, timeout time.Duration, log *slog.Logger) waitOutcome {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	prog := newProgress(ctx, req, log)
	var tick <-chan time.Time
	if prog != nil {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		tick = t.C
	}
	// Changed costs devices a goroutine until it fires, so a new one is
	// asked for only after the last one fired, not on every progress tick.
	changed := c.Changed()
	for {
		info := c.Info()
		if info.Status.Finished() || info.Status == devices.StatusAwaitingInput {
			return waitSettled
		}
		select {
		case <-c.Done():
			return waitSettled
		case <-changed:
			changed = c.Changed()
		case <-tick:
			prog.send(info)
		case <-timer.C:
			return waitTimedOut
		case <-ctx.Done():
			return waitCancelled
		}
	}
}

// interruptAndWait sends Ctrl+C to c and waits, bounded, for it to end.
// It runs on a context of its own that keeps parent's values but not its
// cancellation, because it is also how a cancelled call cleans up.
func interruptAndWait(parent context.Context, c *devices.Command) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), interruptWait)
	defer cancel()
	if err := c.Interrupt(ctx); err != nil {
		return err
	}
	select {
	case <-c.Done():
	case <-ctx.Done():
	}
	return nil
}

// progress sends notifications/progress for one request.
type progress struct {
	ctx   context.Context
	token mcpgo.ProgressToken
	start time.Time
	log   *slog.Logger
}

// wantsProgress says whether the caller sent a progress token.
func wantsProgress(req mcpgo.CallToolRequest) bool {
	return req.Params.Meta != nil && req.Params.Meta.ProgressToken != nil
}

func newProgress(ctx context.Context, req mcpgo.CallToolRequest, log *slog.Logger) *progress {
	if !wantsProgress(req) {
		return nil
	}
	start := time.Now()
	if c, ok := ctx.Value(callKey{}).(callInfo); ok {
		start = c.start // progress counts from the call's start, so it only grows
	}
	return &progress{ctx: ctx, token: req.Params.Meta.ProgressToken, start: start, log: log}
}

// callInfo is what a tool call's context carries for the code under its
// handler that does not see the request: when it started and its
// progress token (nil: none).
type callInfo struct {
	start time.Time
	token mcpgo.ProgressToken
}

type callKey struct{}

// withCall puts the call's callInfo in its context.
func withCall(next mcpserver.ToolHandlerFunc) mcpserver.ToolHandlerFunc {
	return func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		c := callInfo{start: time.Now()}
		if wantsProgress(req) {
			c.token = req.Params.Meta.ProgressToken
		}
		return next(context.WithValue(ctx, callKey{}, c), req)
	}
}

// sendProgress reports msg as progress of the call of ctx, when its
// caller asked for progress.
func sendProgress(ctx context.Context, msg string) {
	c, ok := ctx.Value(callKey{}).(callInfo)
	if !ok || c.token == nil {
		return
	}
	_ = notifyProgress(ctx, map[string]any{"progressToken": c.token, "progress": time.Since(c.start).Seconds(), "message": msg})
}

// notifyProgress sends notifications/progress with params for the call
// of ctx. On the stdio server it goes into the outbox before it returns,
// so that the call's response, sent once the handler returned, always
// follows it: a notification queued elsewhere could be written after the
// response, when the client no longer knows its token. It may be dropped
// when the client does not read.
func notifyProgress(ctx context.Context, params map[string]any) error {
	if ctx.Err() != nil {
		return nil // cancelled: the client no longer knows the token
	}
	if s, ok := mcpserver.ClientSessionFromContext(ctx).(*stdioSession); ok && s.conn != nil {
		b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "notifications/progress", "params": params})
		if err != nil {
			return err
		}
		if !s.conn.out.send(b, mayDrop) {
			return errors.New("the client is not reading")
		}
		return nil
	}
	srv := mcpserver.ServerFromContext(ctx)
	if srv == nil {
		return errors.New("no MCP server in the context")
	}
	return srv.SendNotificationToClient(ctx, "notifications/progress", params)
}

// send reports elapsed time as the progress value (it only ever grows, as
// the protocol asks) and the output so far in the message.
func (p *progress) send(info devices.CommandInfo) {
	elapsed := time.Since(p.start)
	msg := fmt.Sprintf("%s after %s, %d lines", info.Status, elapsed.Round(time.Second), info.Lines)
	if info.LastLine != "" {
		msg += ", last: " + clipLine(info.LastLine, 200)
	}
	// A notification that cannot be sent (the client went away) changes
	// nothing about the command, so the error only reaches the log.
	err := notifyProgress(p.ctx, map[string]any{
		"progressToken": p.token,
		"progress":      elapsed.Seconds(),
		"message":       msg,
	})
	if err != nil {
		p.log.Debug("progress notification not sent", "err", err)
	}
}

func clipLine(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "..."
}
