package mcp

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	gosdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// The interop test drives the real binary with a client this project did
// not write, the official Go SDK, the way an agent's host does: its own
// handshake, request timeouts by context, cancellation, progress and
// schemas. Our own tests use mcp-go's client, which shares mcp-go's
// reading of the protocol with the server.

// interop is the binary connected to the official Go SDK's client.
type interop struct {
	cs       *gosdk.ClientSession
	tools    map[string]*gosdk.Tool
	home     string
	mu       sync.Mutex
	progress []*gosdk.ProgressNotificationParams
}

func startInterop(t *testing.T, hosts []mcptest.Host, extra ...string) *interop {
	t.Helper()
	return startInteropWith(t, hosts, nil, extra...)
}

// startInteropWith is startInterop with an elicitation handler (nil:
// none, and no elicitation capability declared).
func startInteropWith(t *testing.T, hosts []mcptest.Host, elicit func(context.Context, *gosdk.ElicitRequest) (*gosdk.ElicitResult, error), extra ...string) *interop {
	t.Helper()
	in := &interop{home: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cmd := mcptest.Command(ctx, t, in.home, mcptest.Config{Hosts: hosts, Args: append([]string{"--log-level", "debug"}, extra...), Race: raceEnabled})
	client := gosdk.NewClient(&gosdk.Implementation{Name: "interop", Version: "1"}, &gosdk.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *gosdk.ProgressNotificationClientRequest) {
			in.mu.Lock()
			in.progress = append(in.progress, req.Params)
			in.mu.Unlock()
		},
		ElicitationHandler: elicit,
	})
	cctx, ccancel := context.WithTimeout(ctx, 30*time.Second)
	defer ccancel()
	cs, err := client.Connect(cctx, &gosdk.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("the official Go SDK could not connect: %v", err)
	}
	in.cs = cs
	t.Cleanup(func() {
		cs.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", readLog(in.home))
		}
	})
	lt, err := cs.ListTools(cctx, nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	in.tools = map[string]*gosdk.Tool{}
	for _, tool := range lt.Tools {
		in.tools[tool.Name] = tool
	}
	return in
}

// call calls a tool with ctx and checks the result's structured content
// against the tool's output schema, as a validating client does.
func (in *interop) call(t *testing.T, ctx context.Context, name string, args any, token any) (*gosdk.CallToolResult, map[string]any, error) {
	t.Helper()
	p := &gosdk.CallToolParams{Name: name, Arguments: args}
	if token != nil {
		p.SetProgressToken(token)
	}
	res, err := in.cs.CallTool(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	var sc map[string]any
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		json.Unmarshal(b, &sc)
		validate(t, name+" output", in.tools[name].OutputSchema, sc)
	}
	return res, sc, nil
}

// validate checks instance against a JSON schema given as decoded JSON.
func validate(t *testing.T, what string, schema any, instance any) {
	t.Helper()
	b, _ := json.Marshal(schema)
	var s jsonschema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: the schema does not decode: %v", what, err)
	}
	r, err := s.Resolve(nil)
	if err != nil {
		t.Fatalf("%s: the schema does not resolve: %v", what, err)
	}
	if err := r.Validate(instance); err != nil {
		t.Errorf("%s: %v\ninstance: %.500v", what, err, instance)
	}
}

func readLog(home string) string {
	s := &rawServer{home: home}
	return s.log()
}

