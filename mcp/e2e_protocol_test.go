package mcp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestE2EProtocolErrors sends what clients we did not write sent us, and
// checks each gets the JSON-RPC answer the specification gives, with a
// message that says what to do, and that the server goes on serving.
func TestE2EProtocolErrors(t *testing.T) {
	s := startRaw(t, raceEnabled, nil)
	// Before initialize only ping is served: a tools/call would otherwise
	// run a command on a host for a client that never negotiated.
	s.request(1, "tools/call", toolCall("list_sessions", map[string]any{}, ""))
	if m := s.next(30 * time.Second); !m.idIs(1) || m.Error == nil || m.Error.Code != -32600 || !strings.Contains(m.Error.Message, "initialize") {
		t.Errorf("tools/call before initialize: %s, want -32600 naming initialize", m.raw)
	}
	s.request(2, "ping", "")
	if m := s.next(10 * time.Second); !m.idIs(2) || m.Error != nil {
		t.Errorf("ping before initialize: %s, want a result", m.raw)
	}
	s.initialize()
	for _, tc := range []struct {
		line string
		id   string
		code int
		want string
	}{
		{`42`, "null", -32600, "not an object"},
		{`[]`, "null", -32600, "batches"},
		{`{"jsonrpc":"2.0","id":1,`, "null", -32700, "not valid JSON"},
		{`{"jsonrpc":"2.0","id":null,"method":"ping"}`, "null", -32600, "null"},
		{`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":["list_sessions"]}`, "3", -32602, "object of named parameters"},
		{`{"jsonrpc":"2.0","id":4,"method":"tools/list","params":"x"}`, "4", -32602, "object"},
		{`{"jsonrpc":"1.0","id":5,"method":"ping"}`, "5", -32600, "2.0"},
		{`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"list_sessions","arguments":{"x":1e400}}}`, "8", -32602, "out of range"},
		{`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":7}}`, "9", -32602, "name is a string"},
		{`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"x","arguments":{}},"pad":"` + strings.Repeat("y", 9<<20) + `"}`, "6", -32600, "8 MiB"},
	} {
		s.send(tc.line)
		m := s.next(30 * time.Second)
		if m.Error == nil || m.Error.Code != tc.code || string(m.ID) != tc.id || !strings.Contains(m.Error.Message, tc.want) {
			t.Errorf("%.80s: got %.300s, want error %d with id %s mentioning %q", tc.line, m.raw, tc.code, tc.id, tc.want)
		}
		if m.Error != nil && (strings.Contains(m.Error.Message, "[]interface") || strings.Contains(m.Error.Message, "Go ") || strings.Contains(m.Error.Message, "float64")) {
			t.Errorf("%.80s: the message quotes Go types: %s", tc.line, m.Error.Message)
		}
	}
	// An id above 2^53 comes back exactly as sent.
	s.send(`{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}`)
	if m := s.next(10 * time.Second); string(m.ID) != "9007199254740993" {
		t.Errorf("a large integer id came back as %s", m.ID)
	}
	s.send(`{"jsonrpc":"2.0","id":"9007199254740993","method":"tools/list"}`)
	if m := s.next(10 * time.Second); string(m.ID) != `"9007199254740993"` {
		t.Errorf("a string id came back as %s", m.ID)
	}
	s.request(7, "tools/call", toolCall("list_sessions", map[string]any{}, ""))
	if m := s.next(30 * time.Second); !m.idIs(7) || m.Error != nil {
		t.Errorf("a good call after the bad ones: %s", m.raw)
	}
}

