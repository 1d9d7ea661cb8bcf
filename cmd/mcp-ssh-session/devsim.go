package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
)

func init() {
	subcommands["devsim"] = subcommand{summary: "serve a simulated network device on loopback", run: runDevsim}
}

// runDevsim serves a simulated network device until ctx ends,
// so a profile can be tried with a real ssh client and no hardware.
func runDevsim(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("devsim", flag.ContinueOnError)
	fs.SetOutput(s.err)
	var opts devsim.Options
	names := strings.Join(devsim.Platforms(), ", ")
	fs.StringVar(&opts.Platform, "platform", "", "device to simulate: one of "+names+", or the name of its profile (required)")
	fs.StringVar(&opts.Listen, "listen", "127.0.0.1:2222", "address to listen on; loopback only unless --allow-remote")
	fs.StringVar(&opts.Hostname, "hostname", "", "device hostname (default: the platform's, R1 for ios, vmx1 for junos ...)")
	fs.StringVar(&opts.Username, "username", "admin", "login user")
	fs.StringVar(&opts.Password, "password", "admin", "login password")
	fs.StringVar(&opts.EnableSecret, "enable-secret", "enablepw", "enable secret, on platforms with enable")
	fs.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow a listen address that is not loopback (exposes a device with known credentials)")
	fs.BoolVar(&opts.CharEcho, "char-echo", false, "echo typed input one byte per write")
	fs.IntVar(&opts.ChunkSize, "chunk-size", 0, "split output into writes of at most this many bytes (0: natural writes)")
	fs.BoolVar(&opts.DualRE, "dual-re", false, "junos: two routing engines ({master:0} lines, per-RE commit output)")
	fs.DurationVar(&opts.MinuteLength, "minute-length", 0, "how long one device minute lasts, for commit confirmed and revert timers (0: a real minute)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: mcp-ssh-session devsim --platform "+strings.Join(devsim.Platforms(), "|")+" [flags]\n\n"+
			"Serves a simulated network device over SSH until interrupted.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if opts.Platform == "" || fs.NArg() > 0 {
		fmt.Fprintf(s.err, "devsim: --platform (one of %s) is required, and no other arguments\n", names)
		fs.Usage()
		return 2
	}
	logger := slog.New(slog.NewTextHandler(s.err, nil))
	opts.Logf = func(format string, args ...any) { logger.Info(fmt.Sprintf(format, args...)) }
	srv, err := devsim.NewServer(opts)
	if err != nil {
		fmt.Fprintf(s.err, "devsim: %v\n", err)
		return 2
	}
	ln, err := devsim.Listen(opts)
	if err != nil {
		fmt.Fprintf(s.err, "devsim: %v\n", err)
		if !opts.AllowRemote {
			fmt.Fprintln(s.err, "devsim: to listen there anyway, add --allow-remote")
		}
		return 1
	}
	printDevsimBanner(s, opts, ln.Addr(), srv.HostKey())
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintf(s.err, "devsim: %v\n", err)
		return 1
	}
	return 0
}

// printDevsimBanner tells the user how to log in. The credentials are the
// simulator's own, chosen on the command line, never a real device's.
func printDevsimBanner(s stdio, opts devsim.Options, addr net.Addr, key ssh.PublicKey) {
	host, port, _ := net.SplitHostPort(addr.String())
	fmt.Fprintf(s.err, "devsim: simulated %s device listening on %s\n", opts.Platform, addr)
	fmt.Fprintf(s.err, "devsim: host key %s\n", ssh.FingerprintSHA256(key))
	fmt.Fprintf(s.err, "devsim: connect with: ssh -p %s %s@%s   (password: %s)\n", port, opts.Username, host, opts.Password)
	if devsim.AsksEnableSecret(opts.Platform) {
		fmt.Fprintf(s.err, "devsim: enable secret: %s\n", opts.EnableSecret)
	}
	fmt.Fprintf(s.err, "devsim: profile for it: %s (exec --profile, or profile: in config.yaml)\n", devsim.ProfileFor(opts.Platform))
	fmt.Fprintln(s.err, "devsim: press Ctrl+C to stop")
}
