package devsim

import (
	"slices"
	"strings"
)

// Snapshots of the IOS running configuration, and the contextual diff IOS
// prints between two configurations ("show archive config differences")
// and the commands that turn one into the other (a rollback).

// iosSnapshot is a running configuration as the simulator stores it: the
// hostname and the configuration sections in order.
type iosSnapshot struct {
	host     string
	order    []string
	sections map[string][]string
}

// iosTakeSnapshot copies the device's running configuration. Sections
// whose name starts with '_' are the simulator's own and not part of it.
func iosTakeSnapshot(d *simDevice) iosSnapshot {
	d.mu.Lock()
	defer d.mu.Unlock()
	snap := iosSnapshot{host: d.host, sections: map[string][]string{}}
	for _, name := range d.order {
		if !strings.HasPrefix(name, "_") {
			snap.order = append(snap.order, name)
			snap.sections[name] = slices.Clone(d.sections[name])
		}
	}
	return snap
}

// iosRestore makes a snapshot the device's running configuration:
// sections it lacks disappear, its own come back.
func iosRestore(d *simDevice, snap iosSnapshot) {
	d.mu.Lock()
	var order []string
	for _, name := range d.order {
		if strings.HasPrefix(name, "_") {
			order = append(order, name)
		} else {
			delete(d.sections, name)
		}
	}
	for _, name := range snap.order {
		order = append(order, name)
		d.sections[name] = slices.Clone(snap.sections[name])
	}
	d.order = order
	d.host = snap.host
	d.mu.Unlock()
	d.setFlag("modified", true)
}

// render returns the snapshot as "show running-config" prints it.
func (snap iosSnapshot) render() []string {
	d := newSimDevice(snap.host)
	for _, name := range snap.order {
		d.setSection(name, snap.sections[name])
	}
	return iosRunningConfig(d)
}

// iosBlock is a top-level configuration line and the lines below it.
type iosBlock struct {
	head string
	kids []string
}

// iosBlocks cuts a configuration into blocks, leaving out what IOS does
// not compare: comments, the header, "end", and banners (whose text the
// simulator derives from the hostname).
func iosBlocks(lines []string) []iosBlock {
	var out []iosBlock
	inBanner := false
	for _, l := range lines {
		switch {
		case inBanner:
			inBanner = l != "^C"
		case strings.HasPrefix(l, "banner "):
			inBanner = true
		case l == "" || l == "end" || strings.HasPrefix(l, "!") || l == "Building configuration..." ||
			strings.HasPrefix(l, "Current configuration :") || strings.HasPrefix(l, "Using "):
		case strings.HasPrefix(l, " "):
			if len(out) > 0 {
				out[len(out)-1].kids = append(out[len(out)-1].kids, l)
			}
		default:
			out = append(out, iosBlock{head: l})
		}
	}
	return out
}

func findBlock(blocks []iosBlock, head string) *iosBlock {
	for i := range blocks {
		if blocks[i].head == head {
			return &blocks[i]
		}
	}
	return nil
}

// signedKid marks a line below a block the way the contextual diff does:
// the sign goes after the indentation (" +ip address ...").
func signedKid(sign, kid string) string {
	text := strings.TrimLeft(kid, " ")
	return kid[:len(kid)-len(text)] + sign + text
}

// iosOneWay lists, with sign, what is in a and not in b: whole blocks,
// or lines below a block both have (the block's line then comes first,
// unsigned).
func iosOneWay(a, b []iosBlock, sign string) []string {
	var out []string
	for _, blk := range a {
		other := findBlock(b, blk.head)
		if other == nil {
			out = append(out, sign+blk.head)
			for _, k := range blk.kids {
				out = append(out, signedKid(sign, k))
			}
			continue
		}
		var extra []string
		for _, k := range blk.kids {
			if !slices.Contains(other.kids, k) {
				extra = append(extra, signedKid(sign, k))
			}
		}
		if len(extra) > 0 {
			out = append(append(out, blk.head), extra...)
		}
	}
	return out
}

// iosContextualDiff is "show archive config differences" from the first
// configuration to the second: what only the second has, with '+', then
// what only the first has, with '-'. The layout ("!Contextual Config
// Diffs:", then "+line", " +child", or "!No changes were found") is the
// one captured from IOS 15 routers in public lab notes and in NAPALM's
// IOS driver, which filters these very lines.
func iosContextualDiff(first, second []string) []string {
	a, b := iosBlocks(first), iosBlocks(second)
	out := []string{"!Contextual Config Diffs:"}
	body := append(iosOneWay(b, a, "+"), iosOneWay(a, b, "-")...)
	if len(body) == 0 {
		return append(out, "!No changes were found")
	}
	return append(out, body...)
}

// negate returns the command that removes a configuration line.
func negate(line string) string {
	text := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(text)]
	if rest, ok := strings.CutPrefix(text, "no "); ok {
		return indent + rest
	}
	return indent + "no " + text
}

// iosRollbackCommands lists the commands that turn the configuration cur
// into target: removals first, then additions, as IOS lists them for a
// rollback ("!List of Rollback Commands:").
func iosRollbackCommands(cur, target []string) []string {
	a, b := iosBlocks(cur), iosBlocks(target)
	var out []string
	for _, blk := range a {
		other := findBlock(b, blk.head)
		if other == nil {
			out = append(out, negate(blk.head))
			continue
		}
		var gone []string
		for _, k := range blk.kids {
			if !slices.Contains(other.kids, k) {
				gone = append(gone, negate(k))
			}
		}
		if len(gone) > 0 {
			out = append(append(out, blk.head), gone...)
		}
	}
	for _, blk := range b {
		other := findBlock(a, blk.head)
		var added []string
		for _, k := range blk.kids {
			if other == nil || !slices.Contains(other.kids, k) {
				added = append(added, k)
			}
		}
		if other == nil || len(added) > 0 {
			out = append(append(out, blk.head), added...)
		}
	}
	return out
}
