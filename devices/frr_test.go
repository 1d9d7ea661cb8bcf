package devices

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// These tests drive a real FRRouting vtysh (devicetest.StartFRR): a router
// CLI this project did not write, behind a real OpenSSH sshd.

// frrHarness is a Manager whose ssh_config names one FRR router as alias
// "frr", logging in with the test bed's key.
type frrHarness struct {
	frr *devicetest.FRR
	m   *Manager
	req hosts.Request
}

// newFRRHarness starts a router and a Manager for it. profile names the
// profile to use ("" lets the Manager detect it); extra holds user
// profiles as YAML documents, by file name.
func newFRRHarness(t testing.TB, profile string, extra map[string]string) *frrHarness {
	t.Helper()
	return newFRRHarnessWith(t, devicetest.FRROptions{}, profile, extra)
}

// newFRRHarnessWith is newFRRHarness for a router started with opts.
func newFRRHarnessWith(t testing.TB, opts devicetest.FRROptions, profile string, extra map[string]string) *frrHarness {
	t.Helper()
	f := devicetest.StartFRR(t, opts)
	cfg := fmt.Sprintf("Host frr\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		f.Host, f.Port, f.User, f.ClientKey.Path, f.KnownHostsPath)
	var mopts ManagerOptions
	if len(extra) > 0 {
		dir := t.TempDir()
		for name, doc := range extra {
			writeFile(t, filepath.Join(dir, name), doc)
		}
		set, errs := profiles.Load(dir)
		if len(errs) > 0 {
			t.Fatalf("profiles.Load: %v", errs)
		}
		mopts.Profiles = set
	}
	m := newTestManager(t, cfg, nil, mopts)
	return &frrHarness{frr: f, m: m, req: hosts.Request{Host: "frr", Profile: profile}}
}

func (h *frrHarness) start(t testing.TB, cmd string) *Command {
	t.Helper()
	c, err := h.m.Start(t.Context(), h.req, "", cmd, RunOptions{})
	if err != nil {
		t.Fatalf("Start(%q): %v", cmd, err)
	}
	return c
}

func (h *frrHarness) run(t testing.TB, cmd string) (CommandInfo, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitBound)
	defer cancel()
	c, err := h.m.Start(ctx, h.req, "", cmd, RunOptions{})
	if err != nil {
		t.Fatalf("Start(%q): %v", cmd, err)
	}
	info := waitDone(t, c)
	return info, output(t, c)
}

// waitUntil polls c until cond holds or waitBound passes.
func waitUntil(t testing.TB, c *Command, what string, cond func(CommandInfo, string) bool) {
	t.Helper()
	deadline := time.Now().Add(waitBound)
	for {
		info, out := c.Info(), output(t, c)
		if cond(info, out) {
			return
		}
		if time.Now().After(deadline) || info.Status.Finished() {
			t.Fatalf("waiting for %s: status %s, partial line %q, output %q", what, info.Status, info.PartialLine, tail(out, 500))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Shows, errors and modes on the real CLI, with the built-in profile.
func TestFRRCommandsErrorsAndModes(t *testing.T) {
	t.Parallel()
	h := newFRRHarness(t, "frr", nil)
	info, out := h.run(t, "show version")
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "FRRouting 8.") || strings.Contains(out, "show version") || strings.Contains(out, h.frr.Hostname+"#") {
		t.Errorf("show version: want the version, without the echo or the prompt: %q", out)
	}
	if info.Mode != "enable" {
		t.Errorf("mode after login %q, want enable", info.Mode)
	}
	info, out = h.run(t, "show running-config")
	wantStatus(t, info, StatusCompleted, 0)
	if n := strings.Count(out, "\nip route "); n != h.frr.Routes || !strings.HasSuffix(out, "\nend\n") {
		t.Errorf("show running-config: %d routes of %d, ends %q", n, h.frr.Routes, tail(out, 200))
	}
	for _, tc := range []struct{ cmd, line string }{
		{"show foo", "% Unknown command: show foo"},
		{"show", "% Command incomplete: show"},
		{"show r", "% Ambiguous command: show r"},
		{"show ip ospf", "ospfd is not running"},
	} {
		info, out = h.run(t, tc.cmd)
		wantStatus(t, info, StatusFailed, 1)
		if info.ErrorLine != tc.line || strings.TrimSpace(out) != tc.line {
			t.Errorf("%s: error line %q, output %q; want %q", tc.cmd, info.ErrorLine, out, tc.line)
		}
	}
	info, _ = h.run(t, "configure terminal\ninterface lo")
	wantStatus(t, info, StatusCompleted, 0)
	if info.Mode != "configuration" {
		t.Errorf("mode after interface lo %q, want configuration", info.Mode)
	}
	info, out = h.run(t, "description set by a test")
	wantStatus(t, info, StatusCompleted, 0)
	info, _ = h.run(t, "end")
	if info.Mode != "enable" {
		t.Errorf("mode after end %q, want enable", info.Mode)
	}
	if got := h.frr.Vtysh(t, "show running-config"); !strings.Contains(got, "description set by a test") {
		t.Errorf("the description did not reach the router:\n%s", tail(got, 500))
	}
}

// "show ?" prints help: typed without a newline, it is not run as the
// incomplete "show", and the line vtysh types again is cleared.
func TestFRRHelp(t *testing.T) {
	t.Parallel()
	h := newFRRHarness(t, "frr", nil)
	info, out := h.run(t, "show ?")
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "  bgp ") || !strings.Contains(out, "  zebra ") || strings.Contains(out, "%") {
		t.Fatalf("show ?: error line %q, output %q; want the help list only", info.ErrorLine, out)
	}
	info, out = h.run(t, "show version")
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "FRRouting") || strings.Contains(out, "%") {
		t.Fatalf("the command after help: %q", tail(out, 300))
	}
}

