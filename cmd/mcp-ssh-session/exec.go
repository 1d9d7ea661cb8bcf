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
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

func init() {
	subcommands["exec"] = subcommand{summary: "run one command on a host through the same engine and print its output", run: runExec}
}

// Exit codes of exec beside the command's own.
const (
	exitUsage     = 2
	exitTimeout   = 124
	exitInterrupt = 130
	exitMachinery = 255 // like ssh: the connection or the engine failed
)

type execFlags struct {
	engineFlags
	session, profile   string
	timeout            time.Duration
	sudoEnv, enableEnv string
	user               string
	port               int
}

func runExec(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	fs.SetOutput(s.err)
	var f execFlags
	f.register(fs)
	fs.StringVar(&f.session, "session", "", "named shell on the host (default \"default\")")
	fs.StringVar(&f.profile, "profile", "", "force a device profile (linux, cisco_ios, junos, arista_eos ..., or a user profile; see profiles list)")
	fs.DurationVar(&f.timeout, "timeout", 0, "interrupt the command when it runs longer than this (default: wait until it ends)")
	fs.StringVar(&f.sudoEnv, "sudo-password-env", "", "name of the environment variable holding the sudo password")
	fs.StringVar(&f.enableEnv, "enable-secret-env", "", "name of the environment variable holding the enable secret")
	fs.StringVar(&f.user, "user", "", "login user (default from ~/.ssh/config; USER@HOST works too)")
	fs.IntVar(&f.port, "port", 0, "SSH port (default from ~/.ssh/config, else 22)")
	fs.Usage = func() {
		fmt.Fprint(s.err, `Usage: mcp-ssh-session exec [flags] HOST -- COMMAND...

Runs COMMAND in a prepared shell on HOST (an ~/.ssh/config alias, a hostname
or an IP), the way the MCP tools do, and prints its output. The exit status
is the command's; 255 when the connection or the engine failed, 124 after
--timeout, 130 after Ctrl+C. Input prompts (sudo without a password, a
[confirm] question) are shown on stderr and answered from stdin.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitUsage
	}
	req, command, err := execTarget(f, fs.Args())
	if err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session exec: %v\n", err)
		return exitUsage
	}
	opts, err := execSecrets(f)
	if err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session exec: %v\n", err)
		return exitUsage
	}
	e, err := openEngine(f.engineFlags, s.err)
	if err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session exec: %v\n", err)
		return exitMachinery
	}
	defer e.shutdown(ctx)
	// Connecting is bounded by the host's ConnectTimeout; --timeout bounds
	// the command, as it does for execute_command.
	c, err := e.manager.Start(ctx, req, f.session, command, opts)
	if err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session exec: %s: %v\n", req.Host, err)
		return exitMachinery
	}
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	return follow(ctx, c, s)
}

// execTarget reads HOST -- COMMAND... from the arguments left after flags.
func execTarget(f execFlags, args []string) (hosts.Request, string, error) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) < 2 {
		return hosts.Request{}, "", errors.New("usage: exec [flags] HOST -- COMMAND... (see exec --help)")
	}
	host, rest := args[0], args[1:]
	if rest[0] == "--" {
		rest = rest[1:]
	}
	command := strings.Join(rest, " ")
	if strings.TrimSpace(command) == "" {
		return hosts.Request{}, "", errors.New("no command given after HOST --")
	}
	req := hosts.Request{Host: host, Username: f.user, Port: f.port, Profile: f.profile}
	if user, h, ok := strings.Cut(host, "@"); ok && req.Username == "" {
		req.Username, req.Host = user, h
	}
	return req, command, nil
}

// execSecrets reads secrets from the environment variables named by the
// flags, so they never appear in argv.
func execSecrets(f execFlags) (devices.RunOptions, error) {
	var o devices.RunOptions
	for _, v := range []struct {
		name string
		dst  *string
		flag string
	}{{f.sudoEnv, &o.SudoPassword, "--sudo-password-env"}, {f.enableEnv, &o.EnablePassword, "--enable-secret-env"}} {
		if v.name == "" {
			continue
		}
		val, ok := os.LookupEnv(v.name)
		if !ok {
			return o, fmt.Errorf("%s: environment variable %s is not set", v.flag, v.name)
		}
		*v.dst = val
	}
	return o, nil
}

// follow copies the command's output to stdout as it comes, answers input
// prompts from stdin, and returns the exit code for the process.
func follow(ctx context.Context, c *devices.Command, s stdio) int {
	lines, done := make(chan string), make(chan struct{})
	defer close(done)
	go readLines(s.in, lines, done)
	var off int64
	prompted := ""
	changed := c.Changed()
	for {
		off = drain(c, off, s.out)
		info := c.Info()
		if info.Status.Finished() {
			// the command may have printed its last output and ended
			// between the drain above and Info: its output is whole now
			drain(c, off, s.out)
			return exitCode(info, s.err)
		}
		if info.Status == devices.StatusAwaitingInput && info.InputPrompt != prompted {
			prompted = info.InputPrompt
			fmt.Fprintf(s.err, "\n[waiting for input: %s]\n", info.InputPrompt)
		}
		// Input typed while the command is still queued waits: it belongs
		// to this command, and the shell is busy with another.
		var input <-chan string
		if info.Status != devices.StatusQueued {
			input = lines
		}
		select {
		case <-changed:
			changed = c.Changed()
		case <-c.Done():
		case line, ok := <-input:
			if ok {
				if err := c.SendInput(ctx, line+"\n"); err != nil {
					fmt.Fprintf(s.err, "mcp-ssh-session exec: input not sent: %v\n", err)
				}
			} else {
				lines = nil
			}
		case <-ctx.Done():
			return stop(ctx, c, s, off)
		}
	}
}

// stop interrupts the command after Ctrl+C or --timeout and copies what
// it printed until it ended, from off on: a program's last words after
// Ctrl+C (ping's statistics) are often the ones that matter.
func stop(ctx context.Context, c *devices.Command, s stdio, off int64) int {
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := c.Interrupt(ictx); err == nil {
		select {
		case <-c.Done():
		case <-ictx.Done():
		}
	}
	drain(c, off, s.out)
	info := c.Info()
	if info.Note != "" {
		fmt.Fprintf(s.err, "mcp-ssh-session exec: %s\n", info.Note)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		fmt.Fprintf(s.err, "mcp-ssh-session exec: --timeout passed; the command was interrupted (status %s)\n", info.Status)
		return exitTimeout
	}
	return exitInterrupt
}

// drain writes the output from off on and returns the new offset.
func drain(c *devices.Command, off int64, w io.Writer) int64 {
	for {
		text, next, err := c.Output(off, 64<<10)
		if err != nil || next == off {
			return off
		}
		io.WriteString(w, text)
		off = next
	}
}

// readLines sends the lines of in to out until in ends or done closes. A
// read blocked on a terminal stays blocked until the process exits; that
// is the nature of stdin.
func readLines(in io.Reader, out chan<- string, done <-chan struct{}) {
	defer close(out)
	if in == nil {
		return
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		select {
		case out <- sc.Text():
		case <-done:
			return
		}
	}
}

// exitCode maps a finished command to the process exit code.
func exitCode(info devices.CommandInfo, stderr io.Writer) int {
	if info.Fallback != "" {
		fmt.Fprintf(stderr, "mcp-ssh-session exec: the shell could not be prepared (%s); the exit status is unknown\n", info.Fallback)
	}
	if info.ErrorLine != "" {
		fmt.Fprintf(stderr, "mcp-ssh-session exec: device error: %s\n", info.ErrorLine)
	}
	switch {
	case info.Status == devices.StatusLost || (info.Err != nil && info.ExitCode == nil):
		fmt.Fprintf(stderr, "mcp-ssh-session exec: %s: %v\n", info.Status, info.Err)
		return exitMachinery
	case info.Status == devices.StatusInterrupted:
		return exitInterrupt
	case info.ExitCode != nil:
		return *info.ExitCode
	case info.Status == devices.StatusFailed:
		return 1
	}
	return 0
}
