package mcp

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

func callWith(t *testing.T, raw string) mcpgo.CallToolRequest {
	t.Helper()
	var req mcpgo.CallToolRequest
	req.Params.Name = "t"
	req.Params.RawArguments = json.RawMessage(raw)
	return req
}

type bindTarget struct {
	connArgs
	Command string   `json:"command"`
	Timeout *float64 `json:"timeout"`
}

func TestBindNamesTheParameter(t *testing.T) {
	tests := []struct {
		raw, field, msg string
	}{
		{`{"command":"x"}`, "host", "required"},
		{`{"host":null,"command":"x"}`, "host", "required"},
		{`{"host":"h","command":"x","port":"22"}`, "port", "integer"},
		{`{"host":"h","command":"x","timeout":"soon"}`, "timeout", "number"},
		{`{"host":"h","command":7}`, "command", "string"},
		{`{"host":"h","command":"x","comand":"y"}`, "comand", "not a parameter"},
	}
	for _, tt := range tests {
		var got bindTarget
		err := bind(callWith(t, tt.raw), &got, "host", "command")
		var ae *argError
		if !errors.As(err, &ae) || ae.field != tt.field || !strings.Contains(ae.Error(), tt.msg) {
			t.Errorf("bind(%s) = %v, want an error about %q saying %q", tt.raw, err, tt.field, tt.msg)
		}
	}
}

func TestBindDecodes(t *testing.T) {
	var got bindTarget
	raw := `{"host":"web1","username":"ops","port":2222,"command":"uptime","timeout":1.5}`
	if err := bind(callWith(t, raw), &got, "host", "command"); err != nil {
		t.Fatal(err)
	}
	req := got.request()
	if req.Host != "web1" || req.Username != "ops" || req.Port != 2222 || got.Command != "uptime" || *got.Timeout != 1.5 {
		t.Errorf("bind(%s) = %+v", raw, got)
	}
	if err := bind(callWith(t, `[1,2]`), &got); err == nil {
		t.Error("bind of a JSON array succeeded")
	}
}

func TestConnArgsCheck(t *testing.T) {
	for _, a := range []connArgs{{Host: " "}, {Host: "h", Port: 70000}, {Host: "h", Port: -1}} {
		if err := a.check(); err == nil {
			t.Errorf("check(%+v) accepted it", a)
		}
	}
	if err := (connArgs{Host: "h", Port: 22}).check(); err != nil {
		t.Errorf("check of a good target: %v", err)
	}
}
