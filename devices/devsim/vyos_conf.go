package devsim

import (
	"slices"
	"strings"
)

// The VyOS configuration model: a configuration is a list of paths (the
// words of a set command without "set"), kept as words joined by tabs so
// that a quoted value may hold blanks. vyosSchema says which paths exist;
// it also tells containers from tag nodes ("ethernet eth0") and leaves
// ("address 192.0.2.1/24"), which the brace rendering needs.

// vyosSchema lists every path the simulated router accepts. <tag> names a
// node ("eth0"), <value> a leaf's value, <values> a leaf that may hold
// several values.
var vyosSchema = [][]string{
	strings.Fields("interfaces ethernet <tag> address <values>"),
	strings.Fields("interfaces ethernet <tag> description <value>"),
	strings.Fields("interfaces ethernet <tag> hw-id <value>"),
	strings.Fields("interfaces ethernet <tag> mtu <value>"),
	strings.Fields("interfaces ethernet <tag> disable"),
	strings.Fields("interfaces loopback <tag> address <values>"),
	strings.Fields("protocols static route <tag> next-hop <tag>"),
	strings.Fields("service ssh port <value>"),
	strings.Fields("system host-name <value>"),
	strings.Fields("system name-server <values>"),
	strings.Fields("system ntp server <tag>"),
	strings.Fields("system time-zone <value>"),
}

// vyosWords splits a configuration path, taking a single- or
// double-quoted value as one word without its quotes.
func vyosWords(s string) []string {
	var words []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if q := s[0]; q == '\'' || q == '"' {
			end := strings.IndexByte(s[1:], q)
			if end < 0 {
				end = len(s) - 1
			}
			words = append(words, s[1:1+end])
			s = s[min(end+2, len(s)):]
			continue
		}
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			end = len(s)
		}
		words = append(words, s[:end])
		s = s[end:]
	}
	return words
}

// vyosSchemaFor returns the schema path that words follow, and whether
// words are the whole of it (a leaf), or only reach a node. nil when no
// path allows words.
func vyosSchemaFor(words []string) (path []string, whole bool) {
	for _, p := range vyosSchema {
		if len(words) > len(p) {
			continue
		}
		ok := true
		for i, w := range words {
			if !strings.HasPrefix(p[i], "<") && p[i] != w {
				ok = false
				break
			}
		}
		if ok {
			return p, len(words) == len(p)
		}
	}
	return nil, false
}

// vyosValid reports whether set may take words: a whole leaf path, or a
// node that ends at a tag (set interfaces loopback lo).
func vyosValid(words []string) bool {
	p, whole := vyosSchemaFor(words)
	return p != nil && len(words) > 0 && (whole || p[len(words)-1] == "<tag>")
}

// vyosAdd puts a path into a configuration: a leaf with one value
// replaces the old value, others are appended once.
func vyosAdd(conf []string, words []string) []string {
	p, _ := vyosSchemaFor(words)
	key := strings.Join(words, "\t")
	if p != nil && len(words) == len(p) && p[len(p)-1] == "<value>" {
		prefix := strings.Join(words[:len(words)-1], "\t") + "\t"
		conf = slices.DeleteFunc(conf, func(l string) bool { return strings.HasPrefix(l, prefix) })
	}
	if slices.Contains(conf, key) {
		return conf
	}
	// a node created alone is replaced by the paths below it
	conf = slices.DeleteFunc(conf, func(l string) bool { return strings.HasPrefix(key, l+"\t") })
	return append(conf, key)
}

// vyosRemove deletes a path and everything below it, reporting whether
// anything was there.
func vyosRemove(conf []string, words []string) ([]string, bool) {
	key := strings.Join(words, "\t")
	n := len(conf)
	conf = slices.DeleteFunc(conf, func(l string) bool { return l == key || strings.HasPrefix(l, key+"\t") })
	return conf, len(conf) < n
}

// vyosNode is one node of the rendered configuration tree.
type vyosNode struct {
	label    string
	leaf     bool
	children []*vyosNode
}

func (n *vyosNode) child(label string, leaf bool) *vyosNode {
	for _, c := range n.children {
		if c.label == label && c.leaf == leaf {
			return c
		}
	}
	c := &vyosNode{label: label, leaf: leaf}
	n.children = append(n.children, c)
	return c
}

// vyosTree builds the tree of a configuration: a word and the tag after
// it make one node, a word and its value one leaf.
func vyosTree(conf []string) *vyosNode {
	root := &vyosNode{}
	for _, l := range conf {
		words := strings.Split(l, "\t")
		p, _ := vyosSchemaFor(words)
		n := root
		for i := 0; i < len(words); i++ {
			switch {
			case i+1 < len(p) && p[i+1] == "<tag>" && i+1 < len(words):
				n = n.child(words[i]+" "+words[i+1], false)
				i++
			case i+1 < len(p) && strings.HasPrefix(p[i+1], "<value") && i+1 < len(words):
				value := words[i+1]
				if strings.ContainsAny(value, " \t") {
					value = `"` + value + `"`
				}
				n.child(words[i]+" "+value, true)
				i++
			case i == len(p)-1:
				n.child(words[i], true)
			default:
				n = n.child(words[i], false)
			}
		}
	}
	return root
}

// render prints the tree in braces, four blanks per level.
func (n *vyosNode) render(indent string, out []string) []string {
	for _, c := range n.children {
		if c.leaf {
			out = append(out, indent+c.label)
			continue
		}
		out = append(out, indent+c.label+" {")
		out = c.render(indent+"    ", out)
		out = append(out, indent+"}")
	}
	return out
}

// vyosSetCommands renders a configuration as set commands, the last word
// quoted as VyOS shows it.
func vyosSetCommands(conf []string) []string {
	out := make([]string, 0, len(conf))
	for _, l := range conf {
		words := strings.Split(l, "\t")
		last := len(words) - 1
		words[last] = "'" + words[last] + "'"
		out = append(out, "set "+strings.Join(words, " "))
	}
	return out
}
