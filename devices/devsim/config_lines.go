package devsim

import "strings"

// Configuration statements kept as lines per section ("global",
// "interface Ethernet1"), for the platforms whose configuration is a
// list of IOS-like statements (EOS, NX-OS). The section a sub-mode edits
// is the first element of the session's context.

// editedSection is the configuration section the mode edits.
func editedSection(c *simCall) string {
	if ctx := c.Context(); len(ctx) > 0 {
		return ctx[0]
	}
	return "global"
}

// storeLine records the typed statement in the section being edited;
// one with the same leading words replaces the old one, except static
// routes.
func storeLine(c *simCall) error {
	line := strings.Join(strings.Fields(c.Line), " ")
	section := editedSection(c)
	lines, _ := c.device().section(section)
	key := statementKey(line)
	kept := lines[:0]
	for _, l := range lines {
		if key == "" || (statementKey(l) != key && statementKey(strings.TrimPrefix(l, "no ")) != key) {
			kept = append(kept, l)
		}
	}
	c.device().setSection(section, append(kept, line))
	c.device().setFlag("modified", true)
	return nil
}

// statementKey is what identifies a single-valued statement; "" for routes,
// which may repeat.
func statementKey(line string) string {
	f := strings.Fields(line)
	switch {
	case len(f) == 0, len(f) > 1 && f[0] == "ip" && f[1] == "route":
		return ""
	case len(f) > 1 && f[0] == "ip":
		return f[0] + " " + f[1]
	}
	return f[0]
}

// negateLine removes the statements a "no" line negates.
func negateLine(c *simCall) error {
	rest := strings.Join(strings.Fields(c.Args[0]), " ")
	section := editedSection(c)
	lines, _ := c.device().section(section)
	kept := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(l, rest) {
			kept = append(kept, l)
		}
	}
	c.device().setSection(section, kept)
	c.device().setFlag("modified", true)
	return nil
}
