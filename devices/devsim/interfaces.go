package devsim

import (
	"cmp"
	"strings"
)

// simIfType is one interface type of a simulated platform.
type simIfType struct {
	name     string // as the platform prints it: "GigabitEthernet"
	short    string // as its prompts show it, where they do: "Et", "vl-"
	physical bool   // ports that exist from the start; other types are created when configured
}

// simIfTypes are a platform's interface types, in the order an
// abbreviation is tried: "e1/1" is the first type whose name it begins.
type simIfTypes struct {
	types   []simIfType
	aliases map[string]string // other abbreviations the CLI takes ("ge" on VRP), lower case, to a type's name
	extra   string            // what a number may hold besides digits; "" means "/."
}

// expand turns "gi0/1", "Ethernet1" or "ethernet 1/1/5" into its type
// and number; ok is false when no type matches or the number is not one.
func (ts simIfTypes) expand(s string) (t simIfType, num string, ok bool) {
	s = strings.Join(strings.Fields(s), "")
	i := strings.IndexAny(s, "0123456789")
	if i <= 0 || strings.Trim(s[i:], "0123456789"+cmp.Or(ts.extra, "/.")) != "" {
		return simIfType{}, "", false
	}
	prefix := strings.ToLower(s[:i])
	if name, ok := ts.aliases[prefix]; ok {
		prefix = strings.ToLower(name)
	}
	for _, t := range ts.types {
		if strings.HasPrefix(strings.ToLower(t.name), prefix) {
			return t, s[i:], true
		}
	}
	return simIfType{}, "", false
}

// enter looks up the interface the command's first argument names and
// returns its configuration section. A port that does not exist is
// rejected with kind (ok false). Another interface that does not exist
// yet is created with lines when create is set, and left to the caller
// otherwise (a candidate that creates it on commit).
func (ts simIfTypes) enter(c *simCall, kind errKind, create bool, lines ...string) (section string, t simIfType, num string, ok bool) {
	t, num, ok = ts.expand(c.Args[0])
	section = "interface " + t.name + num
	if _, exists := c.device().section(section); ok && !exists {
		switch {
		case t.physical:
			ok = false
		case create:
			c.device().setSection(section, lines)
			c.device().setFlag("modified", true)
		}
	}
	if !ok {
		c.Reject(cmp.Or(strings.Fields(c.Args[0])...), kind)
	}
	return section, t, num, ok
}
