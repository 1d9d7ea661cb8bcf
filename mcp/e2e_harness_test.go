package mcp

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

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

// The end-to-end tests build the real binary, start it as an MCP stdio
// server with a temporary HOME, and drive it with mcp-go's client against
// devicetest's sshd and simulated devices.

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

// serverBinary builds cmd/mcp-ssh-session once per test process, with the
// race detector when the tests have it.
func serverBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "mcpssh-e2e-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "mcp-ssh-session")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "github.com/mcp-ssh-session/mcp-ssh-session/cmd/mcp-ssh-session")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// e2eServer is the binary under test with a connected client.
type e2eServer struct {
	t       *testing.T
	user    string // who "lab" logs in as, when the test chose
	client  *mcpclient.Client
	home    string
	logPath string
	stderr  *lockedBuffer

	// lastOutput is the output of the latest get_command_status in
	// waitStatus, for conditions on output rather than status.
	lastOutput string

	mu       sync.Mutex
	seen     []string // every result and notification, for the secret scan
	progress []mcpgo.JSONRPCNotification
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// hostEntry is one Host block of the ssh_config the test writes.
type hostEntry struct {
	Alias, HostName, User, IdentityFile, KnownHosts string
	Port                                            int
}

// sshdHost describes an account on a test sshd, logging in with its
// client key.
func sshdHost(alias string, d *devicetest.SSHD, user string) hostEntry {
	return hostEntry{Alias: alias, HostName: d.Host, Port: d.Port, User: user,
		IdentityFile: d.ClientKey.Path, KnownHosts: d.KnownHostsPath}
}

// deviceHost describes a simulated device, logging in with a password the
// call gives.
func deviceHost(alias string, d *devicetest.Device) hostEntry {
	return hostEntry{Alias: alias, HostName: d.Host, Port: d.Port, User: d.Options.Username, KnownHosts: d.KnownHostsPath}
}

// startServer writes an ssh_config for hosts and starts the binary on it.
func startServer(t *testing.T, hosts []hostEntry, extra ...string) *e2eServer {
	t.Helper()
	bin := serverBinary(t)
	home := t.TempDir()
	var cfg strings.Builder
	for _, h := range hosts {
		fmt.Fprintf(&cfg, "Host %s\n  HostName %s\n  Port %d\n  User %s\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
			h.Alias, h.HostName, h.Port, h.User, h.KnownHosts)
		if h.IdentityFile != "" {
			fmt.Fprintf(&cfg, "  IdentityFile %s\n  IdentitiesOnly yes\n", h.IdentityFile)
		}
	}
	sshConfig := filepath.Join(home, "ssh_config")
	if err := os.WriteFile(sshConfig, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &e2eServer{t: t, home: home, logPath: filepath.Join(home, "server.log"), stderr: &lockedBuffer{}}
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "SSH_AUTH_SOCK="}
	args := append([]string{"--ssh-config", sshConfig, "--log-file", s.logPath, "--log-level", "debug"}, extra...)
	ctx, cancel := context.WithCancel(context.Background())
	tr := transport.NewStdioWithOptions(bin, env, args, transport.WithCommandStderrWriter(s.stderr))
	if err := tr.Start(ctx); err != nil {
		cancel()
		t.Fatalf("start %s: %v", bin, err)
	}
	s.client = mcpclient.NewClient(tr)
	s.client.OnNotification(s.record)
	// Start wires the transport's notifications to the handlers above (the
	// transport itself is already running).
	if err := s.client.Start(ctx); err != nil {
		cancel()
		t.Fatalf("client start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.client.Close(); err != nil {
			t.Logf("closing the server: %v", err)
		}
		cancel()
		if t.Failed() {
			t.Logf("server log:\n%s\nserver stderr:\n%s", s.log(), s.stderr.String())
		}
	})
	ictx, icancel := context.WithTimeout(ctx, 30*time.Second)
	defer icancel()
	init := mcpgo.InitializeRequest{}
	init.Params.ProtocolVersion = mcpgo.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcpgo.Implementation{Name: "e2e", Version: "1"}
	if _, err := s.client.Initialize(ictx, init); err != nil {
		t.Fatalf("initialize: %v\nstderr: %s", err, s.stderr.String())
	}
	return s
}