func text(res *gosdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*gosdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func TestInteropGoSDK(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	in := startInterop(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, "--max-wait", "3s")
	ctx := testContext(t, 3*time.Minute)

	t.Run("schemas", func(t *testing.T) {
		if len(in.tools) != 15 {
			t.Errorf("%d tools listed, want 15", len(in.tools))
		}
		// Arguments as clients in JavaScript send them, integral numbers
		// as floats, must satisfy the input schema and the server.
		args := map[string]any{"host": "lab", "command": "echo schema", "port": float64(sshd.Port), "timeout": 10.0}
		validate(t, "execute_command input", in.tools["execute_command"].InputSchema, args)
		res, sc, err := in.call(t, ctx, "execute_command", args, nil)
		if err != nil || res.IsError || sc["output"] != "schema\n" {
			t.Fatalf("execute_command with integral floats: %v %v", err, res)
		}
		validate(t, "list_command_history input", in.tools["list_command_history"].InputSchema, map[string]any{"limit": 5.0})
		if res, _, err := in.call(t, ctx, "list_command_history", map[string]any{"limit": 5.0}, nil); err != nil || res.IsError {
			t.Errorf("list_command_history limit 5.0: %v %v", err, res)
		}
		for _, name := range []string{"list_running_commands", "list_sessions"} {
			if res, _, err := in.call(t, ctx, name, map[string]any{}, nil); err != nil || res.IsError {
				t.Errorf("%s: %v %v", name, err, res)
			}
		}
	})

	t.Run("timeout", func(t *testing.T) {
		// The client gives up after 6 s; --max-wait 3s answers first with
		// the command_id, and the command goes on.
		callCtx, cancel := context.WithTimeout(ctx, 6*time.Second)
		defer cancel()
		res, sc, err := in.call(t, callCtx, "execute_command", map[string]any{"host": "lab", "command": "sleep 8; echo outlived", "timeout": 120}, nil)
		if err != nil {
			t.Fatalf("execute_command timeout 120 under a 6 s client timeout: %v (the server should answer at --max-wait)", err)
		}
		if sc["status"] != "running" || sc["command_id"] == "" {
			t.Fatalf("want running with a command_id: %s", text(res))
		}
		done := pollFinished(t, ctx, in, sc["command_id"].(string))
		if done["status"] != "completed" || done["output"] != "outlived\n" {
			t.Errorf("the command that outlived the client's timeout: %v", done)
		}
	})

	t.Run("cancellation", func(t *testing.T) {
		callCtx, cancel := context.WithCancel(ctx)
		errc := make(chan error, 1)
		go func() {
			_, _, err := in.call(t, callCtx, "execute_command", map[string]any{"host": "lab", "command": "sleep 3; echo kept", "session": "c", "timeout": 60}, nil)
			errc <- err
		}()
		id := ""
		for id == "" && ctx.Err() == nil {
			_, sc, err := in.call(t, ctx, "list_running_commands", map[string]any{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			cmds, _ := sc["commands"].([]any)
			for _, c := range cmds {
				if m := c.(map[string]any); m["session"] == "c" && m["status"] == "running" {
					id = m["command_id"].(string)
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		if err := <-errc; err == nil {
			t.Fatal("the cancelled call returned a result")
		}
		done := pollFinished(t, ctx, in, id)
		if done["status"] != "completed" || done["output"] != "kept\n" {
			t.Errorf("the cancelled call's command: %v, want it completed", done)
		}
		if log := readLog(in.home); !strings.Contains(log, "response dropped: the client cancelled the request") {
			t.Errorf("the server did not drop the cancelled request's response:\n%s", log)
		}
	})

	t.Run("progress", func(t *testing.T) {
		res, sc, err := in.call(t, ctx, "execute_command", map[string]any{"host": "lab", "command": "sleep 5; echo patient", "session": "p", "timeout": 60}, "tok-interop")
		if err != nil || sc["status"] != "completed" || sc["output"] != "patient\n" {
			t.Fatalf("with a progress token the call waits past --max-wait: %v %v", err, res)
		}
		in.mu.Lock()
		defer in.mu.Unlock()
		if len(in.progress) < 3 {
			t.Fatalf("%d progress notifications in 5 s, want one a second", len(in.progress))
		}
		last := -1.0
		for _, p := range in.progress {
			if p.ProgressToken != "tok-interop" || p.Progress <= last {
				t.Errorf("progress %+v after %v: want the token and a growing value", p, last)
			}
			last = p.Progress
		}
	})
}

// pollFinished polls get_command_status until the command finished.
func pollFinished(t *testing.T, ctx context.Context, in *interop, id string) map[string]any {
	t.Helper()
	for ctx.Err() == nil {
		_, sc, err := in.call(t, ctx, "get_command_status", map[string]any{"command_id": id}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if finished(sc["status"].(string)) {
			return sc
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("command %s never finished", id)
	return nil
}
