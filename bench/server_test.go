package bench

import (
	"bytes"
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

// callTimeout bounds one tool call. It is far above any figure measured
// here, so it only stops a run that hangs.
const callTimeout = 5 * time.Minute

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// serverBinary builds cmd/mcp-ssh-session once per process, without the
// race detector even when the benchmarks have it, so that the binary
// measured is the one users run.
func serverBinary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "mcpssh-bench-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "mcp-ssh-session")
		args := []string{"build", "-o", binPath, "github.com/mcp-ssh-session/mcp-ssh-session/cmd/mcp-ssh-session"}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

// hostEntry is one Host block of the ssh_config a benchmark writes.
// IdentityFile "" means the call gives a password instead.
type hostEntry struct {
	Alias, HostName, User, IdentityFile, KnownHosts string
	Port                                            int
}

// writeSSHConfig writes hosts as an ssh_config file in dir and returns
// its path. Host keys are checked strictly against the test servers'
// known_hosts files, as a careful user would configure it.
func writeSSHConfig(tb testing.TB, dir string, hosts []hostEntry) string {
	tb.Helper()
	var cfg strings.Builder
	for _, h := range hosts {
		fmt.Fprintf(&cfg, "Host %s\n  HostName %s\n  Port %d\n  User %s\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
			h.Alias, h.HostName, h.Port, h.User, h.KnownHosts)
		if h.IdentityFile != "" {
			fmt.Fprintf(&cfg, "  IdentityFile %s\n  IdentitiesOnly yes\n", h.IdentityFile)
		}
	}
	path := filepath.Join(dir, "ssh_config")
	// Dated an hour back, as a user's configuration is: the server reads
	// a file changed in the last seconds again on every call.
	old := time.Now().Add(-time.Hour)
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chtimes(path, old, old); err != nil {
		tb.Fatal(err)
	}
	return path
}

// server is the binary under test, started as an MCP stdio server with
// its own HOME, and a connected client.
type server struct {
	tb      testing.TB
	client  *mcpclient.Client
	pid     int
	home    string
	logPath string
	stderr  *syncBuffer
	cancel  context.CancelFunc

	closeOnce sync.Once
}

// syncBuffer collects the server's stderr for failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer writes an ssh_config for hosts, starts the binary on it with
// extra flags, and returns once the MCP handshake is done. The server is
// closed by tb's cleanup, or earlier by close.
func startServer(tb testing.TB, hosts []hostEntry, extra ...string) *server {
	tb.Helper()
	s := spawnServer(tb, hosts, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	s.initialize(ctx)
	return s
}

// serverCommand prepares the binary's command line for hosts: its own
// HOME and XDG_CONFIG_HOME under home, an ssh_config there, no SSH agent,
// logs to home/server.log, and extra flags.
func serverCommand(ctx context.Context, tb testing.TB, home string, hosts []hostEntry, extra ...string) *exec.Cmd {
	tb.Helper()
	sshConfig := writeSSHConfig(tb, home, hosts)
	args := append([]string{"--ssh-config", sshConfig, "--log-file", filepath.Join(home, "server.log")}, extra...)
	cmd := exec.CommandContext(ctx, serverBinary(tb), args...)
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "SSH_AUTH_SOCK=",
		"PATH=" + os.Getenv("PATH")}
	return cmd
}

// spawnServer starts the process and its client without the MCP
// handshake, so that startup can be timed from the very start.
func spawnServer(tb testing.TB, hosts []hostEntry, extra ...string) *server {
	tb.Helper()
	home := tb.TempDir()
	s := &server{tb: tb, home: home, logPath: filepath.Join(home, "server.log"), stderr: &syncBuffer{}}
	var cmd *exec.Cmd
	spawn := func(ctx context.Context, _ string, _ []string, _ []string) (*exec.Cmd, error) {
		cmd = serverCommand(ctx, tb, home, hosts, extra...)
		return cmd, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	bin := serverBinary(tb)
	tr := transport.NewStdioWithOptions(bin, nil, nil,
		transport.WithCommandStderrWriter(s.stderr), transport.WithCommandFunc(spawn))
	if err := tr.Start(ctx); err != nil {
		cancel()
		tb.Fatalf("start %s: %v", bin, err)
	}
	s.pid = cmd.Process.Pid
	s.client = mcpclient.NewClient(tr)
	tb.Cleanup(s.close)
	return s
}

func (s *server) initialize(ctx context.Context) {
	s.tb.Helper()
	init := mcpgo.InitializeRequest{}
	init.Params.ProtocolVersion = mcpgo.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcpgo.Implementation{Name: "bench", Version: "1"}
	if _, err := s.client.Initialize(ctx, init); err != nil {
		s.tb.Fatalf("initialize: %v\nstderr: %s", err, s.stderr.String())
	}
}

// close ends the client, which closes the server's stdin and waits for it
// to exit. It is idempotent.
func (s *server) close() {
	s.closeOnce.Do(func() {
		if err := s.client.Close(); err != nil {
			s.tb.Logf("closing the server: %v", err)
		}
		s.cancel()
		if s.tb.Failed() {
			log, _ := os.ReadFile(s.logPath)
			s.tb.Logf("server log:\n%s\nserver stderr:\n%s", log, s.stderr.String())
		}
	})
}

// result is a tool result as the benchmarks read it.
type result struct {
	Text    string
	IsError bool
	Data    map[string]any // structured content
}

func (r result) str(key string) string {
	v, _ := r.Data[key].(string)
	return v
}

func (r result) num(key string) int64 {
	v, _ := r.Data[key].(float64)
	return int64(v)
}

// call invokes a tool; a protocol error or an error result fails the
// benchmark, since a figure measured on failures means nothing. It must be
// called from the benchmark's goroutine; other goroutines use try.
func (s *server) call(tool string, args map[string]any) result {
	s.tb.Helper()
	r, err := s.try(tool, args)
	if err != nil {
		s.tb.Fatal(err)
	}
	return r
}

// try invokes a tool and returns an error for a protocol error or an
// error result. It is safe for concurrent use.
func (s *server) try(tool string, args map[string]any) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	req := mcpgo.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := s.client.CallTool(ctx, req)
	if err != nil {
		return result{}, fmt.Errorf("%s(%s): %v\nstderr: %s", tool, describeArgs(args), err, s.stderr.String())
	}
	var out result
	out.IsError = res.IsError
	for _, c := range res.Content {
		if tc, ok := c.(mcpgo.TextContent); ok {
			out.Text += tc.Text
		}
	}
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		_ = json.Unmarshal(b, &out.Data)
	}
	if out.IsError {
		return out, fmt.Errorf("%s(%s) returned an error result:\n%.2000s", tool, describeArgs(args), out.Text)
	}
	return out, nil
}

// execute runs command through execute_command and fails unless it
// completed with exit status 0.
func (s *server) execute(args map[string]any) result {
	s.tb.Helper()
	r := s.call("execute_command", args)
	if st := r.str("status"); st != "completed" {
		s.tb.Fatalf("execute_command(%s): status %q, want \"completed\":\n%.2000s", describeArgs(args), st, r.Text)
	}
	return r
}

// describeArgs shows tool arguments in failure messages with secrets and
// bulky content left out.
func describeArgs(args map[string]any) string {
	var b strings.Builder
	for k, v := range args {
		switch {
		case strings.Contains(k, "password"):
			v = "***"
		case k == "content":
			v = fmt.Sprintf("<%d bytes>", len(fmt.Sprint(v)))
		}
		fmt.Fprintf(&b, "%s=%q ", k, fmt.Sprint(v))
	}
	return strings.TrimSpace(b.String())
}
