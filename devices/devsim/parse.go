package devsim

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// cmdNode is one word in a mode's command tree. Commands share their
// leading words, so "show version" and "show running-config" hang below
// one "show" node and abbreviations are resolved among siblings, as IOS
// and Junos do.
type cmdNode struct {
	word     string // literal word, or a parameter like "<word>"
	help     string
	children []*cmdNode
	cmd      *simCommand
}

// token is one word of a typed line and where it starts.
type token struct {
	text string
	pos  int
}

// parsed is the result of matching a typed line against a mode's tree.
type parsed struct {
	cmd  *simCommand
	args []string // parameter values, in order
	// Error, when kind is set (ok is false): which word and where.
	ok      bool
	kind    errKind
	pos     int    // byte offset of the offending word in the line
	upto    string // the line up to and including the offending word
	word    string
	alone   bool       // the offending word is the only one on the line
	choices []*cmdNode // candidates of an ambiguous word
}

// buildTree makes the command tree of one mode. A command's help goes to
// its last word; other words take theirs from wordHelp.
func buildTree(cmds []simCommand, mode string, wordHelp map[string]string) *cmdNode {
	root := &cmdNode{}
	for i := range cmds {
		c := &cmds[i]
		if !contains(c.Modes, mode) {
			continue
		}
		n := root
		words := strings.Fields(c.Syntax)
		for j, w := range words {
			if opt, ok := strings.CutPrefix(w, "["); ok {
				n.cmd = c // the command is complete without the optional part
				w = strings.TrimSuffix(opt, "]")
			}
			help := wordHelp[w]
			if j == len(words)-1 && c.Help != "" {
				help = c.Help
			}
			n = n.child(w, help)
		}
		n.cmd = c
	}
	return root
}

func (n *cmdNode) child(word, help string) *cmdNode {
	for _, ch := range n.children {
		if ch.word == word {
			if ch.help == "" {
				ch.help = help
			}
			return ch
		}
	}
	ch := &cmdNode{word: word, help: help}
	n.children = append(n.children, ch)
	return ch
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// tokenize splits a line into words; a double-quoted string is one word
// (quotes kept, as devices store them).
func tokenize(line string) []token {
	var toks []token
	i := 0
	for i < len(line) {
		if line[i] == ' ' || line[i] == '\t' {
			i++
			continue
		}
		start := i
		quoted := false
		for i < len(line) && (quoted || (line[i] != ' ' && line[i] != '\t')) {
			if line[i] == '"' {
				quoted = !quoted
			}
			i++
		}
		toks = append(toks, token{text: line[start:i], pos: start})
	}
	return toks
}

// match resolves a typed line (without pipes) in a tree.
func match(root *cmdNode, line string, foldCase bool) parsed {
	toks := tokenize(line)
	n := root
	var args []string
	for i, t := range toks {
		fail := func(kind errKind) parsed {
			return parsed{kind: kind, pos: t.pos, upto: line[:t.pos+len(t.text)], word: t.text, alone: len(toks) == 1}
		}
		lits, params := n.candidates(t.text, foldCase)
		switch {
		case len(lits) == 1:
			n = lits[0]
			continue
		case len(lits) > 1:
			p := fail(kindAmbiguous)
			p.choices = lits
			return p
		}
		var rejected bool
		var next *cmdNode
		for _, p := range params {
			if p.word == "<line>" {
				return finish(p, append(args, line[t.pos:]))
			}
			if acceptParam(p.word, t.text) {
				next = p
				break
			}
			rejected = true
		}
		if next == nil {
			switch {
			case rejected:
				return fail(kindBadValue)
			case i == 0:
				return fail(kindUnknown)
			default:
				return fail(kindInvalid)
			}
		}
		n = next
		args = append(args, t.text)
	}
	if n == root {
		return parsed{ok: true} // an empty line
	}
	res := finish(n, args)
	if !res.ok {
		// the caret goes where the missing word would start
		res.pos = len(strings.TrimRight(line, " \t")) + 1
		res.upto = line
	}
	return res
}

func finish(n *cmdNode, args []string) parsed {
	if n.cmd == nil {
		return parsed{kind: kindIncomplete}
	}
	return parsed{ok: true, cmd: n.cmd, args: args}
}

// candidates returns the literal children a word abbreviates (an exact
// match wins alone) and the parameter children.
func (n *cmdNode) candidates(word string, foldCase bool) (lits, params []*cmdNode) {
	cmp := word
	if foldCase {
		cmp = strings.ToLower(word)
	}
	for _, ch := range n.children {
		if strings.HasPrefix(ch.word, "<") {
			params = append(params, ch)
			continue
		}
		w := ch.word
		if foldCase {
			w = strings.ToLower(w)
		}
		if w == cmp {
			return []*cmdNode{ch}, nil
		}
		if strings.HasPrefix(w, cmp) {
			lits = append(lits, ch)
		}
	}
	return lits, params
}

// acceptParam reports whether a parameter spec accepts a word.
func acceptParam(spec, word string) bool {
	switch spec {
	case "<word>":
		return true
	case "<ip>":
		a, err := netip.ParseAddr(word)
		return err == nil && a.Is4()
	case "<hh:mm:ss>":
		var h, m, s int
		n, err := fmt.Sscanf(word, "%2d:%2d:%2d", &h, &m, &s)
		return err == nil && n == 3 && len(word) == 8 && h >= 0 && m >= 0 && m < 60 && s >= 0 && s < 60
	}
	var lo, hi int
	if _, err := fmt.Sscanf(spec, "<%d-%d>", &lo, &hi); err == nil {
		v, err := strconv.Atoi(word)
		return err == nil && v >= lo && v <= hi
	}
	return false
}

// completionList renders candidates as a device's help listing.
func completionList(nodes []*cmdNode) string {
	var b strings.Builder
	b.WriteString("Possible completions:")
	for _, n := range nodes {
		fmt.Fprintf(&b, "\n  %-20s %s", n.word, n.help)
	}
	return b.String()
}

// helpCandidates returns what may come next after a partly typed line:
// the words the last one abbreviates, or all words after a space.
func helpCandidates(root *cmdNode, line string, foldCase bool) []*cmdNode {
	toks := tokenize(line)
	partial := ""
	if len(toks) > 0 && !strings.HasSuffix(line, " ") {
		partial = toks[len(toks)-1].text
		toks = toks[:len(toks)-1]
	}
	n := root
	for _, t := range toks {
		lits, params := n.candidates(t.text, foldCase)
		switch {
		case len(lits) == 1:
			n = lits[0]
		case len(lits) == 0 && len(params) > 0:
			n = params[0]
		default:
			return nil
		}
		if n.word == "<line>" {
			return nil
		}
	}
	var out []*cmdNode
	for _, ch := range n.children {
		w, p := ch.word, partial
		if foldCase {
			w, p = strings.ToLower(w), strings.ToLower(p)
		}
		if strings.HasPrefix(w, p) || (partial != "" && strings.HasPrefix(ch.word, "<")) {
			out = append(out, ch)
		}
	}
	return out
}
