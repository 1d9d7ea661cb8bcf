package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// The stdio layer is ours, in front of mcp-go's MCPServer.HandleMessage,
// instead of mcp-go's StdioServer. That server holds a whole line of any
// length, gives every request a goroutine that may block on a stdout
// nobody reads, runs tool calls on a fixed pool of at most 100 workers (so
// waiting execute_command calls held up status calls), answers requests
// before initialize, answers cancelled requests, answers malformed
// messages with the wrong JSON-RPC codes, and cannot be stopped while a
// write blocks. Here: one reader with a size cap, one writer that nothing
// waits on, one goroutine per request up to a cap, and cancellation that
// drops the response.

// Defaults of the stdio limits.
const (
	// DefaultMaxPending bounds the requests in flight at once. Each
	// waiting execute_command is one; a few are kept for the others.
	DefaultMaxPending = 1024
	// reservedPending are the places no execute_command may take, so
	// that status, listing and file calls always find one.
	reservedPending = 64
	// maxPendingBytes bounds the bytes of the requests in flight.
	maxPendingBytes = 64 << 20
	// outboxCap is how many bytes of responses may wait for a client
	// that does not read before the server stops reading its requests.
	outboxCap = 16 << 20
	// readAheadBytes and readAheadLines bound what is read from stdin
	// ahead of its dispatch, which waits while the client reads no
	// responses.
	readAheadBytes = 16 << 20
	readAheadLines = 4096
	// admitPoll is how often a full read-ahead is looked at again.
	admitPoll = 5 * time.Millisecond
	// shutdownGrace bounds how long Serve waits for calls in flight once
	// it is told to stop.
	shutdownGrace = 2 * time.Second
	// flushGrace bounds the wait for the last responses to be written.
	flushGrace = time.Second
)

// errClientCancelled is the cause of a call's context when the client
// sent notifications/cancelled for it; errShutdown when the server stops.
var (
	errClientCancelled = errors.New("cancelled by the client")
	errShutdown        = errors.New("server shutting down")
)

// stdioSession is the one client of a stdio server, as mcp-go sees it.
// It keeps what the client said of itself in initialize, for the audit
// log.
type stdioSession struct {
	notes       chan mcpgo.JSONRPCNotification
	initialized atomic.Bool
	client      atomic.Pointer[mcpgo.Implementation]
	caps        atomic.Pointer[mcpgo.ClientCapabilities]
	conn        *conn // to send the server's own requests to the client
}

func (s *stdioSession) SessionID() string { return "stdio" }
func (s *stdioSession) NotificationChannel() chan<- mcpgo.JSONRPCNotification {
	return s.notes
}
func (s *stdioSession) Initialize()       { s.initialized.Store(true) }
func (s *stdioSession) Initialized() bool { return s.initialized.Load() }

// GetClientInfo is the clientInfo of initialize; zero before it.
func (s *stdioSession) GetClientInfo() mcpgo.Implementation {
	if p := s.client.Load(); p != nil {
		return *p
	}
	return mcpgo.Implementation{}
}
func (s *stdioSession) SetClientInfo(info mcpgo.Implementation) { s.client.Store(&info) }

// GetClientCapabilities is the capabilities of initialize; zero before it.
func (s *stdioSession) GetClientCapabilities() mcpgo.ClientCapabilities {
	if p := s.caps.Load(); p != nil {
		return *p
	}
	return mcpgo.ClientCapabilities{}
}
func (s *stdioSession) SetClientCapabilities(c mcpgo.ClientCapabilities) { s.caps.Store(&c) }

// call is a request in flight.
type call struct {
	method    string
	tool      string // for tools/call
	size      int
	cancel    context.CancelCauseFunc
	cancelled bool // the client cancelled it: its response is dropped
}

// waits says whether the call may hold its place for long: an
// execute_command waits up to --max-wait for its command.
func (cl *call) waits() bool { return cl.tool == "execute_command" }

