package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// The server's own requests to the client (elicitation/create). They get
// string ids of their own ("srv-1", ...), which the client's ids cannot
// be confused with because these live in the other direction.

// errNoResponse means the client answered a request of the server with
// neither result nor error.
var errNoResponse = errors.New("mcp: the client's response holds neither result nor error")

// asks are the server's requests waiting for the client's response.
type asks struct {
	mu      sync.Mutex
	next    uint64
	waiting map[string]chan envelope // by idKey
}

// request sends method with params to the client and waits for its
// response, or for ctx to end; then it tells the client, with
// notifications/cancelled, that the answer is no longer wanted.
func (c *conn) request(ctx context.Context, method string, params any) (json.RawMessage, error) {
	c.asks.mu.Lock()
	c.asks.next++
	id := json.RawMessage(strconv.Quote("srv-" + strconv.FormatUint(c.asks.next, 10)))
	ch := make(chan envelope, 1)
	if c.asks.waiting == nil {
		c.asks.waiting = map[string]chan envelope{}
	}
	key := idKey(id)
	c.asks.waiting[key] = ch
	c.asks.mu.Unlock()
	defer func() {
		c.asks.mu.Lock()
		delete(c.asks.waiting, key)
		c.asks.mu.Unlock()
	}()
	b, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Method  string          `json:"method"`
		Params  any             `json:"params"`
	}{"2.0", id, method, params})
	if err != nil {
		return nil, fmt.Errorf("mcp: encode %s: %w", method, err)
	}
	if !c.out.send(b, mustDeliver) {
		return nil, fmt.Errorf("mcp: %s could not be sent: the client is not reading", method)
	}
	select {
	case env := <-ch:
		if env.Error != nil {
			var e struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			_ = json.Unmarshal(env.Error, &e)
			return nil, fmt.Errorf("mcp: the client answered %s with error %d: %s", method, e.Code, e.Message)
		}
		if env.Result == nil {
			return nil, errNoResponse
		}
		return env.Result, nil
	case <-ctx.Done():
		nb, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": mcpgo.MethodNotificationCancelled,
			"params": map[string]any{"requestId": id, "reason": "the server no longer needs the answer"}})
		if err == nil {
			c.out.send(nb, mayDrop)
		}
		return nil, context.Cause(ctx)
	}
}

// response hands a response of the client to the request of the server
// that waits for it; it reports false when none does.
func (c *conn) response(env envelope) bool {
	c.asks.mu.Lock()
	ch, ok := c.asks.waiting[idKey(env.ID)]
	if ok {
		delete(c.asks.waiting, idKey(env.ID))
	}
	c.asks.mu.Unlock()
	if ok {
		ch <- env
	}
	return ok
}
