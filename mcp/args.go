package mcp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// connArgs are the connection parameters of every tool that reaches a
// host. Only host is required; the rest fall back to ~/.ssh/config, the
// config file and OpenSSH's defaults.
type connArgs struct {
	Host        string `json:"host"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	KeyFilename string `json:"key_filename"`
	Port        int    `json:"port"`
	Profile     string `json:"profile"`
}

func (a connArgs) request() hosts.Request {
	return hosts.Request{
		Host:        a.Host,
		Username:    a.Username,
		Port:        a.Port,
		KeyFilename: a.KeyFilename,
		Password:    a.Password,
		Profile:     a.Profile,
	}
}

// check validates what the schema cannot express.
func (a connArgs) check() error {
	if strings.TrimSpace(a.Host) == "" {
		return &argError{field: "host", msg: "is empty: give an ~/.ssh/config alias, a hostname or an IP address"}
	}
	if a.Port < 0 || a.Port > 65535 {
		return &argError{field: "port", msg: fmt.Sprintf("is %d: give a TCP port from 1 to 65535, or leave it out to use ~/.ssh/config or 22", a.Port)}
	}
	return nil
}

// argError is a bad tool argument: which one and what to do about it.
type argError struct {
	field string
	msg   string
}

func (e *argError) Error() string { return fmt.Sprintf("parameter %q %s", e.field, e.msg) }

// bind decodes the arguments of a tool call into dst (a pointer to a
// struct with json tags), rejecting unknown parameters, wrong types and
// missing required ones with an error that names the parameter. The server
// also validates against the input schema; this keeps the handlers safe
// when it does not, and gives messages that say what to do.
func bind(req mcpgo.CallToolRequest, dst any, required ...string) error {
	raw, err := rawArguments(req)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return errors.New("the arguments must be a JSON object of named parameters")
	}
	known := knownFields(reflect.TypeOf(dst).Elem())
	for name := range fields {
		if !known[name] {
			return &argError{field: name, msg: "is not a parameter of this tool: valid ones are " + strings.Join(sortedKeys(known), ", ")}
		}
	}
	for _, name := range required {
		if v, ok := fields[name]; !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return &argError{field: name, msg: "is required"}
		}
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			// Field is a dotted Go path ("connArgs.port" for an
			// embedded struct); the parameter is its last element.
			field := te.Field[strings.LastIndexByte(te.Field, '.')+1:]
			return &argError{field: field, msg: fmt.Sprintf("must be %s, not a JSON %s", jsonKind(te.Type), te.Value)}
		}
		return fmt.Errorf("the arguments could not be decoded: %v", err)
	}
	return nil
}

func rawArguments(req mcpgo.CallToolRequest) ([]byte, error) {
	if len(req.Params.RawArguments) > 0 {
		return req.Params.RawArguments, nil
	}
	if req.Params.Arguments == nil {
		return []byte("{}"), nil
	}
	raw, err := json.Marshal(req.Params.Arguments)
	if err != nil {
		return nil, fmt.Errorf("the arguments could not be read: %v", err)
	}
	return raw, nil
}

// fieldsByType caches jsonFields per argument struct type.
var fieldsByType sync.Map // reflect.Type → map[string]bool

// knownFields is jsonFields, computed once per type.
func knownFields(t reflect.Type) map[string]bool {
	if v, ok := fieldsByType.Load(t); ok {
		return v.(map[string]bool)
	}
	names := jsonFields(t)
	fieldsByType.Store(t, names)
	return names
}

// jsonFields lists the JSON names of a struct's fields, embedded structs
// included, the way encoding/json sees them.
func jsonFields(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for n := range jsonFields(f.Type) {
				names[n] = true
			}
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names[name] = true
	}
	return names
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonKind names a Go type the way a JSON schema would.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	case reflect.Slice:
		return "an array"
	}
	return "a " + t.Kind().String()
}