// conn is one stdio connection: the requests in flight and the writer.
type conn struct {
	srv  *Server
	log  *slog.Logger
	out  *outbox
	sess *stdioSession

	maxMessage, maxPending int

	readAheadBytes atomic.Int64 // bytes read from stdin, not yet dispatched

	mu           sync.Mutex
	calls        map[string]*call // by idKey
	pendingBytes int
	waiting      int           // execute_command calls in calls
	freed        chan struct{} // signalled when a call ends
	wg           sync.WaitGroup

	asks asks // the server's requests to the client
}

// Serve speaks MCP over in and out (the process's stdin and stdout) until
// ctx ends, in reaches EOF or out fails. It blocks. Each request runs on
// its own goroutine, so a long execute_command never holds up another
// call. When it returns, calls still in flight have been told to stop and
// given a short grace; a client that stopped reading cannot delay it.
func (s *Server) Serve(ctx context.Context, in io.Reader, out io.Writer) error {
	c := &conn{srv: s, log: s.deps.log, out: newOutbox(out, outboxCap),
		sess:       &stdioSession{notes: make(chan mcpgo.JSONRPCNotification, 64)},
		maxMessage: orDefault(s.opts.MaxMessage, DefaultMaxMessage),
		maxPending: orDefault(s.opts.MaxPending, DefaultMaxPending),
		calls:      map[string]*call{}, freed: make(chan struct{}, 1)}
	c.sess.conn = c
	if err := s.mcp.RegisterSession(ctx, c.sess); err != nil {
		return fmt.Errorf("mcp: register the stdio session: %w", err)
	}
	defer s.mcp.UnregisterSession(context.WithoutCancel(ctx), c.sess.SessionID())
	callCtx, stopCalls := context.WithCancelCause(s.mcp.WithContext(ctx, c.sess))
	defer stopCalls(errShutdown)
	go c.forwardNotifications(callCtx)

	readDone := make(chan error, 1)
	go func() { readDone <- c.readLoop(callCtx, in) }()
	var err error
	select {
	case err = <-readDone:
	case <-ctx.Done():
	}
	stopCalls(errShutdown)
	c.waitCalls(shutdownGrace)
	c.out.close(flushGrace)
	return err
}

// reply sends an error the stdio layer answers itself.
func (c *conn) reply(e *rpcError) {
	c.out.send(encodeError(e), mustDeliver)
}

// dispatch routes one message. It never blocks on a handler.
func (c *conn) dispatch(ctx context.Context, line []byte) {
	env, bad := parseEnvelope(line)
	if bad != nil {
		if env.Method != nil && !env.hasID {
			c.log.Warn("notification dropped", "method", *env.Method, "err", bad.msg)
			return // a notification never gets a response
		}
		c.reply(bad)
		return
	}
	if env.Method == nil {
		if !c.response(env) {
			c.log.Debug("response from the client dropped: no request of the server waits for it", "id", string(env.ID))
		}
		return
	}
	if !env.hasID {
		c.notify(ctx, env, line)
		return
	}
	method := *env.Method
	if !c.sess.Initialized() && method != string(mcpgo.MethodInitialize) && method != string(mcpgo.MethodPing) && !modernRequest(env) {
		c.reply(&rpcError{id: env.ID, code: codeInvalidRequest, msg: fmt.Sprintf(
			"Invalid Request: %s before initialize. Send initialize first (then notifications/initialized); only ping is answered before it.", method)})
		return
	}
	if method == string(mcpgo.MethodInitialize) || method == string(mcpgo.MethodPing) {
		// Served in line: initialize so that the requests after it see
		// the session initialized, ping because it costs less than a
		// goroutine.
		c.send(c.handle(ctx, env.ID, line))
		return
	}
	c.start(ctx, env, line)
}

