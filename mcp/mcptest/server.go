package mcptest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// Host is one Host block of the ssh_config the server is started on.
// Host keys are checked strictly against KnownHosts, as a careful user
// configures them. IdentityFile "" means the tool call gives a password
// instead.
type Host struct {
	Alias, HostName, User, IdentityFile, KnownHosts string
	Port                                            int
	// ConnectTimeout, when set, is written as the host's ConnectTimeout
	// (whole seconds); zero leaves the server's default.
	ConnectTimeout time.Duration
}

// Config says how to start the server.
type Config struct {
	// Hosts are written to home/ssh_config, which the server is given
	// with --ssh-config.
	Hosts []Host
	// Args are flags added after --ssh-config and --log-file.
	Args []string
	// Race starts the binary built with the race detector (see Binary).
	Race bool
}

// Command prepares the server's command line under home: an ssh_config
// for cfg.Hosts there, the log in home/server.log, and an environment of
// its own (HOME, XDG_CONFIG_HOME and XDG_RUNTIME_DIR under home, no SSH
// agent, the test's PATH and nothing else), so that neither the user's configuration nor
// anything else of the test process reaches the server. ctx kills the
// process when it ends.
func Command(ctx context.Context, tb testing.TB, home string, cfg Config) *exec.Cmd {
	tb.Helper()
	sshConfig := writeSSHConfig(tb, home, cfg.Hosts)
	args := append([]string{"--ssh-config", sshConfig, "--log-file", logPath(home)}, cfg.Args...)
	cmd := exec.CommandContext(ctx, Binary(tb, cfg.Race), args...)
	cmd.Env = Env(tb, home)
	return cmd
}

// Env is the server's environment under home (see Command); the
// approvals commands run with it find the server's socket in home/run.
func Env(tb testing.TB, home string) []string {
	tb.Helper()
	run := filepath.Join(home, "run")
	if err := os.MkdirAll(run, 0o700); err != nil {
		tb.Fatalf("make the server's runtime directory: %v", err)
	}
	return []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_RUNTIME_DIR=" + run,
		"SSH_AUTH_SOCK=", "PATH=" + os.Getenv("PATH")}
}

func logPath(home string) string { return filepath.Join(home, "server.log") }

// writeSSHConfig writes hosts as dir/ssh_config and returns its path.
func writeSSHConfig(tb testing.TB, dir string, hosts []Host) string {
	tb.Helper()
	var cfg strings.Builder
	for _, h := range hosts {
		fmt.Fprintf(&cfg, "Host %s\n  HostName %s\n  Port %d\n  User %s\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
			h.Alias, h.HostName, h.Port, h.User, h.KnownHosts)
		if h.IdentityFile != "" {
			fmt.Fprintf(&cfg, "  IdentityFile %s\n  IdentitiesOnly yes\n", h.IdentityFile)
		}
		if h.ConnectTimeout > 0 {
			fmt.Fprintf(&cfg, "  ConnectTimeout %d\n", int(h.ConnectTimeout/time.Second))
		}
	}
	path := filepath.Join(dir, "ssh_config")
	// Dated an hour back, as a user's configuration is: the server reads
	// a file changed in the last seconds again on every call.
	old := time.Now().Add(-time.Hour)
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		tb.Fatalf("write the server's ssh_config: %v", err)
	}
	if err := os.Chtimes(path, old, old); err != nil {
		tb.Fatalf("date the server's ssh_config back: %v", err)
	}
	return path
}

// Server is the binary under test, running as an MCP stdio server with
// its own HOME, and the mcp-go client connected to it.
type Server struct {
	Client  *mcpclient.Client
	PID     int     // the server process, for reading its /proc entry
	Home    string  // the server's HOME, a temporary directory of the test
	LogPath string  // the server's --log-file
	Stderr  *Buffer // everything the server wrote to stderr

	tb        testing.TB
	cancel    context.CancelFunc
	closeOnce sync.Once
}

// Spawn starts the server for cfg in a new temporary HOME and connects a
// client, without the MCP handshake, so that a benchmark can time
// start-up from the very start and a test can add notification handlers
// to Client before any can arrive. Call Initialize next. tb's cleanup
// closes the server, or Close does earlier.
func Spawn(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	home := tb.TempDir()
	s := &Server{Home: home, LogPath: logPath(home), Stderr: &Buffer{}, tb: tb}
	var cmd *exec.Cmd
	spawn := func(ctx context.Context, _ string, _ []string, _ []string) (*exec.Cmd, error) {
		cmd = Command(ctx, tb, home, cfg)
		return cmd, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	bin := Binary(tb, cfg.Race)
	tr := transport.NewStdioWithOptions(bin, nil, nil,
		transport.WithCommandStderrWriter(s.Stderr), transport.WithCommandFunc(spawn))
	if err := tr.Start(ctx); err != nil {
		cancel()
		tb.Fatalf("start %s: %v\nstderr: %s", bin, err, s.Stderr.String())
	}
	s.PID = cmd.Process.Pid
	s.Client = mcpclient.NewClient(tr)
	tb.Cleanup(s.Close)
	// Start connects the transport's notifications to the client's
	// handlers; the transport itself is already running.
	if err := s.Client.Start(ctx); err != nil {
		tb.Fatalf("start the MCP client: %v", err)
	}
	return s
}

// Initialize runs the MCP handshake, naming the client clientName, and
// fails tb with the server's stderr when it does not complete before
// ctx ends.
func (s *Server) Initialize(ctx context.Context, clientName string) {
	s.tb.Helper()
	init := mcpgo.InitializeRequest{}
	init.Params.ProtocolVersion = mcpgo.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcpgo.Implementation{Name: clientName, Version: "1"}
	if _, err := s.Client.Initialize(ctx, init); err != nil {
		s.tb.Fatalf("initialize: %v\nstderr: %s", err, s.Stderr.String())
	}
}

// Close ends the client, which closes the server's stdin and waits for
// it to exit. When the test has failed it logs the server's log and
// stderr, which usually say why. It may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if err := s.Client.Close(); err != nil {
			s.tb.Logf("closing the server: %v", err)
		}
		s.cancel()
		if s.tb.Failed() {
			s.tb.Logf("server log:\n%s\nserver stderr:\n%s", s.Log(), s.Stderr.String())
		}
	})
}

// Log returns the server's log file as written so far ("" before the
// server wrote it).
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.LogPath)
	return string(b)
}

// Content returns what a tool result says: its text content joined in
// order, and its structured content decoded as a JSON object (nil when
// it has none or it is not an object).
func Content(res *mcpgo.CallToolResult) (text string, data map[string]any) {
	for _, c := range res.Content {
		if tc, ok := c.(mcpgo.TextContent); ok {
			text += tc.Text
		}
	}
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		_ = json.Unmarshal(b, &data)
	} else if len(res.RawStructuredContent) > 0 {
		_ = json.Unmarshal(res.RawStructuredContent, &data)
	}
	return text, data
}
