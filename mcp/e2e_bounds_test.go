package mcp

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// maxServerRSS is the peak resident memory the server may reach under the
// floods below. It runs the binary users run (no race detector, which
// multiplies memory).
const maxServerRSS = 100 << 20

// TestE2EHugeLineBounded: a 256 MiB request line is refused with a JSON-RPC
// error that reaches its id, without the server holding it.
func TestE2EHugeLineBounded(t *testing.T) {
	s := startRaw(t, false, nil)
	s.initialize()
	s.read()
	w := bufio.NewWriterSize(s.in, 1<<20)
	fmt.Fprint(w, `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"write_file","arguments":{"content":"`)
	chunk := strings.Repeat("A", 1<<20)
	for i := 0; i < 256; i++ {
		w.WriteString(chunk)
	}
	fmt.Fprint(w, `"}},"id":41}`+"\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	m := s.next(2 * time.Minute)
	if !m.idIs(41) || m.Error == nil || m.Error.Code != -32600 || !strings.Contains(m.Error.Message, "268435") {
		t.Errorf("a 256 MiB line: %.400s, want -32600 for id 41 giving its size", m.raw)
	}
	s.request(42, "ping", "")
	if m := s.next(30 * time.Second); !m.idIs(42) {
		t.Errorf("ping after the huge line: %.300s", m.raw)
	}
	rss := vmHWM(t, s.cmd.Process.Pid)
	t.Logf("peak RSS after a 256 MiB line: %.1f MiB", float64(rss)/(1<<20))
	if rss > maxServerRSS {
		t.Errorf("peak RSS %.1f MiB after a 256 MiB line, want under %d MiB", float64(rss)/(1<<20), maxServerRSS>>20)
	}
}

// TestE2EPingFloodBounded: 100,000 pings sent as fast as the pipe takes
// them are all answered, with the server's memory bounded.
func TestE2EPingFloodBounded(t *testing.T) {
	const n = 100_000
	s := startRaw(t, false, nil)
	s.initialize()
	s.read()
	go func() {
		w := bufio.NewWriterSize(s.in, 1<<16)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%d,"method":"ping"}`+"\n", i)
		}
		w.Flush()
	}()
	for got := 0; got < n; got++ {
		m := s.next(time.Minute)
		if m.Error != nil {
			t.Fatalf("ping %d: %.300s", got, m.raw)
		}
	}
	rss := vmHWM(t, s.cmd.Process.Pid)
	t.Logf("peak RSS after %d pings: %.1f MiB", n, float64(rss)/(1<<20))
	if rss > maxServerRSS {
		t.Errorf("peak RSS %.1f MiB after %d pings, want under %d MiB", float64(rss)/(1<<20), n, maxServerRSS>>20)
	}
}

// TestE2EUnreadPingsBounded: pings from a client that reads no responses
// do not grow the server without bound; once it reads, it is answered.
func TestE2EUnreadPingsBounded(t *testing.T) {
	const n = 350_000
	s := startRaw(t, false, nil)
	s.initialize()
	done := make(chan struct{})
	go func() {
		defer close(done)
		w := bufio.NewWriterSize(s.in, 1<<16)
		for i := 1; i <= n; i++ {
			if _, err := fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%d,"method":"ping"}`+"\n", i); err != nil {
				return
			}
		}
		w.Flush()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
	}
	rss := vmHWM(t, s.cmd.Process.Pid)
	t.Logf("peak RSS with %d pings unread: %.1f MiB", n, float64(rss)/(1<<20))
	if rss > maxServerRSS {
		t.Errorf("peak RSS %.1f MiB with pings unread, want under %d MiB", float64(rss)/(1<<20), maxServerRSS>>20)
	}
	go io.Copy(io.Discard, s.out) // read at last, so the writer and the server can finish
	s.in.Close()
}

// TestE2ECheapCallsDoNotQueue: status and listing calls are answered at
// once while many execute_command calls wait; they used to queue for one
// of 100 workers behind them.
func TestE2ECheapCallsDoNotQueue(t *testing.T) {
	const waiting = 150
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	s := startRaw(t, raceEnabled, []mcptest.Host{sshdHost("lab", sshd, sshd.User)})
	s.initialize()
	startWaiting(t, s, waiting, 1000)
	start := time.Now()
	s.request(5000, "tools/call", toolCall("list_running_commands", map[string]any{}, ""))
	m := s.next(2 * time.Minute)
	took := time.Since(start)
	if !m.idIs(5000) {
		t.Fatalf("list_running_commands: %.300s", m.raw)
	}
	cmds, _ := m.structured(t)["commands"].([]any)
	t.Logf("list_running_commands with %d execute_command calls waiting: %s, %d commands", waiting, took, len(cmds))
	if took > 10*time.Second || len(cmds) != waiting {
		t.Errorf("list_running_commands took %s and listed %d commands with %d calls waiting; want an answer at once listing all", took, len(cmds), waiting)
	}
}

// startWaiting starts n execute_command calls (ids from firstID on) that
// wait, in 8 sessions (OpenSSH allows 10 per connection), and returns once
// every command runs or is queued.
func startWaiting(t testing.TB, s *rawServer, n, firstID int) {
	t.Helper()
	for i := 0; i < n; i++ {
		s.request(firstID+i, "tools/call", toolCall("execute_command", map[string]any{
			"host": "lab", "command": "sleep 600", "session": fmt.Sprintf("w%d", i%8), "timeout": 86400}, ""))
	}
	deadline := time.Now().Add(2 * time.Minute)
	for id := firstID + n; time.Now().Before(deadline); id++ {
		s.request(id, "tools/call", toolCall("list_running_commands", map[string]any{}, ""))
		m := s.next(2 * time.Minute)
		cmds, _ := m.structured(t)["commands"].([]any)
		running := 0
		for _, c := range cmds {
			if c.(map[string]any)["status"] == "running" {
				running++
			}
		}
		if running == 8 && len(cmds) == n {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the %d commands never all ran", n)
}

// BenchmarkListWhileWaiting times list_running_commands while 200
// execute_command calls wait, on the binary users run.
func BenchmarkListWhileWaiting(b *testing.B) {
	const waiting = 200
	sshd := devicetest.StartSSHD(b, devicetest.SSHDOptions{})
	s := startRaw(b, false, []mcptest.Host{sshdHost("lab", sshd, sshd.User)})
	s.initialize()
	startWaiting(b, s, waiting, 1000)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s.request(100000+i, "tools/call", toolCall("list_running_commands", map[string]any{}, ""))
		if m := s.next(time.Minute); !m.idIs(100000 + i) {
			b.Fatalf("list_running_commands: %.300s", m.raw)
		}
	}
}
