// Package mcp exposes the devices layer to AI agents as MCP tools over
// stdio (github.com/mark3labs/mcp-go). Each tool lives in its own file: its
// definition and a handler constructor that receives its dependencies.
// Handlers validate arguments, call devices, and format results: the text
// layout agents already know and structured content with a declared schema.
//
// Messages meant for the agent are written here and nowhere else: what
// failed, the evidence, and the next action. Secrets never appear in them.
//
// Handlers are safe for concurrent use; long calls never block other tool
// calls.
package mcp
