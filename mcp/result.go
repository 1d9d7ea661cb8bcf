package mcp

import (
	"fmt"
	"strings"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

// commandResult is the structured content of every tool that reports on
// one command: execute_command, execute_command_async, get_command_status,
// interrupt_command_by_id and send_input.
type commandResult struct {
	Status      string   `json:"status" jsonschema:"queued, running, awaiting_input, completed, failed, interrupted or lost"`
	CommandID   string   `json:"command_id" jsonschema:"the command's ID for get_command_status, send_input and interrupt_command_by_id"`
	Command     string   `json:"command" jsonschema:"the command as it was given"`
	Host        string   `json:"host" jsonschema:"the host as it was asked for"`
	Target      string   `json:"target" jsonschema:"user@host:port of the connection"`
	Session     string   `json:"session" jsonschema:"the name of the shell on that host"`
	ExitCode    *int     `json:"exit_code" jsonschema:"exit status; null while running or when unknown"`
	Output      string   `json:"output" jsonschema:"output (no echo, no prompt); when truncated, head and tail with a line saying how to page the rest"`
	Offset      int64    `json:"output_offset" jsonschema:"offset in the whole output where this output starts"`
	NextOffset  int64    `json:"next_offset" jsonschema:"offset to pass to get_command_status for the output after this"`
	Truncated   bool     `json:"truncated" jsonschema:"output was cut to fit the response; page with get_command_status offset and max_bytes"`
	OutputBytes int64    `json:"output_bytes" jsonschema:"bytes of output produced so far"`
	Lines       int64    `json:"lines" jsonschema:"lines of output produced so far"`
	Cwd         string   `json:"cwd" jsonschema:"working directory after the command (shells)"`
	Mode        string   `json:"mode" jsonschema:"device mode after the command (network devices)"`
	Prompt      string   `json:"prompt" jsonschema:"device prompt after the command (network devices)"`
	StartedAt   string   `json:"started_at" jsonschema:"RFC 3339; empty while queued"`
	EndedAt     string   `json:"ended_at" jsonschema:"RFC 3339; empty while not finished"`
	DurationMS  int64    `json:"duration_ms" jsonschema:"run time so far in milliseconds"`
	Reconnected bool     `json:"reconnected" jsonschema:"the connection was re-established before this command"`
	Restored    []string `json:"restored" jsonschema:"what was restored after reconnecting"`
	Error       string   `json:"error" jsonschema:"what went wrong in the machinery (sudo rejected, connection lost), or empty"`
	ErrorLine   string   `json:"error_line" jsonschema:"the device error line that marked the command failed, or empty"`
	InputPrompt string   `json:"input_prompt" jsonschema:"the prompt waiting for input when status is awaiting_input"`
	PartialLine string   `json:"partial_line" jsonschema:"while running: the line being printed that no newline has ended yet (not in output until it is), such as a REPL prompt waiting for send_input or a progress bar; empty otherwise"`
	Fallback    string   `json:"fallback" jsonschema:"why completion fell back to prompt matching, or empty"`
	Note        string   `json:"note" jsonschema:"what the session did beside running the command (entered or left a nested shell), or empty"`

	secrets []string // names send_input's secret may give, for the next step
}

// newCommandResult describes info with the output window w.
func newCommandResult(info devices.CommandInfo, w outputWindow) commandResult {
	r := commandResult{
		Status:      string(info.Status),
		CommandID:   info.ID,
		Command:     info.Command,
		Host:        info.Host,
		Target:      info.Key,
		Session:     info.Session,
		ExitCode:    info.ExitCode,
		Output:      w.Text,
		Offset:      w.Offset,
		NextOffset:  w.Next,
		Truncated:   w.Truncated,
		OutputBytes: info.OutputBytes,
		Lines:       info.Lines,
		Cwd:         info.Cwd,
		Mode:        info.Mode,
		Prompt:      info.Prompt,
		StartedAt:   timeText(info.StartedAt),
		EndedAt:     timeText(info.EndedAt),
		DurationMS:  info.Duration().Milliseconds(),
		Reconnected: info.Reconnected,
		Restored:    nonNil(info.Restored),
		ErrorLine:   info.ErrorLine,
		InputPrompt: info.InputPrompt,
		PartialLine: info.PartialLine,
		Fallback:    info.Fallback,
		Note:        noteWithWarnings(info.Note, info.Warnings),
		secrets:     info.SecretNames,
	}
	if info.Err != nil {
		r.Error = info.Err.Error()
	}
	if info.Dropped > 0 && !r.Truncated {
		r.Truncated = true
	}
	return r
}

// noteWithWarnings adds to a command's note the failed preparation steps
// of the new shell it ran on (only the first command on a shell has
// them): they share the note field, which says what the session did
// beside the command, so that the tool list's schemas stay small.
func noteWithWarnings(note string, warnings []string) string {
	parts := make([]string, 0, len(warnings)+1)
	for _, w := range warnings {
		parts = append(parts, "shell setup: "+w)
	}
	if note != "" {
		parts = append(parts, note)
	}
	return strings.Join(parts, "; ")
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// text lays the result out the way agents know from the Python server:
// "Exit Status: N", then the output under "STDOUT:", with "Command ID:"
// lines and what to do next while the command is not finished.
func (r commandResult) text(lead string) string {
	var b strings.Builder
	if lead != "" {
		b.WriteString(lead)
		b.WriteString("\n")
	}
	if r.ExitCode != nil {
		fmt.Fprintf(&b, "Exit Status: %d\n", *r.ExitCode)
	}
	fmt.Fprintf(&b, "Status: %s\n", r.Status)
	fmt.Fprintf(&b, "Command ID: %s\n", r.CommandID)
	fmt.Fprintf(&b, "Session: %s (%s)\n", r.Target, r.Session)
	r.writeDetails(&b)
	if next := r.nextStep(); next != "" {
		b.WriteString(next)
		b.WriteString("\n")
	}
	b.WriteString("\nSTDOUT:\n")
	b.WriteString(r.Output)
	if r.Output != "" && !strings.HasSuffix(r.Output, "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

func (r commandResult) writeDetails(b *strings.Builder) {
	line := func(label, v string) {
		if v != "" {
			fmt.Fprintf(b, "%s: %s\n", label, v)
		}
	}
	line("Error", r.Error)
	line("Error line", r.ErrorLine)
	line("Waiting for input", r.InputPrompt)
	if r.PartialLine != "" {
		fmt.Fprintf(b, "Unfinished last line: %q\n", r.PartialLine)
	}
	line("Cwd", r.Cwd)
	line("Mode", r.Mode)
	line("Prompt", r.Prompt)
	line("Fallback", r.Fallback)
	line("Note", r.Note)
	if r.Reconnected {
		restored := "nothing to restore"
		if len(r.Restored) > 0 {
			restored = "restored " + strings.Join(r.Restored, ", ")
		}
		fmt.Fprintf(b, "Reconnected: the connection was re-established before this command (%s)\n", restored)
	}
	if r.DurationMS > 0 {
		fmt.Fprintf(b, "Duration: %s\n", (time.Duration(r.DurationMS) * time.Millisecond).String())
	}
}

// nextStep tells the agent what it can do with a command that is not
// finished.
func (r commandResult) nextStep() string {
	id := r.CommandID
	switch devices.Status(r.Status) {
	case devices.StatusQueued:
		return fmt.Sprintf("It waits behind the command running in session %q. Poll it with get_command_status command_id=%q; remove it with interrupt_command_by_id.", r.Session, id)
	case devices.StatusRunning:
		hint := fmt.Sprintf("It goes on in the background. Poll it with get_command_status command_id=%q offset=%d for new output; stop it with interrupt_command_by_id.", id, r.NextOffset)
		if r.PartialLine != "" {
			hint += fmt.Sprintf(" If the unfinished last line is a prompt waiting for you, answer with send_input command_id=%q input_text=\"...\\n\".", id) + r.secretHint()
		}
		return hint
	case devices.StatusAwaitingInput:
		hint := fmt.Sprintf("It waits for input. Answer with send_input command_id=%q input_text=\"...\\n\", or stop it with interrupt_command_by_id.", id)
		if strings.HasPrefix(r.InputPrompt, "[sudo]") {
			hint += " For sudo, interrupt it and run the command again with sudo_password."
		}
		return hint + r.secretHint()
	case devices.StatusLost:
		return "The connection or the shell died under it. Check whether it took effect, then run it again: the next call connects afresh and restores the working directory and device mode."
	}
	return ""
}

// secretHint tells how to answer a password prompt with a secret of the
// host's config entry, when it has any.
func (r commandResult) secretHint() string {
	if len(r.secrets) == 0 {
		return ""
	}
	return fmt.Sprintf(" A secret of this host's config entry is typed unseen with send_input secret=NAME (%s).", strings.Join(r.secrets, ", "))
}

// textResult is a successful result with both a text layout and
// structured content.
func textResult(text string, structured any) *mcpgo.CallToolResult {
	return &mcpgo.CallToolResult{
		Content:           []mcpgo.Content{mcpgo.NewTextContent(text)},
		StructuredContent: structured,
	}
}

// nonNil is s, or an empty list for nil: a list in a result is always an
// array, never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
