package mcp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// TestRedactSecrets proves that a secret given in the arguments cannot
// come back in a result, in the text or anywhere in structured content.
func TestRedactSecrets(t *testing.T) {
	const secret = "Hunter2-secret"
	leaky := func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		return textResult("echoed "+secret, map[string]any{"output": "x" + secret + "y", "list": []any{secret}}), nil
	}
	var req mcpgo.CallToolRequest
	req.Params.RawArguments = json.RawMessage(`{"host":"h","sudo_password":"` + secret + `","password":"ab"}`)
	res, err := redactSecrets(leaky)(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(res)
	if strings.Contains(string(raw), secret) {
		t.Errorf("secret left in %s", raw)
	}
	if !strings.Contains(string(raw), "x[redacted]y") {
		t.Errorf("structured content lost its shape: %s", raw)
	}
}
