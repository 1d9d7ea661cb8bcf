package mcp

import (
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// connParams are the input schema options for the connection parameters
// (connArgs), worded the same in every tool.
func connParams() []mcpgo.ToolOption {
	return []mcpgo.ToolOption{
		mcpgo.WithString("host", mcpgo.Required(),
			mcpgo.Description("Host to connect to: an ~/.ssh/config alias, a hostname or an IP address.")),
		mcpgo.WithString("username",
			mcpgo.Description("Login user; default from ~/.ssh/config, else the local user.")),
		mcpgo.WithString("password",
			mcpgo.Description("Login password; keys and the SSH agent are still tried first. Prefer configuring secrets in the config file.")),
		mcpgo.WithString("key_filename",
			mcpgo.Description("Private key file (~ is expanded), tried before the ones from ~/.ssh/config.")),
		mcpgo.WithInteger("port", mcpgo.Min(1), mcpgo.Max(65535),
			mcpgo.Description("SSH port; default from ~/.ssh/config, else 22.")),
		mcpgo.WithString("profile",
			mcpgo.Description("Force a device profile (linux, cisco_ios, junos or a user profile) instead of detecting it.")),
	}
}

// sessionParam is the named-shell parameter.
func sessionParam(desc string) mcpgo.ToolOption {
	return mcpgo.WithString("session", mcpgo.Description(desc))
}

// commandIDParam is the command_id parameter of the tools that act on one
// command.
func commandIDParam() mcpgo.ToolOption {
	return mcpgo.WithString("command_id", mcpgo.Required(),
		mcpgo.Description("ID of the command, as returned by execute_command or execute_command_async."))
}

// newTool builds a tool from the option groups given.
func newTool(name string, groups ...[]mcpgo.ToolOption) mcpgo.Tool {
	var opts []mcpgo.ToolOption
	for _, g := range groups {
		opts = append(opts, g...)
	}
	opts = append(opts, mcpgo.WithSchemaAdditionalProperties(false))
	return mcpgo.NewTool(name, opts...)
}

// repeatability says whether calling a tool twice with the same arguments
// has the effect of calling it once.
type repeatability bool

const (
	idempotent    repeatability = true
	notIdempotent repeatability = false
)

// reach says whether a tool talks to hosts (open world) or only reads the
// server's own state.
type reach bool

const (
	remote reach = true
	local  reach = false
)

// destructiveHints are the annotations of a tool that changes things on
// hosts: runs commands, writes files, closes sessions.
func destructiveHints(title string, r repeatability) []mcpgo.ToolOption {
	return []mcpgo.ToolOption{
		mcpgo.WithTitleAnnotation(title),
		mcpgo.WithReadOnlyHintAnnotation(false),
		mcpgo.WithDestructiveHintAnnotation(true),
		mcpgo.WithIdempotentHintAnnotation(bool(r)),
		mcpgo.WithOpenWorldHintAnnotation(true),
	}
}

// readOnlyHints are the annotations of a tool that only looks.
func readOnlyHints(title string, where reach) []mcpgo.ToolOption {
	return []mcpgo.ToolOption{
		mcpgo.WithTitleAnnotation(title),
		mcpgo.WithReadOnlyHintAnnotation(true),
		mcpgo.WithDestructiveHintAnnotation(false),
		mcpgo.WithIdempotentHintAnnotation(true),
		mcpgo.WithOpenWorldHintAnnotation(bool(where)),
	}
}
