package mcp

import (
	"context"
	"encoding/json"
	"strings"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"
)

// secretParams are the tool parameters that carry secrets.
var secretParams = []string{"password", "sudo_password", "su_password", "enable_password"}

// minRedacted is the shortest secret that is masked in results. Masking a
// one- or two-character string would garble every result it occurs in;
// such a secret protects nothing anyway.
const minRedacted = 3

// redactSecrets wraps a handler so that no secret given in the call's
// arguments can come back in its result, whatever a lower layer or the
// remote side echoed. The layers below already keep secrets out; this is
// the last line, where the text leaves the process.
func redactSecrets(next mcpserver.ToolHandlerFunc) mcpserver.ToolHandlerFunc {
	return func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		res, err := next(ctx, req)
		secrets := callSecrets(req)
		if res == nil || len(secrets) == 0 {
			return res, err
		}
		rep := replacerFor(secrets)
		for i, c := range res.Content {
			if t, ok := c.(mcpgo.TextContent); ok {
				t.Text = rep.Replace(t.Text)
				res.Content[i] = t
			}
		}
		if res.StructuredContent != nil {
			res.StructuredContent = redactStructured(res.StructuredContent, rep)
		}
		return res, err
	}
}

// callSecrets returns the secret argument values long enough to mask.
func callSecrets(req mcpgo.CallToolRequest) []string {
	// mcp-go decodes the arguments of a call into a map (and keeps the raw
	// text beside it); only other forms are decoded here.
	args, ok := req.Params.Arguments.(map[string]any)
	if !ok {
		raw, err := rawArguments(req)
		if err != nil || json.Unmarshal(raw, &args) != nil {
			return nil
		}
	}
	var out []string
	for _, name := range secretParams {
		if s, ok := args[name].(string); ok && len(s) >= minRedacted {
			out = append(out, s)
		}
	}
	return out
}

func replacerFor(secrets []string) *strings.Replacer {
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, "[redacted]")
	}
	return strings.NewReplacer(pairs...)
}

// redactStructured masks secrets in any string inside v by a JSON round
// trip; the schema is unchanged because only string values change.
func redactStructured(v any, rep *strings.Replacer) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var generic any
	if json.Unmarshal(raw, &generic) != nil {
		return v
	}
	return redactValue(generic, rep)
}

func redactValue(v any, rep *strings.Replacer) any {
	switch x := v.(type) {
	case string:
		return rep.Replace(x)
	case map[string]any:
		for k, e := range x {
			x[k] = redactValue(e, rep)
		}
	case []any:
		for i, e := range x {
			x[i] = redactValue(e, rep)
		}
	}
	return v
}
