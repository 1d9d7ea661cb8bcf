//go:build !wip

package mcp

var e2eTags []string
