// Command mcp-ssh-session is an MCP server over stdio that gives AI agents
// persistent SSH sessions to Linux hosts and network devices.
//
// Without a subcommand it serves MCP on stdin and stdout. Subcommands:
// exec (run one command from a terminal), profiles (list, show and validate
// device profiles), devsim (serve a simulated network device on
// loopback), audit (verify an audit log's hash chain), and approvals,
// approve and deny (answer a running server's requests for a person's
// approval). This package only wires: flags in, packages called, exit
// code out.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// subcommand runs one subcommand and returns the process exit code.
type subcommand struct {
	summary string
	run     func(ctx context.Context, args []string, stdio stdio) int
}

type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// subcommands is filled by the init functions of the files beside this one.
var subcommands = map[string]subcommand{}

func main() {
	ctx, stop := notifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// signalError is the cause of a context ended by a signal.
type signalError struct{ Signal os.Signal }

func (e signalError) Error() string { return "received " + e.Signal.String() }

// notifyContext is signal.NotifyContext with the signal as the context's
// cause, so that the log can say which one ended the process. After the
// first signal the default behaviour returns: a second one ends the
// process at once, should shutdown hang.
func notifyContext(parent context.Context, sigs ...os.Signal) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			signal.Stop(ch)
			cancel(signalError{Signal: sig})
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel(context.Canceled)
		})
	}
}

func run(ctx context.Context, args []string, s stdio) int {
	if len(args) > 0 {
		switch args[0] {
		case "--version", "-version", "version":
			fmt.Fprintf(s.out, "mcp-ssh-session %s\n", version)
			return 0
		case "--help", "-help", "-h", "help":
			usage(s.out)
			return 0
		}
		if sc, ok := subcommands[args[0]]; ok {
			return sc.run(ctx, args[1:], s)
		}
		if !strings.HasPrefix(args[0], "-") {
			fmt.Fprintf(s.err, "mcp-ssh-session: unknown subcommand %q\n\n", args[0])
			usage(s.err)
			return 2
		}
	}
	serve, ok := subcommands["serve"]
	if !ok {
		fmt.Fprintln(s.err, "mcp-ssh-session: this build has no MCP server")
		return 1
	}
	return serve.run(ctx, args, s)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `mcp-ssh-session %s: persistent SSH sessions for AI agents, over MCP stdio.

Usage:
  mcp-ssh-session [flags]            serve MCP on stdin/stdout (see "serve --help")
  mcp-ssh-session SUBCOMMAND [args]

Subcommands:
`, version)
	names := make([]string, 0, len(subcommands))
	for name := range subcommands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %s\n", name, subcommands[name].summary)
	}
	fmt.Fprint(w, `
  --version  print the version
  --help     print this help

Run "mcp-ssh-session SUBCOMMAND --help" for a subcommand's flags.
`)
}
