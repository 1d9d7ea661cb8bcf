package mcp

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/audit"
)

// Defaults of Options.
const (
	DefaultOutputLimit    = 64 << 10
	DefaultFileCap        = 2 << 20
	DefaultHistory        = 1000
	DefaultCommandTimeout = 30 * time.Second
	// MaxCommandTimeout caps execute_command's timeout: a call that waits
	// longer than a day is a mistake, and the command goes on anyway.
	MaxCommandTimeout = 24 * time.Hour
	// DefaultMaxWait is Options.MaxWait's default: under the 60 s after
	// which the TypeScript SDK, and clients built on it, give up.
	DefaultMaxWait = 50 * time.Second
)

// Options configure a Server. Only Manager is required; a zero field means
// the default named beside it.
type Options struct {
	Manager        *devices.Manager // required; the Server does not close it
	Logger         *slog.Logger     // nil: discard
	Version        string           // reported to clients; "": "dev"
	OutputLimit    int              // bytes of command output per response; zero: 64 KiB
	FileCap        int64            // largest read_file / write_file; zero: 2 MiB
	History        int              // finished commands kept for list_command_history; zero: 1,000
	CommandTimeout time.Duration    // execute_command's default timeout; zero: 30 s
	// MaxWait caps how long one execute_command call waits when the
	// caller sent no progressToken: clients give up on a silent request
	// (the TypeScript SDK after 60 s). Zero: 50 s.
	MaxWait time.Duration
	// InterruptOnCancel makes a cancelled execute_command send Ctrl+C to
	// its command. False: the command goes on, detached from the call.
	InterruptOnCancel bool
	MaxMessage        int // bytes of one JSON-RPC message read from stdin; zero: 8 MiB
	MaxPending        int // requests in flight at once; zero: 1,024
	// Audit, when set, records every tool call and command end; nil:
	// none. The Server writes to it but does not close it.
	Audit *audit.Log
	// AuditFailClosed refuses a tool call whose record cannot be written
	// to Audit. False: the failure is logged and the call goes on.
	AuditFailClosed bool
}

// Server is the MCP server with every tool registered. Its methods are
// safe for concurrent use.
type Server struct {
	mcp  *mcpserver.MCPServer
	deps *deps
	opts Options
}

// deps is what the tool handlers share.
type deps struct {
	m           *devices.Manager
	reg         *registry
	log         *slog.Logger
	outputLimit int
	fileCap     int64
	timeout     time.Duration
	maxWait     time.Duration
	interrupt   bool // InterruptOnCancel

	audit           *audit.Log // nil: no audit log
	auditFailClosed bool
	auditWG         sync.WaitGroup // command-end records not yet written
	readOnly        bool           // the Manager is read-only: no write_file
}

