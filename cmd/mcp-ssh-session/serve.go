package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/approve"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/audit"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

func init() {
	subcommands["serve"] = subcommand{summary: "serve MCP on stdin/stdout (the default)", run: runServe}
}

// engineFlags are the flags serve and exec share: where configuration
// comes from and where logs go.
type engineFlags struct {
	config, profilesDir, sshConfig string
	logFile, logLevel              string
	wireLog                        bool
	readOnly                       bool // serve's --read-only
	// approvals makes the manager ask a person about what a policy marks
	// ask (serve), each question waiting up to approvalTimeout.
	approvals       bool
	approvalTimeout time.Duration
}

func (f *engineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "config file (default $XDG_CONFIG_HOME/mcp-ssh-session/config.yaml)")
	fs.StringVar(&f.profilesDir, "profiles-dir", "", "directory of user device profiles (default $XDG_CONFIG_HOME/mcp-ssh-session/profiles)")
	fs.StringVar(&f.sshConfig, "ssh-config", "", "ssh_config file (default ~/.ssh/config)")
	fs.StringVar(&f.logFile, "log-file", "", "append logs to this file, created with mode 0600 (default stderr)")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.BoolVar(&f.wireLog, "wire-log", false, "log the raw bytes of every shell both ways, secrets redacted (debugging a device)")
}

// engine is the session machinery both subcommands drive.
type engine struct {
	manager *devices.Manager
	config  *hosts.Config
	log     *slog.Logger
	closers []io.Closer
	// flush runs after the manager closed and before closers: the
	// server's last audit records; nil: nothing.
	flush func(context.Context)
}

// openEngine builds logger, resolver, connection pool, profiles and
// manager. Broken user profiles are warnings: the embedded ones still work.
func openEngine(f engineFlags, stderr io.Writer) (*engine, error) {
	e := &engine{}
	logOut := stderr
	if f.logFile != "" {
		file, err := openLogFile(f.logFile)
		if err != nil {
			return nil, err
		}
		e.closers = append(e.closers, file)
		logOut = file
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		e.close()
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", f.logLevel)
	}
	e.log = slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))
	res, err := hosts.NewResolver(hosts.ResolverOptions{SSHConfigPath: f.sshConfig, ConfigPath: f.config, Logger: e.log})
	if err != nil {
		e.close()
		return nil, err
	}
	e.config = res.Config()
	go res.Warm(context.Background())
	dir := f.profilesDir
	if dir == "" {
		dir = profiles.DefaultDir()
	}
	set, errs := profiles.Load(dir)
	for _, err := range errs {
		e.log.Warn("profile skipped", "err", err)
	}
	opts := devices.ManagerOptions{Resolver: res, Pool: devices.NewPool(devices.PoolOptions{Logger: e.log}), Profiles: set, Logger: e.log,
		ReadOnly: f.readOnly}
	if f.approvals {
		opts.Approver = e.openApprovals(f.approvalTimeout)
	}
	if f.wireLog {
		opts.WireLog = &lockedWriter{w: logOut}
	}
	if e.manager, err = devices.NewManager(opts); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// openApprovals starts the broker of approval questions and its socket
// for terminals. Without the socket the MCP client's elicitation is still
// asked.
func (e *engine) openApprovals(timeout time.Duration) *mcp.Approver {
	b := approve.New(timeout, e.log)
	dir, err := approve.Dir()
	if err == nil {
		err = b.Listen(dir)
	}
	if err != nil {
		e.log.Warn("approvals from a terminal are off: only the MCP client can ask a person", "err", err)
	} else {
		e.log.Info("approvals", "socket", b.SocketPath(), "timeout", b.Timeout())
		e.closers = append(e.closers, b)
	}
	return mcp.NewApprover(b)
}

// lockedWriter serializes writes from the shells' goroutines so that
// wire-log lines never interleave with each other.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// openLogFile opens path for appending, readable by its owner only: logs
// hold host names and commands. A link is not followed (whoever may write
// the directory could point it at any file of ours), and only a regular
// file of our own is used: O_NONBLOCK keeps a FIFO from blocking the open.
func openLogFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("--log-file %s is a symbolic link, which is not followed: give the file's real path", path)
	}
	if err != nil {
		return nil, fmt.Errorf("--log-file: %w", err)
	}
	if err := checkLogFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--log-file %s: %w", path, err)
	}
	return f, nil
}

// checkLogFile accepts a regular file we own, and makes it private.
func checkLogFile(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("is %s, not a regular file: give the path of a plain file", hosts.FileKind(fi.Mode()))
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("belongs to uid %d, not to us: give a file of our own", st.Uid)
	} else if ok && st.Nlink > 1 {
		return fmt.Errorf("has %d hard links, so another name could lead elsewhere: give a file with one name", st.Nlink)
	}
	return f.Chmod(0o600)
}

// shutdown closes the manager, bounded so that a hung host cannot keep the
// process alive: a client or a supervisor that asked it to stop expects it
// gone within seconds.
func (e *engine) shutdown(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	if err := e.manager.Close(ctx); err != nil {
		e.log.Warn("closing sessions", "err", err)
	}
	if e.flush != nil {
		e.flush(ctx)
	}
	e.close()
}

