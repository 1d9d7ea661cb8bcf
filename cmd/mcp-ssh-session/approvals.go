package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/approve"
)

func init() {
	subcommands["approvals"] = subcommand{summary: "list the requests waiting for a person's approval in running servers", run: runApprovals}
	subcommands["approve"] = subcommand{summary: "approve a waiting request (approve ID), at a terminal", run: runApprove}
	subcommands["deny"] = subcommand{summary: "refuse a waiting request (deny ID)", run: runDeny}
}

const approvalsHelp = `A command, input or file that a host's policy marks ask waits for a
person. The MCP client asks its user when it can (elicitation); a person at
a terminal of this machine can answer too:

  mcp-ssh-session approvals     list the waiting requests of every server
  mcp-ssh-session approve ID    show one in full, and approve it after you type yes
  mcp-ssh-session deny ID       refuse it

approve needs a terminal, and the server takes it only from a terminal that
its MCP client did not start, in a session of its own, so that an agent's
own shell tool cannot approve its request. The servers listen on sockets
of mode 0600 in $XDG_RUNTIME_DIR/mcp-ssh-session and
$TMPDIR/mcp-ssh-session-UID; both are searched.
`

func runApprovals(ctx context.Context, args []string, s stdio) int {
	if code, done := noArgs("approvals", args, 0, s); done {
		return code
	}
	reqs, errs := approve.Pending(ctx, approve.Dirs()...)
	for _, err := range errs {
		fmt.Fprintf(s.err, "mcp-ssh-session approvals: %v\n", err)
	}
	if len(reqs) == 0 {
		fmt.Fprintln(s.out, "no request waits for approval")
		return 0
	}
	tw := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLEFT\tHOST\tTARGET\tSESSION\tACTION\tWHAT")
	now := time.Now()
	for _, r := range reqs {
		what := approve.Visible(r.Text)
		if i := strings.IndexByte(what, '\n'); i >= 0 {
			what = what[:i] + " ..."
		}
		if r := []rune(what); len(r) > 100 {
			what = string(r[:100]) + "..."
		}
		v := approve.Visible
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Left(now), v(r.Host), v(r.Target), v(orDash(r.Session)), r.Action, what)
	}
	tw.Flush()
	fmt.Fprintln(s.out, "\nmcp-ssh-session approve ID shows one in full before you approve it.")
	return 0
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runApprove(ctx context.Context, args []string, s stdio) int {
	return answer(ctx, "approve", args, s, true)
}

func runDeny(ctx context.Context, args []string, s stdio) int {
	return answer(ctx, "deny", args, s, false)
}

// answer approves or refuses the request named in args. An approval shows
// the request in full on the controlling terminal and needs "yes" typed
// there.
func answer(ctx context.Context, name string, args []string, s stdio, approving bool) int {
	if code, done := noArgs(name, args, 1, s); done {
		return code
	}
	id := strings.TrimSpace(args[0])
	req, sock, err := approve.Find(ctx, id, approve.Dirs()...)
	if err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session %s: %v\n", name, err)
		return 1
	}
	if approving {
		tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
		if err != nil {
			fmt.Fprintf(s.err, "mcp-ssh-session approve: an approval needs a person at a terminal, and this process has none (%v); run it in a terminal window\n", err)
			return 1
		}
		defer tty.Close()
		if !confirm(tty, req) {
			fmt.Fprintln(tty, "Not approved; the request still waits.")
			return 1
		}
	}
	if err := approve.Send(ctx, sock, id, approving); err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session %s: %v\n", name, err)
		return 1
	}
	if approving {
		fmt.Fprintf(s.out, "approved %s: it runs now\n", id)
	} else {
		fmt.Fprintf(s.out, "denied %s: the agent is told a person refused it\n", id)
	}
	return 0
}

// confirm shows r on the terminal and reads the answer from it.
func confirm(tty io.ReadWriter, r approve.Request) bool {
	v := approve.Visible
	fmt.Fprintf(tty, "Request %s from %s, waiting %s more\n", r.ID, v(orDash(r.Client)), r.Left(time.Now()))
	fmt.Fprintf(tty, "Host:    %s (%s)\n", v(r.Host), v(r.Target))
	if r.Session != "" {
		fmt.Fprintf(tty, "Session: %q\n", r.Session)
	}
	fmt.Fprintf(tty, "Action:  %s\n", r.Action)
	fmt.Fprintf(tty, "Rule:    %s\n\n", approve.Visible(r.Rule))
	fmt.Fprintf(tty, "%s\n", approve.Visible(r.Text))
	if r.Detail != "" {
		fmt.Fprintf(tty, "\n%s\n", approve.Visible(r.Detail))
	}
	fmt.Fprint(tty, "\nType yes to approve exactly this: ")
	line, err := bufio.NewReader(tty).ReadString('\n')
	return err == nil && strings.TrimSpace(line) == "yes"
}

// noArgs parses a subcommand's flags (only -h) and checks it was given n
// arguments; done says the caller should return code.
func noArgs(name string, args []string, n int, s stdio) (code int, done bool) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() { fmt.Fprint(s.err, approvalsHelp) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	if fs.NArg() != n {
		if n == 1 {
			fmt.Fprintf(s.err, "mcp-ssh-session %s: give the request's ID (mcp-ssh-session approvals lists them)\n", name)
		} else {
			fmt.Fprintf(s.err, "mcp-ssh-session %s: takes no arguments\n", name)
		}
		return 2, true
	}
	return 0, false
}
