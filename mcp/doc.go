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
// Concurrency: a Server and its handlers are safe for concurrent use. Tool
// calls run on a worker pool sized for many long waits, so one
// execute_command waiting for its command never holds up another call;
// commands on different hosts run in parallel and commands on one shell
// queue in devices.
//
// What it does not do: it never stops a command on its own initiative. A
// call's timeout ends the wait, not the command; only interrupt_command_by_id,
// close_session and an MCP cancellation of the waiting call send Ctrl+C.
package mcp
