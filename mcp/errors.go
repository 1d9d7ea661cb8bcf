package mcp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// maxEvidence bounds the evidence quoted from an error: enough for the
// last lines of output and the patterns awaited, not a wall of text.
const maxEvidence = 500

// failure is a tool-level failure written for the agent in three parts:
// what failed, the evidence, and the next action.
func failure(what string, evidence string, next string) *mcpgo.CallToolResult {
	var b strings.Builder
	b.WriteString(what)
	if evidence != "" {
		b.WriteString("\n")
		b.WriteString(clipEvidence(evidence))
	}
	if next != "" {
		b.WriteString("\nNext: ")
		b.WriteString(next)
	}
	return mcpgo.NewToolResultError(b.String())
}

// badArgs reports an argument error.
func badArgs(tool string, err error) *mcpgo.CallToolResult {
	return failure(tool+": invalid arguments: "+err.Error(), "",
		"fix that parameter and call "+tool+" again (the tool's input schema lists every parameter)")
}

// clipEvidence keeps the end of long evidence, where the last output lines
// and the failing step are.
func clipEvidence(s string) string {
	if len(s) <= maxEvidence {
		return s
	}
	cut := len(s) - maxEvidence
	for cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut++
	}
	return "..." + s[cut:]
}

// hostFailure explains an error from the devices layer while doing step
// (for example "connect", "read /etc/hosts") on host.
func hostFailure(ctx context.Context, tool, host, step string, err error) *mcpgo.CallToolResult {
	if r := refusal(ctx, tool, err); r != nil {
		return r
	}
	what := fmt.Sprintf("%s: %s on %q failed", tool, step, host)
	return failure(what, err.Error(), nextAction(tool, host, err))
}