// start registers a request in flight and serves it on its own goroutine,
// or refuses it when the server holds too many.
func (c *conn) start(ctx context.Context, env envelope, line []byte) {
	key := idKey(env.ID)
	cl := &call{method: *env.Method, size: len(line)}
	if cl.method == string(mcpgo.MethodToolsCall) {
		var p struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(env.Params, &p)
		cl.tool = p.Name
	}
	if !c.reserve(ctx, env.ID, key, cl) {
		return
	}
	callCtx, cancel := context.WithCancelCause(ctx)
	cl.cancel = cancel
	c.calls[key] = cl
	c.pendingBytes += len(line)
	if cl.waits() {
		c.waiting++
	}
	c.wg.Add(1)
	c.mu.Unlock()
	msg := append([]byte(nil), line...) // the reader reuses line
	id := env.ID
	go func() {
		defer c.wg.Done()
		resp := c.handle(callCtx, id, msg)
		cancel(nil)
		c.finish(key, cl, resp)
	}()
}

// reserve waits for a place for a request in flight and returns with c.mu
// held, or answers the request itself (busy, duplicate id) and returns
// false without it.
func (c *conn) reserve(ctx context.Context, id json.RawMessage, key string, cl *call) bool {
	waits, size := cl.waits(), cl.size
	c.mu.Lock()
	for {
		if _, dup := c.calls[key]; dup {
			c.mu.Unlock()
			c.reply(&rpcError{id: id, code: codeInvalidRequest, msg: fmt.Sprintf(
				"Invalid Request: id %s is already used by a request in flight; give each request an id of its own.", id)})
			return false
		}
		full := len(c.calls) >= c.maxPending || c.pendingBytes+size > maxPendingBytes
		if waits && (full || c.waiting >= c.maxPending-min(reservedPending, c.maxPending/2)) {
			// A waiting call holds its place for up to --max-wait: refuse
			// it rather than hold up the calls behind it.
			n := c.waiting
			c.mu.Unlock()
			c.log.Warn("request refused: too many execute_command calls waiting", "waiting", n)
			c.reply(&rpcError{id: id, code: codeServerBusy, msg: fmt.Sprintf(
				"Server busy: %d execute_command calls are waiting, the most it holds. Wait for some to return, or start commands with execute_command_async and poll them with get_command_status.", n)})
			return false
		}
		if !full {
			break
		}
		// Any other call ends soon: wait for a place, which slows the
		// client down instead of failing its request.
		c.mu.Unlock()
		select {
		case <-c.freed:
		case <-ctx.Done():
			return false
		}
		c.mu.Lock()
	}
	return true
}

// finish sends a call's response unless the client cancelled the call:
// the protocol says a cancelled request gets no response.
func (c *conn) finish(key string, cl *call, resp []byte) {
	c.mu.Lock()
	delete(c.calls, key)
	c.pendingBytes -= cl.size
	if cl.waits() {
		c.waiting--
	}
	cancelled := cl.cancelled
	c.mu.Unlock()
	select {
	case c.freed <- struct{}{}:
	default:
	}
	if cancelled {
		c.log.Info("response dropped: the client cancelled the request", "method", cl.method, "tool", cl.tool)
		return
	}
	c.send(resp)
}

func (c *conn) send(resp []byte) {
	if resp != nil {
		c.out.send(resp, mustDeliver)
	}
}

// notify handles a notification from the client. notifications/cancelled
// is handled here, not by mcp-go, which would let the handler's response
// through.
func (c *conn) notify(ctx context.Context, env envelope, line []byte) {
	if *env.Method == string(mcpgo.MethodNotificationCancelled) {
		var p struct {
			RequestID json.RawMessage `json:"requestId"`
			Reason    string          `json:"reason"`
		}
		if json.Unmarshal(env.Params, &p) != nil || !isIDValue(p.RequestID) {
			c.log.Warn("notifications/cancelled without a valid requestId dropped")
			return
		}
		c.mu.Lock()
		cl, ok := c.calls[idKey(p.RequestID)]
		if ok {
			cl.cancelled = true
		}
		c.mu.Unlock()
		if !ok {
			c.log.Debug("cancellation of a request not in flight ignored", "id", string(p.RequestID))
			return
		}
		c.log.Info("request cancelled by the client", "id", string(p.RequestID), "method", cl.method, "tool", cl.tool, "reason", p.Reason)
		cl.cancel(errClientCancelled)
		return
	}
	c.handle(ctx, nil, line) // mcp-go returns nothing for a notification
}

