package bench

import (
	"context"
	"testing"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// wantTools is how many tools the server offers.
const wantTools = 15

// startup: from starting the process to the answer of the first
// tools/list (process start, MCP initialize, tools/list), then the
// resident memory of the idle server.
func startup(r *run) {
	serverBinary(r.tb)
	var idle, peak float64
	r.ready()
	for range r.n {
		var s *server
		var tools int
		r.op(func() {
			s = spawnServer(r.tb, nil)
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			defer cancel()
			s.initialize(ctx)
			res, err := s.Client.ListTools(ctx, mcpgo.ListToolsRequest{})
			if err != nil {
				r.tb.Fatalf("tools/list: %v\nstderr: %s", err, s.Stderr.String())
			}
			tools = len(res.Tools)
		})
		if tools != wantTools {
			r.tb.Fatalf("tools/list has %d tools, want %d", tools, wantTools)
		}
		r.untimed(func() {
			rss, hwm := procStatus(r.tb, s.PID)
			idle, peak = max(idle, rss), max(peak, hwm)
			s.Close()
		})
	}
	r.metric("idle-rss-MiB", idle)
	r.metric("peak-rss-MiB", peak)
}

var startupVariants = []variant{
	{name: "to_first_tools_list", body: startup},
}

// BenchmarkStartup: process start to the first tools/list answer, and the
// idle server's memory.
func BenchmarkStartup(b *testing.B) { benchmark(b, startupVariants) }
