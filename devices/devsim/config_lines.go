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

// storeLine records the typed statement in the section being edited.
func storeLine(c *simCall) error {
	applyLine(c.device(), editedSection(c), strings.Join(strings.Fields(c.Line), " "))
	return nil
}

// negateLine removes the statements a "no" line negates.
func negateLine(c *simCall) error {
	applyLine(c.device(), editedSection(c), "no "+strings.Join(strings.Fields(c.Args[0]), " "))
	return nil
}

// applyLine changes a section of d by one statement. A statement with the
// same leading words as an old one replaces it, except static routes;
// "no X" removes the statements that start with X.
func applyLine(d *simDevice, section, line string) {
	lines, _ := d.section(section)
	kept := lines[:0]
	if rest, ok := strings.CutPrefix(line, "no "); ok {
		for _, l := range lines {
			if !strings.HasPrefix(l, rest) {
				kept = append(kept, l)
			}
		}
		d.setSection(section, kept)
		d.setFlag("modified", true)
		return
	}
	key := statementKey(line)
	for _, l := range lines {
		if key == "" || (statementKey(l) != key && statementKey(strings.TrimPrefix(l, "no ")) != key) {
			kept = append(kept, l)
		}
	}
	d.setSection(section, append(kept, line))
	d.setFlag("modified", true)
}

// statementKey is what identifies a single-valued statement; "" for
// routes, which may repeat.
func statementKey(line string) string {
	f := strings.Fields(line)
	switch {
	case len(f) == 0, len(f) > 1 && f[0] == "ip" && f[1] == "route":
		return ""
	case len(f) > 1 && (f[0] == "ip" || f[0] == "ipv4"):
		return f[0] + " " + f[1]
	}
	return f[0]
}
