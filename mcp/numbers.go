package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"
)

// maxSafeInteger is the largest integer every JSON implementation reads
// exactly (2^53 - 1); an integer parameter without a declared maximum is
// held to it.
const maxSafeInteger = 1<<53 - 1

// numberRule is what a tool's input schema says of one numeric parameter.
type numberRule struct {
	integer  bool
	min, max float64
}

// numberRules reads the numeric parameters of a tool's input schema.
func numberRules(t mcpgo.Tool) map[string]numberRule {
	rules := map[string]numberRule{}
	for name, p := range t.InputSchema.Properties {
		prop, ok := p.(map[string]any)
		if !ok {
			continue
		}
		typ, _ := prop["type"].(string)
		if typ != "integer" && typ != "number" {
			continue
		}
		r := numberRule{integer: typ == "integer", min: -maxSafeInteger, max: maxSafeInteger}
		if v, ok := asFloat(prop["minimum"]); ok {
			r.min = v
		}
		if v, ok := asFloat(prop["maximum"]); ok {
			r.max = v
		}
		rules[name] = r
	}
	return rules
}

func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// checkNumbers enforces the input schema's numeric types and bounds before
// the handler runs, and rewrites an integral number written as a float
// (5.0, 2340.0, 1e3) as the integer it is: JSON has one number type, and
// clients in JavaScript or Python send 5.0 for 5. A value of another JSON
// type is left for bind, which names the type expected.
func checkNumbers(t mcpgo.Tool, next mcpserver.ToolHandlerFunc) mcpserver.ToolHandlerFunc {
	rules := numberRules(t)
	if len(rules) == 0 {
		return next
	}
	return func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		raw, err := rawArguments(req)
		if err != nil {
			return next(ctx, req)
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			return next(ctx, req) // bind explains
		}
		changed := false
		for name, r := range rules {
			v, ok := fields[name]
			if !ok || !isJSONNumber(v) {
				continue
			}
			canon, err := r.check(name, v)
			if err != nil {
				return badArgs(t.Name, err), nil
			}
			if !bytes.Equal(canon, v) {
				fields[name] = canon
				changed = true
			}
		}
		if changed {
			raw, _ = json.Marshal(fields)
			req.Params.RawArguments = raw
			req.Params.Arguments = json.RawMessage(raw)
		}
		return next(ctx, req)
	}
}

func isJSONNumber(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9'))
}

// check tests one number against the rule and returns it in canonical
// form: an integer parameter as an integer literal.
func (r numberRule) check(name string, v json.RawMessage) (json.RawMessage, error) {
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, &argError{field: name, msg: fmt.Sprintf("is %s, which is not a number this server can read: %s", v, r.want())}
	}
	if r.integer && f != math.Trunc(f) {
		return nil, &argError{field: name, msg: fmt.Sprintf("is %s, not a whole number: %s", v, r.want())}
	}
	if f < r.min || f > r.max {
		return nil, &argError{field: name, msg: fmt.Sprintf("is %s, out of range: %s", v, r.want())}
	}
	if r.integer {
		return json.RawMessage(strconv.FormatInt(int64(f), 10)), nil
	}
	return v, nil
}

// want says what the rule accepts.
func (r numberRule) want() string {
	kind := "a number"
	if r.integer {
		kind = "a whole number"
	}
	switch {
	case r.max == maxSafeInteger:
		return fmt.Sprintf("give %s of %s or more", kind, fmtBound(r.min))
	default:
		return fmt.Sprintf("give %s from %s to %s", kind, fmtBound(r.min), fmtBound(r.max))
	}
}

func fmtBound(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