// TestE2ECancelledRequestGetsNoResponse: the specification says a
// cancelled request gets no response; the command goes on, detached.
func TestE2ECancelledRequestGetsNoResponse(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	s := startRaw(t, raceEnabled, []mcptest.Host{sshdHost("lab", sshd, sshd.User)})
	s.initialize()
	s.request(5, "tools/call", toolCall("execute_command", map[string]any{"host": "lab", "command": "sleep 2; echo survived", "timeout": 30}, ""))
	id := waitRunning(t, s, 100)
	s.send(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5,"reason":"client timeout"}}`)
	// The command finishes 2 s after it started: a response to 5, had it
	// been sent, would come before the one to this poll, sent after 4 s.
	time.Sleep(4 * time.Second)
	s.request(6, "tools/call", toolCall("get_command_status", map[string]any{"command_id": id}, ""))
	m := s.next(30 * time.Second)
	if !m.idIs(6) {
		t.Fatalf("after cancelling request 5 the server answered it: %.300s", m.raw)
	}
	if sc := m.structured(t); sc["status"] != "completed" || sc["output"] != "survived\n" {
		t.Errorf("the cancelled call's command: status %v output %q, want it completed", sc["status"], sc["output"])
	}
}

// waitRunning polls list_running_commands (request ids from firstID on)
// until one command runs, and returns its ID.
func waitRunning(t *testing.T, s *rawServer, firstID int) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for id := firstID; time.Now().Before(deadline); id++ {
		s.request(id, "tools/call", toolCall("list_running_commands", map[string]any{}, ""))
		m := s.next(30 * time.Second)
		if !m.idIs(id) {
			t.Fatalf("waiting for a running command, got %.300s", m.raw)
		}
		if cmds, _ := m.structured(t)["commands"].([]any); len(cmds) > 0 {
			if c, _ := cmds[0].(map[string]any); c["status"] == "running" {
				return c["command_id"].(string)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no command ever showed as running")
	return ""
}

// TestE2EMaxWait: a call without a progress token returns after
// --max-wait whatever its timeout, with the command_id, before a client
// would give up on it; one with a progress token gets progress and waits
// the full timeout.
func TestE2EMaxWait(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	s := startRaw(t, raceEnabled, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, "--max-wait", "2s")
	s.initialize()
	start := time.Now()
	s.request(1, "tools/call", toolCall("execute_command", map[string]any{"host": "lab", "command": "sleep 6; echo late", "timeout": 120}, ""))
	m := s.next(60 * time.Second)
	took := time.Since(start)
	sc := m.structured(t)
	if sc["status"] != "running" || sc["command_id"] == "" || !strings.Contains(m.raw, "max-wait") {
		t.Errorf("timeout 120 with --max-wait 2s: %.500s, want running with a command_id and the reason", m.raw)
	}
	if took > 20*time.Second {
		t.Errorf("the call took %s with --max-wait 2s", took)
	}
	s.read()
	s.request(2, "tools/call", toolCall("execute_command", map[string]any{"host": "lab", "command": "sleep 4; echo done", "session": "p", "timeout": 60}, "tok-1"))
	progress := 0
	for {
		m := <-s.msgs
		if m.Method == "notifications/progress" {
			if !strings.Contains(string(m.Params), `"tok-1"`) {
				t.Errorf("progress with another token: %s", m.raw)
			}
			progress++
			continue
		}
		if !m.idIs(2) {
			t.Fatalf("unexpected message: %.300s", m.raw)
		}
		if sc := m.structured(t); sc["status"] != "completed" || sc["output"] != "done\n" {
			t.Errorf("with a progress token the call should wait past --max-wait to the end: %.500s", m.raw)
		}
		break
	}
	if progress < 2 {
		t.Errorf("%d progress notifications for a 4 s command, want one a second", progress)
	}
}

// TestE2ESignalsEndTheServer: SIGTERM, SIGINT, SIGHUP and the end of stdin
// each end the process within seconds, even when the client stopped
// reading stdout with responses pending, and the log says which.
func TestE2ESignalsEndTheServer(t *testing.T) {
	for _, tc := range []struct {
		name string
		stop func(s *rawServer)
		want string
	}{
		{"SIGTERM", func(s *rawServer) { s.cmd.Process.Signal(syscall.SIGTERM) }, "received terminated"},
		{"SIGINT", func(s *rawServer) { s.cmd.Process.Signal(syscall.SIGINT) }, "received interrupt"},
		{"SIGHUP", func(s *rawServer) { s.cmd.Process.Signal(syscall.SIGHUP) }, "received hangup"},
		{"stdin EOF", func(s *rawServer) { s.in.Close() }, "stdin closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startRaw(t, raceEnabled, nil)
			// The client never reads stdout: the pipe fills and the
			// server's writes block.
			s.request(0, "initialize", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}`)
			s.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
			fillStdout(t, s)
			start := time.Now()
			tc.stop(s)
			select {
			case <-s.ended:
			case <-time.After(5 * time.Second):
				t.Fatalf("the server still runs 5 s after %s with its stdout unread", tc.name)
			}
			t.Logf("%s: exited after %s", tc.name, time.Since(start).Round(time.Millisecond))
			if log := s.log(); !strings.Contains(log, "shutting down: "+tc.want) {
				t.Errorf("the log does not say %q:\n%s", "shutting down: "+tc.want, log)
			}
		})
	}
}

// fillStdout sends tools/list until the server's stdout pipe is full and
// its writer blocked (tools/list answers are large), without reading.
func fillStdout(t *testing.T, s *rawServer) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i <= 300; i++ {
			if _, err := fmt.Fprintf(s.in, `{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`+"\n", i); err != nil {
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		// The server stopped reading: its output queue is full. That
		// is the state to test.
	}
	time.Sleep(500 * time.Millisecond)
}

// TestE2EMaxWaitFromConfig: defaults.max_wait in the config file sets the
// wait as --max-wait does.
func TestE2EMaxWaitFromConfig(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("defaults:\n  max_wait: 1s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startRaw(t, raceEnabled, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, "--config", cfg)
	s.initialize()
	start := time.Now()
	s.request(1, "tools/call", toolCall("execute_command", map[string]any{"host": "lab", "command": "sleep 5", "timeout": 60}, ""))
	m := s.next(60 * time.Second)
	if sc := m.structured(t); sc["status"] != "running" || time.Since(start) > 4*time.Second {
		t.Errorf("max_wait: 1s in the config: %s after %s, want running after about 1 s", sc["status"], time.Since(start))
	}
}
