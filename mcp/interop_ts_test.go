package mcp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// tsClientDir holds the Node client and the pinned SDK version. Its
// package.json keeps @hono/node-server, an SDK dependency the client
// never loads, on 1.x: 2.x asks for Node 20, and Debian bookworm has 18.
const tsClientDir = "testdata/tsclient"

// TestInteropTSSDK drives the real binary with the official MCP
// TypeScript SDK, the client most agent hosts are built on, with its
// default settings: a 60 s request timeout that --max-wait (50 s by
// default) must beat, cancellation by AbortSignal, whose id the server
// must then leave unanswered, output schemas checked by ajv, and
// progress. The checks are in testdata/tsclient/client.mjs; this side
// prepares the host and the server's command line and asserts on the
// script's report.
func TestInteropTSSDK(t *testing.T) {
	node, err := exec.LookPath("node")
	devicetest.Require(t, err == nil, "node not found: install Node.js (apt-get install nodejs npm), then run npm ci in mcp/testdata/tsclient")
	requireSDK(t)

	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	home := t.TempDir()
	ctx := testContext(t, 3*time.Minute)
	srv := mcptest.Command(ctx, t, home, mcptest.Config{
		Hosts: []mcptest.Host{sshdHost("lab", sshd, sshd.User)},
		Args:  []string{"--log-level", "debug"},
		Race:  raceEnabled,
	})
	// The commands on the host touch these files; the directory is open
	// to the account sshd logs in as, which is not ours under root (and
	// t.TempDir's parent is closed to it).
	files, err := os.MkdirTemp("", "mcpssh-ts-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(files) })
	if err := os.Chmod(files, 0o1777); err != nil {
		t.Fatal(err)
	}
	longFile, cancelFile := filepath.Join(files, "long"), filepath.Join(files, "cancelled")

	env := map[string]string{}
	for _, kv := range srv.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cfg, _ := json.Marshal(map[string]any{
		"command": srv.Path, "args": srv.Args[1:], "env": env,
		"host": "lab", "longFile": longFile, "cancelFile": cancelFile,
	})
	// Node gets the server's environment, so that the SDK's inherited
	// defaults (HOME, PATH) are the ones mcptest chose.
	cmd := exec.CommandContext(ctx, node, "client.mjs")
	cmd.Dir = tsClientDir
	cmd.Env = append(srv.Env, "MCPSSH_TS_CONFIG="+string(cfg))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	runErr := cmd.Run()
	t.Logf("the TypeScript client ran %.1f s", time.Since(start).Seconds())
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("client and server stderr:\n%s\nserver log:\n%s", stderr.String(), readLog(home))
		}
	})

	var report struct {
		Checks []struct {
			Name   string
			OK     bool
			Detail any
		}
		Errors []string
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &report); err != nil || len(report.Checks) == 0 {
		t.Fatalf("the TypeScript client gave no report (%v, exit: %v):\n%s", err, runErr, stdout.String())
	}
	for _, c := range report.Checks {
		detail, _ := json.Marshal(c.Detail)
		if c.OK {
			t.Logf("ok   %s: %s", c.Name, detail)
		} else {
			t.Errorf("FAIL %s: %s", c.Name, detail)
		}
	}
	if runErr != nil && !t.Failed() {
		t.Errorf("the TypeScript client exited with %v although every check passed", runErr)
	}
	for _, f := range []string{longFile, cancelFile} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("the command did not run to its end on the host: %v", err)
		}
	}
	if log := readLog(home); !strings.Contains(log, "response dropped: the client cancelled the request") {
		t.Errorf("the server did not log that it dropped the cancelled request's response")
	}
}

// requireSDK skips (or fails, under MCPSSH_REQUIRE_ALL=1) unless the SDK
// version package.json pins is installed: a test that downloaded it
// would need the network, and a stale install would test another SDK.
func requireSDK(t *testing.T) {
	t.Helper()
	var want struct{ Dependencies map[string]string }
	var got struct{ Version string }
	b, err := os.ReadFile(filepath.Join(tsClientDir, "package.json"))
	if err == nil {
		err = json.Unmarshal(b, &want)
	}
	if err != nil {
		t.Fatalf("read %s/package.json: %v", tsClientDir, err)
	}
	b, err = os.ReadFile(filepath.Join(tsClientDir, "node_modules/@modelcontextprotocol/sdk/package.json"))
	if err == nil {
		err = json.Unmarshal(b, &got)
	}
	pinned := want.Dependencies["@modelcontextprotocol/sdk"]
	found := got.Version
	if err != nil {
		found = "none"
	}
	devicetest.Require(t, err == nil && got.Version == pinned,
		fmt.Sprintf("the TypeScript SDK %s is not installed (found %s): run npm ci in mcp/testdata/tsclient", pinned, found))
}
