package devices

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// vtyshProfile is a user profile for FRRouting's vtysh whose preparation
// includes "terminal width 511", which vtysh does not know. Saved as
// frr.yaml, it replaces the built-in frr profile.
const vtyshProfile = `description: FRRouting vtysh, as a user would write it
completion: prompt
term: vt100
width: 511
login_patterns:
  - name: greeting
    regex: '^Hello, this is FRRouting \(version \S+\)'
    tests:
      match: ["Hello, this is FRRouting (version 8.4.4)."]
      no_match: ["  Hello, this is FRRouting quoted"]
on_open:
  - send: "terminal length 0\n"
    timeout: 15s
    expect: [{prompt: enable}]
  - send: "terminal width 511\n"
    timeout: 15s
    expect: [{prompt: enable}]
modes:
  - name: enable
    privileged: true
    prompt:
      regex: '^(?P<host>[\w.\-]{1,63})# $'
      tests:
        match: ["frr1# "]
        no_match: ["frr1(config)# "]
  - name: configuration
    privileged: true
    prompt:
      regex: '^(?P<host>[\w.\-]{1,63})\([\w.\-]{1,32}\)# $'
      tests:
        match: ["frr1(config)# ", "frr1(config-router-af)# "]
        no_match: ["frr1# "]
errors:
  - name: unknown
    regex: '^% (?:Unknown command|Command incomplete)'
    tests:
      match: ["% Unknown command: terminal width 511"]
      no_match: ["Hello % Unknown command"]
`

// TestFRRDetectedFromLogin: a real vtysh behind Debian's OpenSSH, with no
// profile named, is recognized by its greeting before anything is typed;
// the preparation step vtysh rejects is reported once; the first command's
// output is exact.
func TestFRRDetectedFromLogin(t *testing.T) {
	t.Parallel()
	f := devicetest.StartFRR(t, devicetest.FRROptions{Routes: -1})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "frr.yaml"), []byte(vtyshProfile), 0o600); err != nil {
		t.Fatal(err)
	}
	set, errs := profiles.Load(dir)
	if len(errs) > 0 {
		t.Fatalf("profiles.Load: %v", errs)
	}
	cfg := fmt.Sprintf("Host frr\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		f.Host, f.Port, f.User, f.ClientKey.Path, f.KnownHostsPath)
	log := &tailBuffer{max: 1 << 20}
	m := newTestManager(t, cfg, nil, ManagerOptions{Profiles: set, WireLog: log, Logger: slog.New(slog.NewTextHandler(log, nil))})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log and wire log:\n%s", tail(log.String(), 8<<10))
		}
	})
	h := &deviceHarness{m: m, req: hosts.Request{Host: "frr"}}
	c, err := h.startWithin(t, 20*time.Second, "show version")
	if err != nil {
		t.Fatalf("Start(show version): %v", err)
	}
	info := waitDone(t, c)
	out := output(t, c)
	if info.Profile != "frr" || info.Status != StatusCompleted || !strings.HasPrefix(out, "FRRouting 8") ||
		strings.Contains(out, "show version") || strings.Contains(out, f.Hostname+"#") {
		t.Errorf("profile %q status %s output %q; want frr (the user's), completed, the version without echo or prompt", info.Profile, info.Status, tail(out, 300))
	}
	checkNothingTypedBefore(t, log.String(), "profile detected", f.Hostname+"# ")
	want := []string{`on_open step 2 "terminal width 511" failed: % Unknown command: terminal width 511`}
	if !slices.Equal(info.Warnings, want) {
		t.Errorf("first result: warnings %q; want %q", info.Warnings, want)
	}
	info, _ = h.run(t, "show version", RunOptions{})
	if len(info.Warnings) != 0 {
		t.Errorf("second result: warnings %q; want none", info.Warnings)
	}
	if ss := m.Sessions(); len(ss) != 1 || !slices.Equal(ss[0].Warnings, want) {
		t.Errorf("Sessions() = %+v; want the warning listed", ss)
	}
}

// With no profile named and only the built-in profiles, a vtysh login is
// detected as frr from its greeting, and nothing is typed into it before
// that decision; the built-in preparation is accepted without warnings.
func TestFRRBuiltinDetected(t *testing.T) {
	t.Parallel()
	f := devicetest.StartFRR(t, devicetest.FRROptions{Routes: -1})
	cfg := fmt.Sprintf("Host frr\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		f.Host, f.Port, f.User, f.ClientKey.Path, f.KnownHostsPath)
	log := &tailBuffer{max: 1 << 20}
	m := newTestManager(t, cfg, nil, ManagerOptions{WireLog: log, Logger: slog.New(slog.NewTextHandler(log, nil))})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log and wire log:\n%s", tail(log.String(), 8<<10))
		}
	})
	h := &deviceHarness{m: m, req: hosts.Request{Host: "frr"}}
	c, err := h.startWithin(t, 20*time.Second, "show foo")
	if err != nil {
		t.Fatalf("Start(show foo): %v", err)
	}
	info := waitDone(t, c)
	if info.Profile != "frr" || info.Status != StatusFailed || info.ErrorLine != "% Unknown command: show foo" || len(info.Warnings) != 0 {
		t.Errorf("profile %q status %s error line %q warnings %q; want frr, failed on %% Unknown command, no warnings",
			info.Profile, info.Status, info.ErrorLine, info.Warnings)
	}
	checkNothingTypedBefore(t, log.String(), "profile detected", f.Hostname+"# ")
}
