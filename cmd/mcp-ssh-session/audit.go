package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/audit"
)

func init() {
	subcommands["audit"] = subcommand{summary: "check an audit log's hash chain (audit verify FILE)", run: runAudit}
}

func runAudit(_ context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprint(s.err, `Usage: mcp-ssh-session audit verify FILE

Checks every record of the audit log FILE (see --audit-log): its own hash,
its link to the record before, and its sequence number. Prints "ok, N
records" and exits 0, or names the first record that does not fit and
exits 1.
`)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 2 || fs.Arg(0) != "verify" {
		fs.Usage()
		return 2
	}
	path := fs.Arg(1)
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session audit verify: %v\n", err)
		return 1
	}
	defer f.Close()
	n, err := audit.Verify(f)
	if err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session audit verify: %s: %v (%d records before it are intact)\n", path, err, n)
		return 1
	}
	fmt.Fprintf(s.out, "ok, %d records\n", n)
	return 0
}
