package devsim

import (
	"slices"
	"strings"
)

// The Junos configuration model: a tree of statements built from "set"
// lines with the help of a small schema, rendered with braces, compared
// as "show | compare" does, and checked before commit.

// confKind says how a configuration word opens a level of the tree.
type confKind int

const (
	confLeaf      confKind = iota // the rest of the statement is one leaf
	confContainer                 // the word alone is a level ("system")
	confNamed                     // the word and the next one are a level ("unit 0")
	confNames                     // a level whose children are bare names ("interfaces")
)

// junosSchema knows the levels of the hierarchy the simulator uses; any
// other word starts a leaf statement.
var junosSchema = map[string]confKind{
	"system": confContainer, "services": confContainer, "ssh": confContainer, "netconf": confContainer,
	"login": confContainer, "syslog": confContainer, "root-authentication": confContainer,
	"user": confNamed, "file": confNamed,
	"interfaces": confNames, "unit": confNamed, "family": confNamed, "address": confNamed,
	"protocols": confContainer, "bgp": confContainer, "ospf": confContainer, "lldp": confContainer,
	"group": confNamed, "neighbor": confNamed, "area": confNamed, "interface": confNamed,
	"routing-options": confContainer, "static": confContainer, "route": confNamed,
	"policy-options": confContainer, "policy-statement": confNamed, "term": confNamed,
	"from": confContainer, "then": confContainer, "snmp": confContainer, "community": confNamed,
	"chassis": confContainer,
}

// junosTopWords are the words a statement may start with at the top level.
var junosTopWords = []string{"chassis", "interfaces", "policy-options", "protocols", "routing-options", "snmp", "system", "version"}

// confNode is one statement: a container with children, or a leaf.
type confNode struct {
	name string // "system", "unit 0", "host-name vmx1"
	leaf bool
	kids []*confNode
}

