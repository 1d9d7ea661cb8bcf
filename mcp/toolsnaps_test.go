package mcp

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/toolsnaps from the current tool definitions")

// TestToolSnapshots makes every change to a tool's interface (name,
// description, input and output schema, annotations) a visible diff in
// testdata/toolsnaps. Refresh with: go test ./mcp -run TestToolSnapshots -update
func TestToolSnapshots(t *testing.T) {
	seen := map[string]bool{}
	for _, st := range tools(nil) {
		name := st.Tool.Name
		if seen[name] {
			t.Errorf("tool %q registered twice", name)
		}
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			// The tool as registered, with its output schema encoded once.
			tool, err := rawOutputSchema(st.Tool)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(tool, "", "  ")
			if err != nil {
				t.Fatalf("marshal %s: %v", name, err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "toolsnaps", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("tool %s differs from %s (run with -update if the change is intended):\ngot:\n%s", name, path, got)
			}
		})
	}
	want := []string{"apply_config", "close_all_sessions", "close_session", "confirm_config", "execute_command", "execute_command_async",
		"get_command_status", "interrupt_command_by_id", "list_command_history", "list_running_commands",
		"list_sessions", "read_file", "rollback_config", "send_input", "write_file"}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("tools = %q, want %q", names, want)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "toolsnaps", "*.json"))
	for _, f := range files {
		if n := filepath.Base(f); !seen[n[:len(n)-len(".json")]] {
			t.Errorf("snapshot %s has no tool: delete it", f)
		}
	}
}

// TestToolAnnotations checks the hints agents rely on to decide what needs
// a person's approval.
func TestToolAnnotations(t *testing.T) {
	readOnly := map[string]bool{"list_running_commands": true, "list_command_history": true,
		"list_sessions": true, "get_command_status": true, "read_file": true}
	for _, st := range tools(nil) {
		a := st.Tool.Annotations
		name := st.Tool.Name
		if a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil {
			t.Errorf("%s: every hint must be set deliberately: %+v", name, a)
			continue
		}
		if *a.ReadOnlyHint != readOnly[name] {
			t.Errorf("%s: readOnlyHint = %v, want %v", name, *a.ReadOnlyHint, readOnly[name])
		}
		if *a.DestructiveHint == *a.ReadOnlyHint {
			t.Errorf("%s: destructiveHint = readOnlyHint = %v", name, *a.DestructiveHint)
		}
		if st.Tool.OutputSchema.Type != "object" {
			t.Errorf("%s: no output schema", name)
		}
	}
}

// maxPerTool bounds tools/list, on average per tool: every client sends
// it to the model with each conversation, so its size is paid again and
// again.
const maxPerTool = 1500

func TestToolsListSize(t *testing.T) {
	var list []any
	for _, st := range tools(nil) {
		tool, err := rawOutputSchema(st.Tool)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, tool)
	}
	b, err := json.Marshal(map[string]any{"tools": list})
	if err != nil {
		t.Fatal(err)
	}
	if maxToolsList := maxPerTool * len(list); len(b) > maxToolsList {
		t.Errorf("tools/list is %d bytes, more than %d (%d tools): say it once, in the server's instructions or in execute_command", len(b), maxToolsList, len(list))
	}
	t.Logf("tools/list: %d bytes", len(b))
}

// TestSchemasHaveOneType: clients generate forms and validators from the
// input schemas, and several of them cannot handle a parameter of more
// than one JSON type; every number also declares its bounds.
func TestSchemasHaveOneType(t *testing.T) {
	for _, st := range tools(nil) {
		for name, p := range st.Tool.InputSchema.Properties {
			prop, _ := p.(map[string]any)
			typ, ok := prop["type"].(string)
			if !ok {
				t.Errorf("%s.%s: type %v, want one JSON type", st.Tool.Name, name, prop["type"])
				continue
			}
			if typ == "integer" || typ == "number" {
				if _, ok := prop["minimum"]; !ok {
					t.Errorf("%s.%s: a %s without a minimum", st.Tool.Name, name, typ)
				}
			}
		}
	}
}

// TestOutputSchemasHaveOneType: no property of an output schema, at any
// depth, lists several types (a single-type dialect cannot express that);
// a nullable one says so with anyOf.
func TestOutputSchemasHaveOneType(t *testing.T) {
	var check func(tool, path string, s map[string]any)
	check = func(tool, path string, s map[string]any) {
		if _, many := s["type"].([]any); many {
			t.Errorf("%s: %s has the type list %v", tool, path, s["type"])
		}
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			if prop, ok := p.(map[string]any); ok {
				check(tool, path+"."+name, prop)
			}
		}
		if items, ok := s["items"].(map[string]any); ok {
			check(tool, path+"[]", items)
		}
	}
	for _, st := range tools(nil) {
		tool, err := rawOutputSchema(st.Tool)
		if err != nil {
			t.Fatal(err)
		}
		if tool.RawOutputSchema == nil {
			continue
		}
		var s map[string]any
		if err := json.Unmarshal(tool.RawOutputSchema, &s); err != nil {
			t.Fatal(err)
		}
		check(tool.Name, "outputSchema", s)
	}
}
