package mcp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// rawServer is the binary driven by hand over its stdin and stdout, for
// what an MCP client library hides: malformed messages, ids, responses
// that must not come, a client that stops reading.
type rawServer struct {
	t     testing.TB
	cmd   *exec.Cmd
	home  string
	in    io.WriteCloser
	out   io.ReadCloser
	msgs  chan rawMsg // every message the server wrote, once reading started
	once  sync.Once
	errb  *mcptest.Buffer
	ended chan struct{} // closed when the process has exited
}

// rawMsg is one message from the server.
type rawMsg struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Params json.RawMessage `json:"params"`
	raw    string
}

// startRaw starts the binary for hosts with extra flags, without reading
// its stdout yet (see read). race picks the race-detector build.
func startRaw(t testing.TB, race bool, hosts []mcptest.Host, extra ...string) *rawServer {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := mcptest.Command(ctx, t, home, mcptest.Config{Hosts: hosts, Args: extra, Race: race})
	s := &rawServer{t: t, cmd: cmd, home: home, msgs: make(chan rawMsg, 1<<16), errb: &mcptest.Buffer{}, ended: make(chan struct{})}
	cmd.Stderr = s.errb
	var err error
	if s.in, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if s.out, err = cmd.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(s.ended) }()
	t.Cleanup(func() {
		s.in.Close()
		select {
		case <-s.ended:
		case <-time.After(10 * time.Second):
		}
		cancel()
		<-s.ended
		if t.Failed() {
			t.Logf("server log:\n%s\nstderr:\n%s", s.log(), s.errb.String())
		}
	})
	return s
}

func (s *rawServer) log() string {
	b, _ := os.ReadFile(filepath.Join(s.home, "server.log"))
	return string(b)
}

// read starts reading the server's stdout into msgs.
func (s *rawServer) read() {
	s.once.Do(func() {
		go func() {
			sc := bufio.NewScanner(s.out)
			sc.Buffer(make([]byte, 1<<20), 64<<20)
			for sc.Scan() {
				var m rawMsg
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					m.Method = "<not JSON: " + err.Error() + ">"
				}
				m.raw = sc.Text()
				s.msgs <- m
			}
			close(s.msgs)
		}()
	})
}

// send writes one line to the server's stdin.
func (s *rawServer) send(line string) {
	s.t.Helper()
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		s.t.Fatalf("write %.80q: %v", line, err)
	}
}

// request sends method with params (JSON text, "" for none) as request id.
func (s *rawServer) request(id int, method, params string) {
	s.t.Helper()
	msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q`, id, method)
	if params != "" {
		msg += `,"params":` + params
	}
	s.send(msg + "}")
}

// next returns the next message that is not a notification, failing the
// test when none comes within d.
func (s *rawServer) next(d time.Duration) rawMsg {
	s.t.Helper()
	s.read()
	deadline := time.After(d)
	for {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				s.t.Fatalf("the server closed its stdout\nstderr: %s", s.errb.String())
			}
			if m.Method != "" && m.ID == nil {
				continue // a notification
			}
			return m
		case <-deadline:
			s.t.Fatalf("no response within %s", d)
		}
	}
}

// initialize runs the handshake.
func (s *rawServer) initialize() {
	s.t.Helper()
	s.request(0, "initialize", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}`)
	if m := s.next(30 * time.Second); m.Error != nil || m.Result == nil {
		s.t.Fatalf("initialize: %s", m.raw)
	}
	s.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
}

// toolCall is the params of tools/call, with a progress token when token
// is not "".
func toolCall(name string, args map[string]any, token string) string {
	p := map[string]any{"name": name, "arguments": args}
	if token != "" {
		p["_meta"] = map[string]any{"progressToken": token}
	}
	b, _ := json.Marshal(p)
	return string(b)
}

// structured decodes a tools/call result's structured content.
func (m rawMsg) structured(t testing.TB) map[string]any {
	t.Helper()
	var r struct {
		IsError bool           `json:"isError"`
		SC      map[string]any `json:"structuredContent"`
	}
	if err := json.Unmarshal(m.Result, &r); err != nil || r.SC == nil {
		t.Fatalf("not a tool result with structured content: %s", m.raw)
	}
	return r.SC
}

// idIs says whether the message answers request id.
func (m rawMsg) idIs(id int) bool { return string(m.ID) == strconv.Itoa(id) }

// vmHWM is a process's peak resident memory in bytes, from /proc.
func vmHWM(t testing.TB, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
