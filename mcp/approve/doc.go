// Package approve holds the requests for a person's approval of a running
// server and lets a person at a terminal of the same machine answer them
// (mcp-ssh-session approvals, approve ID, deny ID).
//
// A Broker keeps the pending requests. Ask waits for the first answer:
// one from a terminal, one from the MCP client's elicitation, or none by
// the request's deadline. The terminal side is a unix socket of mode 0600
// in a directory of mode 0700 that belongs to the user (Dir); the server
// accepts an approval only from a process of the same user that has a
// controlling terminal and that the server's parent process (the MCP
// client, which runs the agent) did not start, so that an agent's shell
// tool, which runs without a terminal under that client, cannot approve
// its own request. Anything of that user can still deny one.
//
// Safe for concurrent use. The checks on the peer need Linux; on other
// systems the socket takes no answer at all.
package approve
