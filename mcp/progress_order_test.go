package mcp

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"
)

// TestProgressGoesOutBeforeTheResponse: a progress notification a
// handler sends is in the outbox when the send returns, so the call's
// response, sent after the handler returns, can never overtake it (a
// client drops progress for a request it has its answer to, and the
// TypeScript SDK reports it as a protocol error). Nothing forwards
// notifications here: one that went through a queue of its own would
// never be written.
func TestProgressGoesOutBeforeTheResponse(t *testing.T) {
	r, w := io.Pipe()
	c := &conn{out: newOutbox(w, 1<<20), sess: &stdioSession{notes: make(chan mcpgo.JSONRPCNotification, 64)}}
	c.sess.conn = c
	srv := mcpserver.NewMCPServer("t", "1")
	ctx := srv.WithContext(context.Background(), c.sess)
	ctx = context.WithValue(ctx, callKey{}, callInfo{start: time.Now(), token: mcpgo.ProgressToken(5)})

	lines := make(chan string, 2)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	sendProgress(ctx, "waiting")
	c.out.send([]byte(`{"jsonrpc":"2.0","id":5,"result":{}}`), mustDeliver)
	first := <-lines
	var n struct {
		Method string `json:"method"`
		Params struct {
			Token   any    `json:"progressToken"`
			Message string `json:"message"`
		} `json:"params"`
	}
	if err := json.Unmarshal([]byte(first), &n); err != nil || n.Method != "notifications/progress" || n.Params.Message != "waiting" || n.Params.Token != float64(5) {
		t.Errorf("first line written %q, want the progress notification before the response", first)
	}
	c.out.close(time.Second)
}