// NewServer builds the MCP server and registers the tools.
func NewServer(opts Options) (*Server, error) {
	if opts.Manager == nil {
		return nil, errors.New("mcp: Options.Manager is required")
	}
	d := &deps{
		m:           opts.Manager,
		reg:         newRegistry(orDefault(opts.History, DefaultHistory)),
		log:         opts.Logger,
		outputLimit: orDefault(opts.OutputLimit, DefaultOutputLimit),
		fileCap:     orDefault(opts.FileCap, DefaultFileCap),
		timeout:     orDefault(opts.CommandTimeout, DefaultCommandTimeout),
		maxWait:     orDefault(opts.MaxWait, DefaultMaxWait),
		interrupt:   opts.InterruptOnCancel,

		audit:           opts.Audit,
		auditFailClosed: opts.AuditFailClosed,
		readOnly:        opts.Manager.ReadOnly(),
	}
	if d.audit != nil {
		opts.Manager.HashOutputs() // command_end records carry the output's SHA-256
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	version := opts.Version
	if version == "" {
		version = "dev"
	}
	srv := mcpserver.NewMCPServer("mcp-ssh-session", version,
		mcpserver.WithToolCapabilities(false),
		mcpserver.WithOutputSchemaValidation(),
		mcpserver.WithRecovery(),
		mcpserver.WithInstructions(instructions),
	)
	for _, t := range tools(d) {
		tool, err := rawOutputSchema(t.Tool)
		if err != nil {
			return nil, err
		}
		srv.AddTool(tool, withCall(d.audited(tool.Name, redactSecrets(checkNumbers(tool, t.Handler)))))
	}
	return &Server{mcp: srv, deps: d, opts: opts}, nil
}

// rawOutputSchema encodes a tool's output schema once: the server checks
// every result against it, and would otherwise encode it again per call.
// The schema keeps its fields and their types but not their descriptions
// nor the list of required fields: five tools share the command result,
// and the fields' meaning, and that every field is always present, told
// once in the server's instructions, made up half of tools/list.
func rawOutputSchema(t mcpgo.Tool) (mcpgo.Tool, error) {
	if t.OutputSchema.Type == "" {
		return t, nil
	}
	raw, err := json.Marshal(t.OutputSchema)
	if err != nil {
		return t, fmt.Errorf("tool %s: encode its output schema: %w", t.Name, err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		return t, fmt.Errorf("tool %s: decode its output schema: %w", t.Name, err)
	}
	leanSchema(schema)
	if raw, err = json.Marshal(schema); err != nil {
		return t, fmt.Errorf("tool %s: encode its output schema: %w", t.Name, err)
	}
	t.RawOutputSchema, t.OutputSchema = raw, mcpgo.ToolOutputSchema{}
	return t, nil
}

// leanSchema removes the descriptions of a schema's properties and the
// required lists, at every depth. It also gives every property a single
// type, as clients that map schemas onto a single-type dialect need: a
// list is always an array (results never carry null for one), and a
// nullable number becomes anyOf null or integer.
func leanSchema(schema map[string]any) {
	delete(schema, "required")
	props, _ := schema["properties"].(map[string]any)
	for _, p := range props {
		if prop, ok := p.(map[string]any); ok {
			delete(prop, "description")
			singleType(prop)
			leanSchema(prop)
		}
	}
	if items, ok := schema["items"].(map[string]any); ok {
		leanSchema(items)
	}
}

// singleType rewrites a ["null", T] type list: T alone for an array,
// anyOf null or T for anything else.
func singleType(prop map[string]any) {
	types, ok := prop["type"].([]any)
	if !ok || len(types) != 2 || types[0] != "null" {
		return
	}
	if types[1] == "array" {
		prop["type"] = "array"
		return
	}
	delete(prop, "type")
	prop["anyOf"] = []any{map[string]any{"type": "null"}, map[string]any{"type": types[1]}}
}

const instructions = `Persistent SSH sessions to Linux hosts and network devices (Cisco IOS, Junos, FRRouting).
execute_command waits up to its timeout (one call at most the server's max wait, 50 s by default, unless it sends a progressToken); a command still running then returns a command_id and goes on: poll it with get_command_status, answer prompts with send_input, stop it with interrupt_command_by_id. Cancelling a call does not stop its command. Each host keeps named shells (session, default "default"): working directory, environment and device mode persist between calls. Commands sent to a busy session queue behind the running one.
Every field of a tool's structured content is always present. In command results status is queued, running, awaiting_input, completed, failed, interrupted or lost; exit_code is null while running or when unknown; output has no echo or prompt, and when truncated keeps head and tail: page with get_command_status offset and max_bytes; output_offset is where output starts in the whole output, next_offset the offset to ask for next; output_bytes and lines count all output so far; target is user@host:port; cwd (shells), mode and prompt (devices) are the state after the command; started_at and ended_at are RFC 3339, empty while queued or not finished; reconnected and restored say the connection was re-established and what was restored; error is a failure of the machinery (sudo rejected, connection lost), error_line the device error line that marked the command failed; input_prompt is the prompt awaiting send_input; partial_line is the unfinished line being printed (a REPL prompt, a progress bar); fallback says why completion fell back to prompt matching; note says what the session did beside the command (entered or left a nested shell; in the first result on a new shell, "shell setup:" and a preparation step that failed, such as an on_open command the device rejected, also listed as warnings in list_sessions). Listings show at most 200 bytes of each command; get_command_status shows all of it. In list_sessions, user, shell and depth are who runs the session's current shell, which shell, and how many shells of the session it runs inside of (sudo -i, su, bash; 0 is the login shell).
A host's policy may refuse a command, input or file: the error result names the rule, and nothing was sent to the host; do not rephrase the call to get around it. A call the policy marks ask waits until a person approves it, in this client or at a terminal (up to the server's --approval-timeout, 5 min by default; send a progressToken to hear that it still waits); only a person can.`

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// tools lists every tool with its handler. A read-only server has no
// write_file: a tool that can only be refused is not offered.
func tools(d *deps) []mcpserver.ServerTool {
	all := []mcpserver.ServerTool{
		executeCommand(d),
		executeCommandAsync(d),
		getCommandStatus(d),
		interruptCommand(d),
		sendInput(d),
		listRunningCommands(d),
		listCommandHistory(d),
		listSessions(d),
		closeSession(d),
		closeAllSessions(d),
		readFile(d),
	}
	if d == nil || !d.readOnly {
		all = append(all, writeFile(d))
		all = append(all, configTools(d)...)
	}
	return all
}

// MaxWait is the longest one execute_command call waits without a
// progress token.
func (s *Server) MaxWait() time.Duration { return s.deps.maxWait }
