package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// rawServer speaks newline-delimited JSON-RPC to the binary's stdio
// directly, without mcp-go's client, so that a figure measured through
// the client can be split into the server's part and the client
// library's. It is used from one goroutine.
type rawServer struct {
	tb     testing.TB
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *mcptest.Buffer
	id     int
}

// startRawServer starts the binary for hosts and completes the MCP
// handshake. Cleanup closes its stdin and waits for it to exit.
func startRawServer(tb testing.TB, hosts []mcptest.Host) *rawServer {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := mcptest.Command(ctx, tb, tb.TempDir(), mcptest.Config{Hosts: hosts})
	s := &rawServer{tb: tb, stderr: &mcptest.Buffer{}}
	cmd.Stderr = s.stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start the server: %v", err)
	}
	s.in, s.out = in, bufio.NewReaderSize(out, 1<<20)
	tb.Cleanup(func() { stopRaw(cmd, in, cancel) })
	s.request("initialize", map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "bench-raw", "version": "1"}})
	s.send(map[string]any{"jsonrpc": "2.0", "method": "notifications/initialized"})
	return s
}

// stopRaw ends the server as an MCP client does, by closing its stdin,
// and kills it if it has not exited after a few seconds.
func stopRaw(cmd *exec.Cmd, in io.Closer, cancel context.CancelFunc) {
	in.Close()
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cancel() // CommandContext kills the process
		<-done
	}
}

func (s *rawServer) send(msg map[string]any) {
	s.tb.Helper()
	b, err := json.Marshal(msg)
	if err == nil {
		_, err = s.in.Write(append(b, '\n'))
	}
	if err != nil {
		s.tb.Fatalf("writing to the server: %v\nstderr: %s", err, s.stderr.String())
	}
}

// request sends one request and returns the raw line of its response,
// skipping notifications. It does not parse the result: that is the
// client's part of the work.
func (s *rawServer) request(method string, params any) []byte {
	s.tb.Helper()
	s.id++
	s.send(map[string]any{"jsonrpc": "2.0", "id": s.id, "method": method, "params": params})
	want := fmt.Sprintf(`"id":%d`, s.id)
	for {
		line, err := s.out.ReadBytes('\n')
		if err != nil {
			s.tb.Fatalf("%s: reading the response: %v\nstderr: %s", method, err, s.stderr.String())
		}
		if bytes.Contains(line, []byte(want)) {
			return line
		}
	}
}

// rawToolResult decodes what the benchmarks check in a tools/call
// response line; the benchmarks call it outside the timed part.
func rawToolResult(tb testing.TB, line []byte) map[string]any {
	tb.Helper()
	var resp struct {
		Result struct {
			IsError    bool           `json:"isError"`
			Structured map[string]any `json:"structuredContent"`
		} `json:"result"`
		Error *struct{ Message string } `json:"error"`
	}
	if err := json.Unmarshal(line, &resp); err != nil || resp.Error != nil || resp.Result.IsError {
		tb.Fatalf("tools/call failed (decode error %v, protocol error %v, isError %v): %.1000s",
			err, resp.Error, resp.Result.IsError, line)
	}
	return resp.Result.Structured
}

// trivialRaw: the trivial command of trivialMCP with the JSON-RPC written
// and read as raw lines, so that mcp-go's client is left out of the
// figure; the response is decoded and checked outside the timer.
func trivialRaw(r *run) {
	s := startRawServer(r.tb, []mcptest.Host{startLinux(r.tb).host()})
	timeRawCalls(r, s, map[string]any{"name": "execute_command", "arguments": echo(linuxAlias)}, func(res map[string]any) {
		if res["status"] != "completed" || res["output"] != "bench-ok\n" {
			r.tb.Fatalf("execute_command: status %v output %q, want completed \"bench-ok\\n\"", res["status"], res["output"])
		}
	})
}

// timeRawCalls makes the tools/call of params once to warm the session,
// then times it r.n times; check sees each structured result, decoded
// outside the timer.
func timeRawCalls(r *run, s *rawServer, params map[string]any, check func(map[string]any)) {
	check(rawToolResult(r.tb, s.request("tools/call", params)))
	time.Sleep(configAge)
	r.ready()
	for range r.n {
		var line []byte
		r.op(func() { line = s.request("tools/call", params) })
		r.untimed(func() { check(rawToolResult(r.tb, line)) })
	}
}

// readFileRaw: read_file of 2 MiB with the response taken as bytes, so
// that mcp-go's client decoding is left out of the figure.
func readFileRaw(r *run) {
	box := startLinux(r.tb)
	want := textOf(twoMiB)
	path := sharedFile(r.tb, "read.txt", want)
	s := startRawServer(r.tb, []mcptest.Host{box.host()})
	params := map[string]any{"name": "read_file",
		"arguments": map[string]any{"host": linuxAlias, "remote_path": path, "max_bytes": twoMiB}}
	s.request("tools/call", params)
	var size int
	r.ready()
	for range r.n {
		var line []byte
		r.op(func() { line = s.request("tools/call", params) })
		r.untimed(func() {
			if got, _ := rawToolResult(r.tb, line)["content"].(string); got != want {
				r.tb.Fatalf("read_file: %d bytes of content, want the %d bytes written", len(got), len(want))
			}
		})
		size = len(line)
	}
	r.metric("response-KiB", float64(size)/1024)
}