func (n *confNode) find(name string) *confNode {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// leafKey is what makes two leaves the same statement: its first word.
func leafKey(stmt string) string {
	key, _, _ := strings.Cut(stmt, " ")
	return key
}

// confLevels splits statement words into levels below a parent path and
// a trailing leaf. bad is the first word that cannot start a statement.
func confLevels(parent []string, words []string) (levels []string, leaf, bad string) {
	names := len(parent) > 0 && junosSchema[parent[len(parent)-1]] == confNames
	for i := 0; i < len(words); i++ {
		w := words[i]
		if i == 0 && len(parent) == 0 && !slices.Contains(junosTopWords, w) {
			return nil, "", w
		}
		if names {
			levels = append(levels, w)
			names = false
			continue
		}
		switch junosSchema[w] {
		case confContainer:
			levels = append(levels, w)
		case confNames:
			levels = append(levels, w)
			names = true
		case confNamed:
			if i+1 == len(words) {
				return nil, "", w
			}
			levels = append(levels, w+" "+words[i+1])
			i++
		default:
			return levels, strings.Join(words[i:], " "), ""
		}
	}
	return levels, "", ""
}

// set adds a statement below path, replacing a leaf with the same key.
func (n *confNode) set(path []string, leaf string) {
	for _, name := range path {
		k := n.find(name)
		if k == nil {
			k = &confNode{name: name}
			n.kids = append(n.kids, k)
		}
		n = k
	}
	if leaf == "" {
		return
	}
	key := leafKey(leaf)
	for i, k := range n.kids {
		if k.leaf && leafKey(k.name) == key {
			n.kids[i] = &confNode{name: leaf, leaf: true}
			return
		}
	}
	n.kids = append(n.kids, &confNode{name: leaf, leaf: true})
}

// remove deletes the statement at path (a leaf when leaf is set) and
// reports whether it existed.
func (n *confNode) remove(path []string, leaf string) bool {
	for i, name := range path {
		k := n.find(name)
		if k == nil {
			return false
		}
		if i == len(path)-1 && leaf == "" {
			n.kids = slices.DeleteFunc(n.kids, func(c *confNode) bool { return c == k })
			return true
		}
		n = k
	}
	key := leafKey(leaf)
	before := len(n.kids)
	n.kids = slices.DeleteFunc(n.kids, func(c *confNode) bool { return c.leaf && leafKey(c.name) == key })
	return len(n.kids) < before
}

// lookup returns the node at path, or nil.
func (n *confNode) lookup(path []string) *confNode {
	for _, name := range path {
		if n = n.find(name); n == nil {
			return nil
		}
	}
	return n
}

// render appends the brace form of n's children at the given indent.
func (n *confNode) render(indent string, out []string) []string {
	for _, k := range n.kids {
		if k.leaf || len(k.kids) == 0 {
			out = append(out, indent+k.name+";")
			continue
		}
		out = append(out, indent+k.name+" {")
		out = k.render(indent+"    ", out)
		out = append(out, indent+"}")
	}
	return out
}

// setLines flattens the tree to "set" statements.
func (n *confNode) setLines(prefix string, out []string) []string {
	for _, k := range n.kids {
		stmt := strings.TrimSpace(prefix + " " + k.name)
		if k.leaf || len(k.kids) == 0 {
			out = append(out, "set "+stmt)
			continue
		}
		out = k.setLines(stmt, out)
	}
	return out
}

// parseSetLines builds a tree from "set" statements.
func parseSetLines(lines []string) *confNode {
	root := &confNode{}
	for _, l := range lines {
		words := tokenizeWords(strings.TrimPrefix(l, "set "))
		levels, leaf, _ := confLevels(nil, words)
		root.set(levels, leaf)
	}
	return root
}

func tokenizeWords(s string) []string {
	var words []string
	for _, t := range tokenize(s) {
		words = append(words, t.text)
	}
	return words
}

// diff appends "show | compare" output for the change from old to cur.
func confDiff(old, cur *confNode, path []string, out []string) []string {
	var minus, plus []*confNode
	for _, k := range old.kids {
		if cur.find(k.name) == nil {
			minus = append(minus, k)
		}
	}
	for _, k := range cur.kids {
		if old.find(k.name) == nil {
			plus = append(plus, k)
		}
	}
	if len(minus)+len(plus) > 0 {
		out = append(out, "[edit"+strings.TrimRight(" "+strings.Join(path, " "), " ")+"]")
		out = signed(out, "-", minus)
		out = signed(out, "+", plus)
	}
	for _, k := range cur.kids {
		if o := old.find(k.name); o != nil && !k.leaf && !o.leaf {
			out = confDiff(o, k, append(slices.Clip(path), k.name), out)
		}
	}
	return out
}

func signed(out []string, sign string, nodes []*confNode) []string {
	for _, l := range (&confNode{kids: nodes}).render("", nil) {
		out = append(out, sign+"  "+l)
	}
	return out
}

// confCheck validates a candidate the way commit does and returns the
// error lines (empty when it is valid). The rule the simulator knows:
// every BGP neighbor needs a peer-as, on the neighbor or its group.
func confCheck(root *confNode) []string {
	var errs []string
	bgp := root.lookup([]string{"protocols", "bgp"})
	if bgp == nil {
		return nil
	}
	for _, g := range bgp.kids {
		if !strings.HasPrefix(g.name, "group ") || hasLeaf(g, "peer-as") {
			continue
		}
		for _, nb := range g.kids {
			if strings.HasPrefix(nb.name, "neighbor ") && !hasLeaf(nb, "peer-as") {
				errs = append(errs, "[edit protocols bgp "+g.name+"]", "  '"+nb.name+"'",
					"    Missing mandatory statement: 'peer-as'")
			}
		}
	}
	return errs
}

func hasLeaf(n *confNode, key string) bool {
	for _, k := range n.kids {
		if k.leaf && leafKey(k.name) == key {
			return true
		}
	}
	return false
}

// leafValue returns the value of a leaf at path ("" when absent).
func (n *confNode) leafValue(path []string, key string) string {
	c := n.lookup(path)
	if c == nil {
		return ""
	}
	for _, k := range c.kids {
		if k.leaf && leafKey(k.name) == key {
			_, v, _ := strings.Cut(k.name, " ")
			return v
		}
	}
	return ""
}
