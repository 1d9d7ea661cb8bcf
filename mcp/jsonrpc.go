package mcp

import (
	"bytes"
	"encoding/json"
	"fmt"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// JSON-RPC error codes the stdio layer answers with itself.
const (
	codeParseError     = mcpgo.PARSE_ERROR     // not JSON at all
	codeInvalidRequest = mcpgo.INVALID_REQUEST // JSON, but not a request
	codeInvalidParams  = mcpgo.INVALID_PARAMS  // params of the wrong shape
	codeInternalError  = mcpgo.INTERNAL_ERROR
	// codeServerBusy is in the range JSON-RPC leaves to servers: the
	// request was well formed but the server holds too many already.
	codeServerBusy = -32000
)

// envelope is one message from the client, read just enough to route it.
type envelope struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  *string         `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   json.RawMessage `json:"error"`

	hasID bool // an "id" member is present, even as null
}

// rpcError is a JSON-RPC error to answer with, id being the request's id
// (null when it could not be read).
type rpcError struct {
	id   json.RawMessage
	code int
	msg  string
}

var nullID = json.RawMessage("null")

// parseEnvelope reads a message and checks what JSON-RPC 2.0 and MCP ask
// of its shape. mcp-go answers some of these cases wrongly (a number or
// an array as -32700, an "id": null request not at all, params that are
// an array as -32600 quoting Go type names), so they are answered here,
// before mcp-go sees the message.
func parseEnvelope(line []byte) (envelope, *rpcError) {
	var env envelope
	trimmed := bytes.TrimSpace(line)
	if !json.Valid(trimmed) {
		return env, &rpcError{id: nullID, code: codeParseError,
			msg: "Parse error: the message is not valid JSON. Send one JSON-RPC 2.0 object per line, UTF-8, ending in a newline."}
	}
	switch trimmed[0] {
	case '{':
	case '[':
		return env, &rpcError{id: nullID, code: codeInvalidRequest,
			msg: "Invalid Request: JSON-RPC batches (arrays) are not supported by MCP; send each request as its own JSON object."}
	default:
		return env, &rpcError{id: nullID, code: codeInvalidRequest,
			msg: fmt.Sprintf("Invalid Request: the message is a JSON %s, not an object; send a JSON-RPC 2.0 request object such as {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}.", jsonKindOf(trimmed))}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &members); err != nil {
		return env, &rpcError{id: nullID, code: codeParseError, msg: "Parse error: " + err.Error()}
	}
	_, env.hasID = members["id"]
	if err := json.Unmarshal(trimmed, &env); err != nil {
		// A member of the wrong type, such as a numeric method.
		return env, &rpcError{id: validID(env), code: codeInvalidRequest,
			msg: "Invalid Request: \"jsonrpc\" must be the string \"2.0\" and \"method\" a string."}
	}
	id := validID(env)
	if env.JSONRPC != "2.0" {
		return env, &rpcError{id: id, code: codeInvalidRequest, msg: "Invalid Request: \"jsonrpc\" must be \"2.0\"."}
	}
	if env.Method == nil {
		if env.Result != nil || env.Error != nil {
			return env, nil // a response to a request of the server
		}
		return env, &rpcError{id: id, code: codeInvalidRequest, msg: "Invalid Request: the message has no \"method\"."}
	}
	if env.hasID && !isIDValue(env.ID) {
		return env, &rpcError{id: nullID, code: codeInvalidRequest,
			msg: "Invalid Request: \"id\" must be a string or an integer (MCP forbids null); leave \"id\" out only for a notification."}
	}
	if len(env.Params) > 0 && env.Params[0] != '{' && !bytes.Equal(env.Params, nullID) {
		return env, &rpcError{id: id, code: codeInvalidParams,
			msg: fmt.Sprintf("Invalid params: \"params\" of %s must be an object of named parameters, not a JSON %s.", *env.Method, jsonKindOf(env.Params))}
	}
	return env, nil
}

// isRequest says whether env expects a response.
func (e envelope) isRequest() bool { return e.Method != nil && e.hasID }

// validID returns env's id when it is one a response may carry, else null.
func validID(env envelope) json.RawMessage {
	if isIDValue(env.ID) {
		return env.ID
	}
	return nullID
}

// isIDValue accepts the ids MCP allows: strings and numbers.
func isIDValue(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	c := raw[0]
	return c == '"' || c == '-' || (c >= '0' && c <= '9')
}

// jsonKindOf names the JSON type of a valid JSON value.
func jsonKindOf(v []byte) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// encodeError renders a JSON-RPC error response.
func encodeError(e *rpcError) []byte {
	b, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}{JSONRPC: "2.0", ID: e.id, Error: struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{e.code, e.msg}})
	return b
}

// idKey is the key of a request id in the table of calls in flight: the
// id's JSON text, so 7 and "7" stay different requests.
func idKey(id json.RawMessage) string {
	var n json.Number
	if err := json.Unmarshal(id, &n); err == nil && id[0] != '"' {
		return "n:" + n.String()
	}
	return "s:" + string(id)
}
