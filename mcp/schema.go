package mcp

import (
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// paramDocs says whether a tool describes its shared parameters itself or
// leaves that to execute_command, whose schema describes them once: the
// same words in every tool made tools/list half again as long.
type paramDocs bool

const (
	describeParams      paramDocs = true
	describedInExecute  paramDocs = false
	asInExecuteCommand            = " Host parameters as in execute_command."
	asInExecuteCommand2           = " Parameters as in execute_command."
)

// doc is a description option, or none when docs says execute_command
// carries it.
func doc(docs paramDocs, text string) mcpgo.PropertyOption {
	if docs == describedInExecute {
		return func(map[string]any) {}
	}
	return mcpgo.Description(text)
}

// connParams are the input schema options for the connection parameters
// (connArgs), worded the same in every tool.
func connParams(docs paramDocs) []mcpgo.ToolOption {
	return []mcpgo.ToolOption{
		mcpgo.WithString("host", mcpgo.Required(), mcpgo.Description(hostDoc(docs))),
		mcpgo.WithString("username"),
		mcpgo.WithString("password",
			doc(docs, "Login password, tried after keys and the agent. Better kept in the config file.")),
		mcpgo.WithString("key_filename",
			doc(docs, "Private key file (~ expanded), tried before ssh_config's keys.")),
		mcpgo.WithInteger("port", mcpgo.Min(1), mcpgo.Max(65535)),
		mcpgo.WithString("profile",
			doc(docs, "Device profile (linux, cisco_ios, junos or a user's) instead of detection.")),
	}
}

// hostDoc describes host: in full where the other connection parameters
// are described too, and in short where execute_command carries them.
func hostDoc(docs paramDocs) string {
	if docs == describedInExecute {
		return "~/.ssh/config alias, hostname or IP."
	}
	return "~/.ssh/config alias, hostname or IP. Unset username, port and keys come from ssh_config."
}

// sessionParam is the named-shell parameter.
func sessionParam(desc string) mcpgo.ToolOption {
	return mcpgo.WithString("session", mcpgo.Description(desc))
}

// commandIDParam is the command_id parameter of the tools that act on one
// command.
func commandIDParam() mcpgo.ToolOption {
	return mcpgo.WithString("command_id", mcpgo.Required())
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