// handle runs one message through mcp-go and encodes the response (nil for
// none). A panic becomes an internal error, never the end of the process.
func (c *conn) handle(ctx context.Context, id json.RawMessage, msg []byte) (out []byte) {
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("panic serving a request", "panic", fmt.Sprint(r))
			if id != nil {
				out = encodeError(&rpcError{id: id, code: codeInternalError, msg: "Internal error: the server failed on this request; it is logged. Retry, or report it with the server log."})
			}
		}
	}()
	resp := c.srv.mcp.HandleMessage(ctx, msg)
	if resp == nil {
		return nil
	}
	resp = withID(resp, id)
	resp = paramsError(resp, msg)
	b, err := json.Marshal(resp)
	if err != nil {
		c.log.Error("encoding a response", "err", err)
		return encodeError(&rpcError{id: id, code: codeInternalError, msg: "Internal error: the response could not be encoded: " + err.Error()})
	}
	return b
}

// withID gives a response the request's id exactly as the client wrote
// it: mcp-go decodes ids into float64, so an integer above 2^53 came back
// as another number and the client could not match it.
func withID(resp mcpgo.JSONRPCMessage, id json.RawMessage) mcpgo.JSONRPCMessage {
	if id == nil {
		return resp
	}
	switch r := resp.(type) {
	case mcpgo.JSONRPCResponse:
		r.ID = mcpgo.NewRequestId(id)
		return r
	case mcpgo.JSONRPCError:
		r.ID = mcpgo.NewRequestId(id)
		return r
	}
	return resp
}

// paramsError turns mcp-go's answer to params it could not decode into
// -32602 with a message for the agent. mcp-go answers -32600 quoting Go's
// decoder ("cannot unmarshal number 1e400 into Go struct field
// CallToolRequest.params of type float64"); the envelope was checked
// before, so what it could not read is always the params.
func paramsError(resp mcpgo.JSONRPCMessage, msg []byte) mcpgo.JSONRPCMessage {
	e, ok := resp.(mcpgo.JSONRPCError)
	if !ok || e.Error.Code != mcpgo.INVALID_REQUEST {
		return resp
	}
	var env struct {
		Method string `json:"method"`
	}
	_ = json.Unmarshal(msg, &env)
	where := "a member of params"
	if m := goField.FindStringSubmatch(e.Error.Message); m != nil {
		where = strings.ToLower(m[1][:1]) + m[1][1:]
	}
	e.Error = mcpgo.JSONRPCErrorDetails{Code: mcpgo.INVALID_PARAMS, Message: fmt.Sprintf(
		"Invalid params: %s of %s has the wrong JSON type or a number out of range. "+
			"For tools/call, name is a string and arguments an object of the tool's parameters (numbers within about ±1.8e308).", where, env.Method)}
	return e
}

// goField finds the member Go's decoder names in its errors.
var goField = regexp.MustCompile(`Go struct field [A-Za-z]+\.([A-Za-z_.]+)`)

// forwardNotifications writes what handlers send to the client (progress).
// They may be dropped when the client does not read.
func (c *conn) forwardNotifications(ctx context.Context) {
	for {
		select {
		case n := <-c.sess.notes:
			b, err := json.Marshal(n)
			if err == nil && !c.out.send(b, mayDrop) {
				c.log.Debug("notification dropped: the client is not reading", "method", n.Method)
			}
		case <-ctx.Done():
			return
		}
	}
}

// waitCalls waits up to grace for the calls in flight to return.
func (c *conn) waitCalls(grace time.Duration) {
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		c.mu.Lock()
		n := len(c.calls)
		c.mu.Unlock()
		c.log.Warn("calls still in flight at shutdown", "count", n)
	}
}

// modernRequest says whether a request carries its protocol version in
// _meta (protocol 2026-07-28 and later), which replaces initialize.
func modernRequest(env envelope) bool {
	var p struct {
		Meta *mcpgo.Meta `json:"_meta"`
	}
	if json.Unmarshal(env.Params, &p) != nil {
		return false
	}
	return mcpgo.IsModernProtocol(p.Meta.ProtocolVersion())
}
