package mcp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// TestCheckNumbersIntegralFloats: JSON has one number type, and clients
// written in JavaScript or Python send 5.0 for 5.
func TestCheckNumbersIntegralFloats(t *testing.T) {
	tool := mcpgo.NewTool("t",
		mcpgo.WithInteger("limit", mcpgo.Min(1), mcpgo.Max(1000)),
		mcpgo.WithInteger("port", mcpgo.Min(1), mcpgo.Max(65535)),
		mcpgo.WithInteger("offset", mcpgo.Min(0)),
		mcpgo.WithNumber("timeout", mcpgo.Min(0), mcpgo.Max(86400)))
	var got map[string]any
	h := checkNumbers(tool, func(_ context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var dst struct {
			Limit  int     `json:"limit"`
			Port   int     `json:"port"`
			Offset int64   `json:"offset"`
			T      float64 `json:"timeout"`
		}
		if err := bind(req, &dst); err != nil {
			return mcpgo.NewToolResultError(err.Error()), nil
		}
		got = map[string]any{"limit": dst.Limit, "port": dst.Port, "offset": dst.Offset, "timeout": dst.T}
		return mcpgo.NewToolResultText("ok"), nil
	})
	call := func(args string) *mcpgo.CallToolResult {
		t.Helper()
		var req mcpgo.CallToolRequest
		req.Params.Name = "t"
		req.Params.Arguments = json.RawMessage(args)
		res, err := h(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := call(`{"limit": 5.0, "port": 2340.0, "offset": 1e3, "timeout": 1.5}`); res.IsError {
		t.Fatalf("integral floats refused: %v", res.Content)
	}
	if got["limit"] != 5 || got["port"] != 2340 || got["offset"] != int64(1000) || got["timeout"] != 1.5 {
		t.Errorf("decoded %v, want limit 5, port 2340, offset 1000, timeout 1.5", got)
	}
	for _, tc := range []struct{ args, want string }{
		{`{"limit": 5.5}`, `"limit" is 5.5, not a whole number: give a whole number from 1 to 1000`},
		{`{"limit": 0}`, `"limit" is 0, out of range: give a whole number from 1 to 1000`},
		{`{"port": 70000}`, `"port" is 70000, out of range`},
		{`{"offset": -1}`, `"offset" is -1, out of range: give a whole number of 0 or more`},
		{`{"offset": 1e300}`, `"offset" is 1e300, out of range`},
		{`{"timeout": 86401}`, `"timeout" is 86401, out of range: give a number from 0 to 86400`},
		{`{"offset": 1e999}`, `not a number this server can read`},
	} {
		res := call(tc.args)
		text, _ := res.Content[0].(mcpgo.TextContent)
		if !res.IsError || !strings.Contains(text.Text, tc.want) {
			t.Errorf("%s: error %v %q, want one containing %q", tc.args, res.IsError, text.Text, tc.want)
		}
	}
}
