package bench

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// callTimeout bounds one tool call. It is far above any figure measured
// here, so it only stops a run that hangs.
const callTimeout = 5 * time.Minute

func TestMain(m *testing.M) {
	code := m.Run()
	mcptest.RemoveBinaries()
	os.Exit(code)
}

// serverBinary builds cmd/mcp-ssh-session once per process, without the
// race detector even when the benchmarks have it, so that the binary
// measured is the one users run.
func serverBinary(tb testing.TB) string {
	tb.Helper()
	return mcptest.Binary(tb, false)
}

// server is the binary under test with a connected client, as the
// benchmarks drive it.
type server struct {
	*mcptest.Server
	tb testing.TB
}

// startServer writes an ssh_config for hosts, starts the binary on it with
// extra flags, and returns once the MCP handshake is done. The server is
// closed by tb's cleanup, or earlier by Close.
func startServer(tb testing.TB, hosts []mcptest.Host, extra ...string) *server {
	tb.Helper()
	s := spawnServer(tb, hosts, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	s.initialize(ctx)
	return s
}

// spawnServer starts the process and its client without the MCP
// handshake, so that startup can be timed from the very start. It runs
// the binary serverBinary builds.
func spawnServer(tb testing.TB, hosts []mcptest.Host, extra ...string) *server {
	tb.Helper()
	return &server{Server: mcptest.Spawn(tb, mcptest.Config{Hosts: hosts, Args: extra}), tb: tb}
}

func (s *server) initialize(ctx context.Context) {
	s.tb.Helper()
	s.Initialize(ctx, "bench")
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
	res, err := s.Client.CallTool(ctx, req)
	if err != nil {
		return result{}, fmt.Errorf("%s(%s): %v\nstderr: %s", tool, describeArgs(args), err, s.Stderr.String())
	}
	out := result{IsError: res.IsError}
	out.Text, out.Data = mcptest.Content(res)
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
