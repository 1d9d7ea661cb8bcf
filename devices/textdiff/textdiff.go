// Package textdiff makes the unified diff a person reads before approving
// a change to a file. Standard library only; safe for concurrent use.
package textdiff

import (
	"fmt"
	"strings"
)

// maxCells bounds the table that finds the common lines of the changed
// middle of two texts (4 bytes a cell); a larger middle is shown as
// removed whole and added whole.
const maxCells = 1 << 20

type op byte

const (
	same op = ' '
	del  op = '-'
	ins  op = '+'
)

type edit struct {
	op   op
	line string
}

// Unified is the unified diff of a and b (split at newlines), headed
// "--- nameA" and "+++ nameB", with ctx lines of context around each
// change; "" when they are equal. A missing newline at the end is marked
// as diff(1) does.
func Unified(nameA, nameB, a, b string, ctx int) string {
	if a == b {
		return ""
	}
	la, lb := lines(a), lines(b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", nameA, nameB)
	edits := diff(la, lb)
	for i := 0; i < len(edits); {
		// Find the next change and the run of changes it starts, joined
		// while no more than 2*ctx unchanged lines separate them.
		for i < len(edits) && edits[i].op == same {
			i++
		}
		if i == len(edits) {
			break
		}
		start := max(i-ctx, 0)
		end := i
		for end < len(edits) {
			if edits[end].op != same {
				end++
				continue
			}
			j := end
			for j < len(edits) && edits[j].op == same {
				j++
			}
			if j == len(edits) || j-end > 2*ctx {
				end = min(end+ctx, len(edits))
				break
			}
			end = j
		}
		hunk(&out, edits, start, end)
		i = end
	}
	return out.String()
}

// hunk writes edits[start:end] with its @@ header.
func hunk(out *strings.Builder, edits []edit, start, end int) {
	aLine, bLine := 1, 1
	for _, e := range edits[:start] {
		if e.op != ins {
			aLine++
		}
		if e.op != del {
			bLine++
		}
	}
	aN, bN := 0, 0
	for _, e := range edits[start:end] {
		if e.op != ins {
			aN++
		}
		if e.op != del {
			bN++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", rangeOf(aLine, aN), rangeOf(bLine, bN))
	for _, e := range edits[start:end] {
		line, noEOL := strings.CutSuffix(e.line, "\x00")
		out.WriteByte(byte(e.op))
		out.WriteString(line)
		out.WriteByte('\n')
		if noEOL {
			out.WriteString("\\ No newline at end of file\n")
		}
	}
}

func rangeOf(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start-1)
	}
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// lines splits s at newlines; a last line without one is marked with a
// trailing NUL, so that "x" and "x\n" differ.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	ls := strings.SplitAfter(s, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	for i, l := range ls {
		if t, ok := strings.CutSuffix(l, "\n"); ok {
			ls[i] = t
		} else {
			ls[i] = l + "\x00"
		}
	}
	return ls
}

// diff is a shortest edit script from a to b: common head and tail as
// they are, the middle by longest common subsequence when it is small
// enough.
func diff(a, b []string) []edit {
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	var out []edit
	for _, l := range a[:head] {
		out = append(out, edit{same, l})
	}
	out = append(out, middle(a[head:len(a)-tail], b[head:len(b)-tail])...)
	for _, l := range a[len(a)-tail:] {
		out = append(out, edit{same, l})
	}
	return out
}

func middle(a, b []string) []edit {
	n, m := len(a), len(b)
	if n*m > maxCells || n == 0 || m == 0 {
		out := make([]edit, 0, n+m)
		for _, l := range a {
			out = append(out, edit{del, l})
		}
		for _, l := range b {
			out = append(out, edit{ins, l})
		}
		return out
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:].
	w := m + 1
	lcs := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	out := make([]edit, 0, n+m)
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, edit{same, a[i]})
			i++
			j++
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, edit{del, a[i]})
			i++
		default:
			out = append(out, edit{ins, b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, edit{del, a[i]})
	}
	for ; j < m; j++ {
		out = append(out, edit{ins, b[j]})
	}
	return out
}
