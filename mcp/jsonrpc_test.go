package mcp

import (
	"strings"
	"testing"
)

// TestParseEnvelopeCodes: what JSON-RPC 2.0 says to answer to each kind
// of malformed message.
func TestParseEnvelopeCodes(t *testing.T) {
	for _, tc := range []struct {
		msg, id string
		code    int
		want    string
	}{
		{`{"jsonrpc":"2.0","id":1,"method":`, "null", codeParseError, "not valid JSON"},
		{`42`, "null", codeInvalidRequest, "JSON number, not an object"},
		{`"ping"`, "null", codeInvalidRequest, "JSON string"},
		{`[]`, "null", codeInvalidRequest, "batches"},
		{`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`, "null", codeInvalidRequest, "batches"},
		{`{"jsonrpc":"2.0","id":null,"method":"ping"}`, "null", codeInvalidRequest, "forbids null"},
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}`, "null", codeInvalidRequest, "string or an integer"},
		{`{"jsonrpc":"1.0","id":3,"method":"ping"}`, "3", codeInvalidRequest, `"2.0"`},
		{`{"jsonrpc":"2.0","id":4,"method":7}`, "4", codeInvalidRequest, "method"},
		{`{"jsonrpc":"2.0","id":5}`, "5", codeInvalidRequest, `no "method"`},
		{`{"jsonrpc":"2.0","id":"x","method":"tools/call","params":["a"]}`, `"x"`, codeInvalidParams, "not a JSON array"},
		{`{"jsonrpc":"2.0","id":6,"method":"tools/list","params":3}`, "6", codeInvalidParams, "not a JSON number"},
	} {
		_, bad := parseEnvelope([]byte(tc.msg))
		if bad == nil {
			t.Errorf("%s: accepted, want error %d", tc.msg, tc.code)
			continue
		}
		if bad.code != tc.code || string(bad.id) != tc.id || !strings.Contains(bad.msg, tc.want) {
			t.Errorf("%s: error %d id %s %q, want %d id %s containing %q", tc.msg, bad.code, bad.id, bad.msg, tc.code, tc.id, tc.want)
		}
		if strings.Contains(bad.msg, "[]interface") || strings.Contains(bad.msg, "map[string]") {
			t.Errorf("%s: the message quotes Go types: %q", tc.msg, bad.msg)
		}
	}
	for _, ok := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":"a","method":"tools/list","params":{}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":1,"result":{}}`,
	} {
		if _, bad := parseEnvelope([]byte(ok)); bad != nil {
			t.Errorf("%s: refused with %d %q", ok, bad.code, bad.msg)
		}
	}
}