// nextAction picks the action an agent can take for err, naming a tool
// and a parameter where one helps.
func nextAction(tool, host string, err error) string {
	switch {
	case errors.Is(err, hosts.ErrResolve) && resolveHint(err) != "":
		return resolveHint(err)
	case errors.Is(err, hosts.ErrResolve):
		return fmt.Sprintf("check the host name %q: use an alias from ~/.ssh/config, a hostname or an IP, or give username and port explicitly", host)
	case errors.Is(err, devices.ErrHostKey):
		return hostKeyAction(err)
	case errors.Is(err, devices.ErrAuth):
		return authAction(tool, err)
	case errors.Is(err, devices.ErrSudo):
		return "retry with the right sudo_password (the one of the login user), or without sudo"
	case errors.Is(err, devices.ErrEnableCommand):
		return "give one of the enable commands listed above as enable_command, or leave enable_command out for the default; another command needs its own profile entry (enable_commands) added by the user"
	case errors.Is(err, devices.ErrPrivilege):
		return "retry with the right enable_password (and enable_command if the device does not use \"enable\")"
	case loginMismatch(err) != nil:
		le := loginMismatch(err)
		return fmt.Sprintf("the host answered, but its prompt is not one of profile %s's: retry with profile set to the profile that fits this device "+
			"(or leave profile out to detect it), or fix the mode prompts of profile %s so that one matches %q; then call %s again", le.Profile, le.Profile, le.LastLine, tool)
	case (errors.Is(err, devices.ErrTimeout) || errors.Is(err, context.DeadlineExceeded)) && answeredTail(err) != "":
		return fmt.Sprintf("the host answered but did not finish in time; it last printed %q: if that is its prompt, name the profile that fits it (profile parameter), "+
			"otherwise retry with a longer timeout", lastLine(answeredTail(err)))
	case errors.Is(err, devices.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return "the host did not answer in time: check that it is up and reachable (port, firewall, ProxyJump), then retry; other hosts are not affected"
	case isDNSError(err):
		return fmt.Sprintf("the name %q does not resolve: check its spelling, use an alias from ~/.ssh/config (list them with the user), or give an IP address", host)
	case errors.Is(err, devices.ErrDial):
		return "check that the host is up and that sshd listens on that port (port parameter or Port in ~/.ssh/config), then retry"
	case errors.Is(err, devices.ErrClosed):
		return "the connection was closed; retry the call: the next call connects again"
	case errors.Is(err, devices.ErrNotFound) && tool == "write_file":
		return "the directory of remote_path does not exist: retry with make_dirs=true to create it, or check remote_path"
	case errors.Is(err, devices.ErrNotFound):
		return "check remote_path (list the directory with execute_command \"ls -la DIR\")"
	case errors.Is(err, devices.ErrNotRegular):
		return "remote_path is not a regular file (a FIFO, device or socket), which is never read or written: give the path of a regular file"
	case errors.Is(err, devices.ErrForeignLink):
		return "remote_path is (or passes through) a symbolic link another user owns, which is not followed: ask the user, then give the path the link points to (execute_command \"ls -l PATH\" shows it)"
	case errors.Is(err, devices.ErrIsDir):
		return "remote_path is a directory: give a file path, or list it with execute_command \"ls -la\""
	case errors.Is(err, devices.ErrPermission):
		return "retry with use_sudo=true and sudo_password, or choose a path the login user may access"
	case errors.Is(err, devices.ErrTooLarge):
		return "use max_bytes for a part of the file, or transfer it in pieces"
	case errors.Is(err, context.Canceled):
		return "the call was cancelled; call it again if that was not intended"
	}
	return "check the message above; list_sessions shows the open sessions and close_session starts a host afresh"
}

// loginMismatch returns the *devices.LoginError in err's chain, or nil.
func loginMismatch(err error) *devices.LoginError {
	var le *devices.LoginError
	if errors.As(err, &le) {
		return le
	}
	return nil
}

// answeredTail returns what a host printed before a wait timed out, ""
// when nothing came (then it may well be unreachable).
func answeredTail(err error) string {
	var te *expect.TimeoutError
	if errors.As(err, &te) && strings.TrimSpace(te.Tail) != "" {
		return te.Tail
	}
	return ""
}

// lastLine returns the last line of s that is not blank, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// resolveHint is the fix a resolution error names for a setting other
// than the host itself (a refused ssh_config line, a config entry whose
// secrets a port from the call may not redirect); "" when the host name is
// what to check.
func resolveHint(err error) string {
	var re *hosts.ResolveError
	if !errors.As(err, &re) || re.Hint == "" || re.Setting == "" || re.Setting == "host" {
		return ""
	}
	return re.Hint
}

// hostKeyAction says how to proceed with a host key that is not trusted.
// Trusting a key is the user's decision, never the agent's alone.
func hostKeyAction(err error) string {
	var hk *devices.HostKeyError
	if !errors.As(err, &hk) {
		return "the host key is not trusted: ask the user to check it and add it to known_hosts"
	}
	switch hk.Kind {
	case devices.HostKeyChanged:
		var where []string
		for _, k := range hk.Want {
			where = append(where, fmt.Sprintf("%s:%d", k.File, k.Line))
		}
		return fmt.Sprintf("do not work around this: ask the user whether %s was reinstalled; only then remove the old key (%s) and retry", hk.Host, strings.Join(where, ", "))
	case devices.HostKeyRevoked:
		return "the key is revoked: ask the user; do not connect to this host"
	}
	file := "~/.ssh/known_hosts"
	if len(hk.Files) > 0 {
		file = hk.Files[0]
	}
	return fmt.Sprintf("ask the user to confirm the fingerprint %s %s, then add this line to %s and retry: %s", hk.KeyType, hk.Got, file, hk.AddLine)
}

// authAction suggests the credential to try next from what the server
// accepts.
func authAction(tool string, err error) string {
	var ae *devices.AuthError
	if errors.As(err, &ae) && !slices.Contains(ae.Allowed, "password") && !slices.Contains(ae.Allowed, "keyboard-interactive") {
		return fmt.Sprintf("the server accepts only keys: check username (%q), then retry %s with key_filename, or ask the user to set IdentityFile in ~/.ssh/config", ae.User, tool)
	}
	return "check username, then retry " + tool + " with password or key_filename, or ask the user to configure the host's credentials in ~/.ssh/config or the mcp-ssh-session config file"
}

func isDNSError(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// unknownCommand is the failure for a command_id the server does not know.
func unknownCommand(tool, id string) *mcpgo.CallToolResult {
	return failure(fmt.Sprintf("%s: no command with command_id %q", tool, id),
		"the server keeps the running commands and the most recent finished ones",
		"list_running_commands and list_command_history show the known IDs")
}
