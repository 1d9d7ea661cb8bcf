package devsim

import "strings"

// Output filters shared by the IOS-like platforms: each makes, from the
// pipe's argument, a function that reports whether to keep a line.

func includeFilter(arg string) func(string) bool {
	return func(line string) bool { return strings.Contains(line, arg) }
}

func excludeFilter(arg string) func(string) bool {
	return func(line string) bool { return !strings.Contains(line, arg) }
}

// beginFilter keeps everything from the first line that contains arg.
func beginFilter(arg string) func(string) bool {
	started := false
	return func(line string) bool {
		started = started || strings.Contains(line, arg)
		return started
	}
}

// sectionFilter keeps a top-level line that contains arg and the
// indented lines below it.
func sectionFilter(arg string) func(string) bool {
	in := false
	return func(line string) bool {
		if !strings.HasPrefix(line, " ") {
			in = strings.Contains(line, arg)
		}
		return in
	}
}

// ciscoFilters are the filters of "show ... | include x" and its kin.
func ciscoFilters() map[string]func(arg string) func(line string) bool {
	return map[string]func(arg string) func(line string) bool{
		"include": includeFilter,
		"exclude": excludeFilter,
		"begin":   beginFilter,
		"section": sectionFilter,
	}
}
