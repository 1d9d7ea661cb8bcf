package profiles

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder walks a YAML node tree by hand instead of unmarshaling into
// structs, so that every problem carries its line and field path, unknown
// keys are errors, and one bad field does not hide the next one.
type decoder struct {
	file  string
	errs  []error
	tests []PatternTest // samples of every pattern decoded so far
	// broken holds modes that failed to decode, so that references to
	// them are not reported a second time.
	broken map[string]bool
}

func (d *decoder) fail(n *yaml.Node, field, msg, hint string) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &LoadError{File: d.file, Line: line, Field: field, Msg: msg, Hint: hint})
}

// join builds a field path: join("modes[1]", "prompt") is "modes[1].prompt".
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// resolve follows YAML aliases (*name) to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "a document"
}

// fields checks that n is a mapping whose keys are all in known, and
// returns its values by key. It returns nil after reporting a problem with
// n itself; unknown and repeated keys are reported and left out.
func (d *decoder) fields(n *yaml.Node, path string, known ...string) map[string]*yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping, found "+kindName(n), "write key: value lines indented under the field")
		return nil
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		switch {
		case !contains(known, key):
			d.fail(k, join(path, key), "unknown field", suggest(key, known))
		case out[key] != nil:
			d.fail(k, join(path, key), "field given twice", "keep one of them")
		default:
			out[key] = resolve(v)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest names the likely intended key, or else all known keys.
func suggest(key string, known []string) string {
	norm := func(s string) string { return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(s)) }
	best, bestDist := "", 3 // more than two edits away is not a typo
	for _, k := range known {
		if d := editDistance(norm(key), norm(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "known fields here: " + strings.Join(known, ", ")
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// list returns the items of a sequence node; a missing node is an empty list.
func (d *decoder) list(n *yaml.Node, path string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "expected a list, found "+kindName(n), "write one item per line starting with \"- \"")
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = resolve(c)
	}
	return out
}

// str returns a scalar's text. Any scalar is accepted so that a reply such
// as `yes` or a width typed as text does not need quoting.
func (d *decoder) str(n *yaml.Node, path string) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.fail(n, path, "expected text, found "+kindName(n), "quote the value")
		return "", false
	}
	return n.Value, true
}

// texts returns a list of scalars.
func (d *decoder) texts(n *yaml.Node, path string) []string {
	var out []string
	for i, c := range d.list(n, path) {
		if s, ok := d.str(c, index(path, i)); ok {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) integer(n *yaml.Node, path string, lo, hi int) (int, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		d.fail(n, path, fmt.Sprintf("%q is not a whole number from %d to %d", s, lo, hi), "")
		return 0, false
	}
	return v, true
}

func (d *decoder) boolean(n *yaml.Node, path string) bool {
	s, ok := d.str(n, path)
	if !ok {
		return false
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	d.fail(n, path, fmt.Sprintf("%q is not true or false", s), "write true or false")
	return false
}

func (d *decoder) duration(n *yaml.Node, path string) time.Duration {
	s, ok := d.str(n, path)
	if !ok {
		return 0
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		d.fail(n, path, fmt.Sprintf("%q is not a positive duration", s), `write a number with a unit, such as "10s" or "1m30s"`)
		return 0
	}
	return v
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// syntaxError turns a YAML parser error into a LoadError with its line.
func (d *decoder) syntaxError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(strings.Replace(msg, m[0]+":", "", 1))
	}
	d.errs = append(d.errs, &LoadError{File: d.file, Line: line, Msg: "not valid YAML: " + msg,
		Hint: "check the indentation (spaces, never tabs) and quote values that contain : # { } [ ] or start with a special character"})
}