func (e *engine) close() {
	for _, c := range e.closers {
		c.Close()
	}
}

// serveMemoryLimit is the server's soft memory limit (see runServe).
const serveMemoryLimit = 48 << 20

func runServe(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(s.err)
	var f engineFlags
	f.register(fs)
	outputLimit := fs.Int("output-limit", 0, "bytes of command output per tool response (default 65536, or defaults.output_limit in the config)")
	maxWait := fs.Duration("max-wait", 0, "longest one execute_command call waits when the client sent no progressToken; it then returns the command_id (default 50s, or defaults.max_wait in the config)")
	auditLog := fs.String("audit-log", "", "append a hash-chained record of every tool call and command end to this file, created with mode 0600 (default audit.file in the config; none without)")
	interruptOnCancel := fs.Bool("interrupt-on-cancel", false, "send Ctrl+C to a command whose execute_command call the client cancels (default: the command goes on, detached)")
	fs.DurationVar(&f.approvalTimeout, "approval-timeout", approve.DefaultTimeout, "how long a call that a policy's ask rule holds waits for a person to approve it")
	fs.BoolVar(&f.readOnly, "read-only", false, "allow only the commands each host's profile declares read-only, write no file, and offer no write_file tool (no config setting lifts it)")
	fs.Usage = func() {
		fmt.Fprint(s.err, "Usage: mcp-ssh-session [serve] [flags]\n\nServes MCP on stdin and stdout until stdin closes or a signal arrives. Logs go to stderr or --log-file, never stdout.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(s.err, "mcp-ssh-session serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *outputLimit < 0 {
		fmt.Fprintln(s.err, "mcp-ssh-session serve: --output-limit must be positive")
		return 2
	}
	if *maxWait < 0 || *maxWait > mcp.MaxCommandTimeout {
		fmt.Fprintf(s.err, "mcp-ssh-session serve: --max-wait %s: give a duration from 1s to 24h, such as 50s\n", *maxWait)
		return 2
	}
	if f.approvalTimeout <= 0 || f.approvalTimeout > mcp.MaxCommandTimeout {
		fmt.Fprintf(s.err, "mcp-ssh-session serve: --approval-timeout %s: give a duration from 1s to 24h, such as 5m\n", f.approvalTimeout)
		return 2
	}
	f.approvals = true
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		// A long-lived server holds little (capped outputs, a bounded
		// history) but churns through large transient buffers; a soft limit
		// makes the collector return memory instead of letting the heap
		// double after every big command. GOMEMLIMIT overrides it.
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	e, err := openEngine(f, s.err)
	if err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session serve: %v\n", err)
		return 1
	}
	defer e.shutdown(ctx)
	d := e.config.Defaults
	limit := *outputLimit
	if limit == 0 {
		limit = int(d.OutputLimit)
	}
	wait := *maxWait
	if wait == 0 {
		wait = d.MaxWait
	}
	alog, err := openAudit(e, *auditLog)
	if err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session serve: %v\n", err)
		return 1
	}
	srv, err := mcp.NewServer(mcp.Options{Manager: e.manager, Logger: e.log, Version: version,
		OutputLimit: limit, History: d.History, CommandTimeout: d.CommandTimeout,
		MaxWait: wait, InterruptOnCancel: *interruptOnCancel,
		Audit: alog, AuditFailClosed: e.config.Audit.FailClosed})
	if err != nil {
		fmt.Fprintf(s.err, "mcp-ssh-session serve: %v\n", err)
		return 1
	}
	e.flush = srv.FlushAudit
	e.log.Info("serving MCP on stdio", "version", version, "config", e.config.Path,
		"max_wait", srv.MaxWait(), "interrupt_on_cancel", *interruptOnCancel, "read_only", f.readOnly)
	err = srv.Serve(ctx, s.in, s.out)
	switch {
	case err != nil:
		e.log.Error("serve", "err", err)
	case ctx.Err() != nil:
		e.log.Info("shutting down: " + stopReason(ctx))
	default:
		e.log.Info("shutting down: stdin closed")
	}
	if err != nil {
		return 1
	}
	return 0
}

// openAudit opens the audit log that --audit-log (first) or the config's
// audit.file names, nil when neither does. The engine closes it after
// its sessions, so that the ends of the commands they stop are recorded.
func openAudit(e *engine, flagPath string) (*audit.Log, error) {
	path := e.config.Audit.File
	if flagPath != "" {
		path = flagPath
	}
	if path == "" {
		return nil, nil
	}
	l, err := audit.Open(path)
	if err != nil {
		return nil, err
	}
	e.closers = append(e.closers, l)
	e.log.Info("audit log", "file", path, "fail_closed", e.config.Audit.FailClosed)
	return l, nil
}

// stopReason says why ctx ended: the signal received, when that is why.
func stopReason(ctx context.Context) string {
	var sig signalError
	if errors.As(context.Cause(ctx), &sig) {
		return "received " + sig.Signal.String()
	}
	return context.Cause(ctx).Error()
}
