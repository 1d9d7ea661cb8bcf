package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

func TestVersionAndHelp(t *testing.T) {
	code, out, _ := runArgs(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "mcp-ssh-session ") {
		t.Fatalf("--version: code %d, out %q", code, out)
	}
	code, out, _ = runArgs(t, "--help")
	if code != 0 || !strings.Contains(out, "Subcommands:") {
		t.Fatalf("--help: code %d, out %q", code, out)
	}
}

func TestUnknownSubcommand(t *testing.T) {
	code, _, errOut := runArgs(t, "frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown subcommand "frobnicate"`) {
		t.Fatalf("got code %d, stderr %q", code, errOut)
	}
}