func (s *e2eServer) record(n mcpgo.JSONRPCNotification) {
	raw, _ := json.Marshal(n)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, string(raw))
	if n.Method == "notifications/progress" {
		s.progress = append(s.progress, n)
	}
}

func (s *e2eServer) log() string {
	b, _ := os.ReadFile(s.logPath)
	return string(b)
}

// callResult is a tool result as the tests read it.
type callResult struct {
	Text    string
	IsError bool
	Data    map[string]any // structured content
}

func (r callResult) str(key string) string {
	v, _ := r.Data[key].(string)
	return v
}

func (r callResult) num(key string) (int64, bool) {
	v, ok := r.Data[key].(float64)
	return int64(v), ok
}

// call invokes a tool and fails the test on a protocol error.
func (s *e2eServer) call(t *testing.T, ctx context.Context, tool string, args map[string]any) callResult {
	t.Helper()
	r, err := s.callErr(ctx, tool, args, nil)
	if err != nil {
		t.Fatalf("%s(%v): %v", tool, redactedArgs(args), err)
	}
	return r
}

func (s *e2eServer) callErr(ctx context.Context, tool string, args map[string]any, meta *mcpgo.Meta) (callResult, error) {
	req := mcpgo.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	req.Params.Meta = meta
	res, err := s.client.CallTool(ctx, req)
	if err != nil {
		return callResult{}, err
	}
	raw, _ := json.Marshal(res)
	s.mu.Lock()
	s.seen = append(s.seen, string(raw))
	s.mu.Unlock()
	var out callResult
	out.IsError = res.IsError
	for _, c := range res.Content {
		if tc, ok := c.(mcpgo.TextContent); ok {
			out.Text += tc.Text
		}
	}
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		_ = json.Unmarshal(b, &out.Data)
	} else if len(res.RawStructuredContent) > 0 {
		_ = json.Unmarshal(res.RawStructuredContent, &out.Data)
	}
	return out, nil
}

// redactedArgs shows arguments in failure messages without secrets.
func redactedArgs(args map[string]any) map[string]any {
	out := make(map[string]any, len(args))
	for k, v := range args {
		if strings.Contains(k, "password") {
			v = "***"
		}
		out[k] = v
	}
	return out
}

// waitStatus polls get_command_status until the command is finished (or
// the wanted status appears) or the context ends.
func (s *e2eServer) waitStatus(t *testing.T, ctx context.Context, id string, want func(status string) bool) callResult {
	t.Helper()
	for {
		r := s.call(t, ctx, "get_command_status", map[string]any{"command_id": id})
		if r.IsError {
			t.Fatalf("get_command_status(%q): %s", id, r.Text)
		}
		s.lastOutput = r.str("output")
		if want(r.str("status")) {
			return r
		}
		select {
		case <-ctx.Done():
			t.Fatalf("command %s: still %q when the test's deadline passed; last result:\n%s", id, r.str("status"), r.Text)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func finished(st string) bool {
	switch st {
	case "completed", "failed", "interrupted", "lost":
		return true
	}
	return false
}

// assertNoSecrets fails when any secret appears in a result, a
// notification, or the server's log and stderr.
func (s *e2eServer) assertNoSecrets(secrets ...string) {
	s.t.Helper()
	s.mu.Lock()
	seen := strings.Join(s.seen, "\n")
	s.mu.Unlock()
	for _, sec := range secrets {
		for where, text := range map[string]string{"results": seen, "log": s.log(), "stderr": s.stderr.String()} {
			if strings.Contains(text, sec) {
				s.t.Errorf("a secret (%d bytes) appears in the server's %s", len(sec), where)
			}
		}
	}
}

func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