// Ctrl+C during vtysh's ping ends the command as interrupted with the
// statistics ping prints after it. After 5 s, vtysh prints a STARVATION
// warning right after its prompt, on the prompt's line: that text belongs
// to the session, and must not keep the command running.
func TestFRRInterruptAndTextAfterPrompt(t *testing.T) {
	t.Parallel()
	h := newFRRHarness(t, "frr", nil)
	for _, hold := range []time.Duration{0, 6 * time.Second} {
		c := h.start(t, "ping 127.0.0.1")
		waitUntil(t, c, "ping's first reply", func(_ CommandInfo, out string) bool {
			return strings.Contains(out, "bytes from 127.0.0.1")
		})
		time.Sleep(hold)
		ictx, cancel := context.WithTimeout(t.Context(), waitBound)
		err := c.Interrupt(ictx)
		cancel()
		if err != nil {
			t.Fatalf("Interrupt after %v: %v", hold, err)
		}
		info := waitDone(t, c)
		out := output(t, c)
		if info.Status != StatusInterrupted || info.ExitCode != nil {
			t.Fatalf("ping interrupted after %v: status %s exit %v; want interrupted", hold, info.Status, info.ExitCode)
		}
		if !strings.Contains(out, "ping statistics") || strings.Contains(out, "STARVATION") || strings.Contains(out, h.frr.Hostname+"#") {
			t.Errorf("ping interrupted after %v: output %q; want the statistics, no prompt, no warning", hold, tail(out, 400))
		}
		info, out = h.run(t, "show version")
		wantStatus(t, info, StatusCompleted, 0)
		if !strings.Contains(out, "FRRouting") || strings.Contains(out, "STARVATION") {
			t.Fatalf("the command after the interrupt: %q", tail(out, 300))
		}
	}
}

// With a pager the profile does not know, vtysh's Ctrl+C redraws its
// prompt while less still owns the terminal. The command must not count
// as done then, and no command may be typed into less.
func TestFRRInterruptInsidePager(t *testing.T) {
	t.Parallel()
	builtin, err := os.ReadFile("../profiles/builtin/frr.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(builtin), "name: frr\n", "name: frr_nopager\n", 1)
	i, j := strings.Index(doc, "\npagers:\n"), strings.Index(doc, "\ninput_prompts:\n")
	doc = doc[:i] + doc[j:]
	h := newFRRHarness(t, "frr_nopager", map[string]string{"frr_nopager.yaml": doc})
	info, _ := h.run(t, "terminal paginate")
	wantStatus(t, info, StatusCompleted, 0)
	c := h.start(t, "show running-config")
	waitUntil(t, c, "less's prompt", func(i CommandInfo, _ string) bool {
		return i.Status == StatusAwaitingInput && strings.TrimSpace(i.PartialLine) == ":"
	})
	ictx, cancel := context.WithTimeout(t.Context(), waitBound)
	defer cancel()
	if err := c.Interrupt(ictx); err != nil {
		t.Fatalf("Interrupt: %v", err)
	}
	// vtysh drew its prompt; less repaints and waits again.
	time.Sleep(time.Second)
	if info := c.Info(); info.Status.Finished() {
		t.Fatalf("the command ended while less still owns the terminal: %s, output %q", info.Status, tail(output(t, c), 300))
	}
	if err := c.SendInput(ictx, "q"); err != nil {
		t.Fatalf("SendInput q: %v", err)
	}
	info = waitDone(t, c)
	if info.Status != StatusInterrupted {
		t.Errorf("status %s after Ctrl+C and q, want interrupted", info.Status)
	}
	info, out := h.run(t, "show version")
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "FRRouting") || strings.Contains(out, "ip route") {
		t.Fatalf("the command after the pager: %q", tail(out, 300))
	}
}

// A profile whose prompt never shows (junos named for a vtysh login) fails
// within the caller's bound, quoting the prompt that did come.
func TestFRRLoginPromptMismatch(t *testing.T) {
	t.Parallel()
	h := newFRRHarness(t, "junos", nil)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	_, err := h.m.Start(ctx, h.req, "", "show version", RunOptions{})
	var le *LoginError
	if !errors.As(err, &le) || le.Profile != "junos" || le.LastLine != h.frr.Hostname+"#" {
		t.Fatalf("Start with profile junos on vtysh: err %v; want a *LoginError quoting the last line %q", err, h.frr.Hostname+"#")
	}
}

// A login that pages a long notice through more(1) before vtysh starts:
// the profile's pager is answered while waiting for the first prompt, and
// the first command's output is exact.
func TestFRRLoginPager(t *testing.T) {
	t.Parallel()
	h := newFRRHarnessWith(t, devicetest.FRROptions{Routes: -1, PagedLogin: true}, "frr", nil)
	info, out := h.run(t, "show version")
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.HasPrefix(out, "FRRouting 8") || strings.Contains(out, "Notice line") || strings.Contains(out, "--More--") {
		t.Fatalf("first command after a paged login: %q", tail(out, 300))
	}
}
