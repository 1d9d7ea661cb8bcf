//go:build wip

package bench

var buildTags = []string{"-tags", "wip"}
