// Package mcp exposes the devices layer to AI agents as MCP tools over
// stdio (github.com/mark3labs/mcp-go). Each tool lives in its own file: its
// definition and a handler constructor that receives its dependencies.
// Handlers validate arguments, call devices, and format results: the text
// layout agents already know from the Python server and structured content
// with a declared output schema.
//
// Messages meant for the agent are written here and nowhere else: what
// failed, the evidence, and the next action. Secrets given in a call's
// arguments never appear in its result, whatever a lower layer returned.
//
// With Options.Audit every tool call is recorded in the audit log
// (audit.go) before it runs and again when it returns, and every command's
// end once it finishes; with Options.AuditFailClosed a call that cannot be
// recorded is refused instead of run.
//
// The stdio transport (stdio.go) is the package's own, in front of mcp-go's
// MCPServer.HandleMessage: it caps a message's size and the requests in
// flight, writes responses from one goroutine that nothing waits on,
// refuses requests before initialize, answers malformed messages with
// JSON-RPC's codes, and sends no response to a cancelled request.
//
// Concurrency: a Server and its handlers are safe for concurrent use. Each
// request runs on a goroutine of its own, so one execute_command waiting
// for its command never holds up another call; commands on different hosts
// run in parallel and commands on one shell queue in devices. One call
// waits at most Options.MaxWait unless the client asked for progress.
//
// What it does not do: it never stops a command on its own initiative. A
// call's timeout ends the wait, not the command, and so does an MCP
// cancellation of the waiting call (unless Options.InterruptOnCancel); only
// interrupt_command_by_id and close_session send Ctrl+C.
package mcp
