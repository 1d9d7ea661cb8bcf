package mcp

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// The end-to-end tests build the real binary, start it as an MCP stdio
// server with a temporary HOME, and drive it with mcp-go's client against
// devicetest's sshd and simulated devices.

func TestMain(m *testing.M) {
	code := m.Run()
	mcptest.RemoveBinaries()
	os.Exit(code)
}

// e2eServer is the binary under test with a connected client. The binary
// is built with the race detector when the tests have it.
type e2eServer struct {
	*mcptest.Server
	t    *testing.T
	user string // who "lab" logs in as, when the test chose

	// lastOutput is the output of the latest get_command_status in
	// waitStatus, for conditions on output rather than status.
	lastOutput string

	mu       sync.Mutex
	seen     []string // every result and notification, for the secret scan
	progress []mcpgo.JSONRPCNotification
}

// sshdHost describes an account on a test sshd, logging in with its
// client key.
func sshdHost(alias string, d *devicetest.SSHD, user string) mcptest.Host {
	return mcptest.Host{Alias: alias, HostName: d.Host, Port: d.Port, User: user,
		IdentityFile: d.ClientKey.Path, KnownHosts: d.KnownHostsPath}
}

// deviceHost describes a simulated device, logging in with a password the
// call gives.
func deviceHost(alias string, d *devicetest.Device) mcptest.Host {
	return mcptest.Host{Alias: alias, HostName: d.Host, Port: d.Port, User: d.Options.Username, KnownHosts: d.KnownHostsPath}
}

// startServer writes an ssh_config for hosts and starts the binary on it
// with debug logging and extra flags.
func startServer(t *testing.T, hosts []mcptest.Host, extra ...string) *e2eServer {
	t.Helper()
	args := append([]string{"--log-level", "debug"}, extra...)
	s := &e2eServer{t: t, Server: mcptest.Spawn(t, mcptest.Config{Hosts: hosts, Args: args, Race: raceEnabled})}
	s.Client.OnNotification(s.record)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.Initialize(ctx, "e2e")
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

// callErr invokes a tool with arguments of any JSON shape (a map, or a
// value that is not an object or carries a chosen escape) and returns a
// protocol error as err. The result is kept for the secret scan.
func (s *e2eServer) callErr(ctx context.Context, tool string, args any, meta *mcpgo.Meta) (callResult, error) {
	req := mcpgo.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	req.Params.Meta = meta
	res, err := s.Client.CallTool(ctx, req)
	if err != nil {
		return callResult{}, err
	}
	raw, _ := json.Marshal(res)
	s.mu.Lock()
	s.seen = append(s.seen, string(raw))
	s.mu.Unlock()
	out := callResult{IsError: res.IsError}
	out.Text, out.Data = mcptest.Content(res)
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
		for where, text := range map[string]string{"results": seen, "log": s.Log(), "stderr": s.Stderr.String()} {
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
