package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// labProfile is a user profile for a simulated IOS that greets with a
// banner of its own, and whose preparation has a step the device rejects.
const labProfile = `description: a lab router CLI that greets with "Hello, this is LabOS"
completion: prompt
term: vt100
width: 511
login_patterns:
  - name: greeting
    regex: '^Hello, this is LabOS'
    tests:
      match: ["Hello, this is LabOS (version 1.0)."]
      no_match: ["  Hello, this is LabOS quoted"]
on_open:
  - send: "terminal length 0\n"
    timeout: 15s
    expect: [{prompt: exec}, {prompt: privileged}]
  - send: "terminal bogus 511\n"
    timeout: 15s
    expect: [{prompt: exec}, {prompt: privileged}]
modes:
  - name: exec
    prompt:
      regex: '^(?P<host>[\w.\-]{1,63})>\s*$'
  - name: privileged
    privileged: true
    prompt:
      regex: '^(?P<host>[\w.\-]{1,63})#\s*$'
errors:
  - name: invalid_input
    regex: '^\s*% Invalid input detected'
    tests:
      match: ["% Invalid input detected at '^' marker."]
      no_match: [" description % Invalid input detected"]
`

// labGreeting is the simulated device's banner that labProfile claims.
const labGreeting = "Hello, this is LabOS (version 1.0).\nCopyright the lab."

// debianVersion is an SSH identification the linux profile claims.
const debianVersion = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"

// newLabHarness is newDeviceHarness with the builtin profiles and
// labProfile (as zz_lab_ios, so that it is not first by name), and logs
// and wire log written in order into one buffer.
func newLabHarness(t testing.TB, opts devsim.Options, profile string) (*deviceHarness, *tailBuffer) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "zz_lab_ios.yaml"), []byte(labProfile), 0o600); err != nil {
		t.Fatal(err)
	}
	set, errs := profiles.Load(dir)
	if len(errs) > 0 {
		t.Fatalf("profiles.Load: %v", errs)
	}
	d := devicetest.StartDevice(t, opts)
	cfg := fmt.Sprintf("Host dev\n  HostName %s\n  Port %d\n  User %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		d.Host, d.Port, d.Options.Username, d.KnownHostsPath)
	log := &tailBuffer{max: 1 << 20}
	m := newTestManager(t, cfg, nil, ManagerOptions{Profiles: set, WireLog: log,
		Logger: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log and wire log:\n%s", tail(log.String(), 8<<10))
		}
	})
	return &deviceHarness{dev: d, m: m, req: hosts.Request{Host: "dev", Password: d.Options.Password, Profile: profile}}, log
}

// startWithin starts cmd with a caller's deadline of d.
func (h *deviceHarness) startWithin(t testing.TB, d time.Duration, cmd string) (*Command, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	return h.m.Start(ctx, h.req, "", cmd, RunOptions{})
}

// longBanner is a banner of n numbered lines, more than a screen.
func longBanner(n int) string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("Authorized access only, banner line %d of %d", i+1, n)
	}
	return strings.Join(lines, "\n")
}

// TestLoginPagerAnswered: a greeting sent through the pager is paged on
// with the profile's pager key, whether the profile is named or detected,
// and the first command's output is exact.
func TestLoginPagerAnswered(t *testing.T) {
	t.Parallel()
	for _, profile := range []string{"cisco_ios", ""} {
		t.Run("profile="+profile, func(t *testing.T) {
			t.Parallel()
			h := newDeviceHarness(t, devsim.Options{Platform: "ios", Banner: longBanner(60), PagedBanner: true}, profile)
			c, err := h.startWithin(t, 15*time.Second, "show clock")
			if err != nil {
				t.Fatalf("Start(show clock) behind a paged banner: %v", err)
			}
			info := waitDone(t, c)
			out := output(t, c)
			if info.Status != StatusCompleted || info.Profile != "cisco_ios" || strings.Contains(out, "More") || strings.Contains(out, "banner line") {
				t.Errorf("status %s profile %q output %q; want completed, cisco_ios, the clock only", info.Status, info.Profile, out)
			}
		})
	}
}

// TestLoginPromptMismatch: a profile whose prompts never appear fails
// within the caller's deadline, not the driver's own bound, and says which
// line came instead of blaming the host's reachability.
func TestLoginPromptMismatch(t *testing.T) {
	t.Parallel()
	h := newDeviceHarness(t, devsim.Options{Platform: "ios"}, "junos")
	start := time.Now()
	_, err := h.startWithin(t, 3*time.Second, "show version")
	elapsed := time.Since(start)
	var le *LoginError
	if !errors.As(err, &le) || le.LastLine != "R1>" || le.Profile != "junos" {
		t.Fatalf("Start with profile junos on an IOS: err %v; want a *LoginError for junos with last line \"R1>\"", err)
	}
	if want := `the login prompt did not match profile junos: last line was "R1>"`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("error %v does not wrap ErrTimeout", err)
	}
	if elapsed > 20*time.Second { // the old wait was a fixed 30 s; load may slow the login itself
		t.Errorf("Start took %s with a 3 s deadline", elapsed)
	}
}

// TestOnOpenStepRejected: a preparation step the device answers with an
// error line is recorded: in the first command's result, not in the next
// one's, and in the session listing.
func TestOnOpenStepRejected(t *testing.T) {
	t.Parallel()
	h, _ := newLabHarness(t, devsim.Options{Platform: "ios"}, "zz_lab_ios")
	want := []string{`on_open step 2 "terminal bogus 511" failed: % Invalid input detected at '^' marker.`}
	info, out := h.run(t, "show clock", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if !slices.Equal(info.Warnings, want) {
		t.Errorf("first result: warnings %q (output %q); want %q", info.Warnings, out, want)
	}
	if ss := h.m.Sessions(); len(ss) != 1 || !slices.Equal(ss[0].Warnings, want) {
		t.Errorf("Sessions() = %+v; want one session with warnings %q", ss, want)
	}
	info, _ = h.run(t, "show clock", RunOptions{})
	if len(info.Warnings) != 0 {
		t.Errorf("second result: warnings %q; want none (shown once)", info.Warnings)
	}
	if ss := h.m.Sessions(); len(ss) != 1 || !slices.Equal(ss[0].Warnings, want) {
		t.Errorf("Sessions() after the second command = %+v; want the warnings still listed", ss)
	}
}

// TestDetectLoginBehindDebianSSH: a router CLI behind an SSH server whose
// identification the linux profile claims is recognized by its greeting,
// and nothing is typed before the profile is chosen.
func TestDetectLoginBehindDebianSSH(t *testing.T) {
	t.Parallel()
	h, log := newLabHarness(t, devsim.Options{Platform: "ios", ServerVersion: debianVersion, Banner: labGreeting}, "")
	c, err := h.startWithin(t, 20*time.Second, "show version")
	if err != nil {
		t.Fatalf("Start(show version): %v", err)
	}
	info := waitDone(t, c)
	out := output(t, c)
	if info.Profile != "zz_lab_ios" || info.Status != StatusCompleted || !strings.Contains(out, "Cisco IOS") || strings.Contains(out, "mcpssh") {
		t.Errorf("profile %q status %s output %q; want zz_lab_ios, completed, the version", info.Profile, info.Status, tail(out, 300))
	}
	checkNothingTypedBefore(t, log.String(), "profile detected", "R1>")
}

// checkNothingTypedBefore fails unless the log holds decision, no write
// ("> " wire log line) comes before it, and prompt was read before it.
func checkNothingTypedBefore(t *testing.T, log, decision, prompt string) {
	t.Helper()
	at := strings.Index(log, decision)
	if at < 0 {
		t.Fatalf("the log has no %q", decision)
	}
	var read strings.Builder
	for line := range strings.Lines(log[:at]) {
		if strings.HasPrefix(line, "> ") {
			t.Fatalf("%q written before %q", line, decision)
		}
		if strings.HasPrefix(line, "< ") {
			read.WriteString(line)
		}
	}
	if !strings.Contains(read.String(), prompt) {
		t.Errorf("the wire log before %q shows no %q: %q", decision, prompt, read.String())
	}
}

// TestDetectLinuxLogin: a bash login with no profile named is recognized
// as linux by its prompt without waiting out the detection bound, nothing
// is typed before, and the first command's output is exact.
func TestDetectLinuxLogin(t *testing.T) {
	t.Parallel()
	log := &tailBuffer{max: 1 << 20}
	h := newHarness(t, harnessOptions{WireLog: log, Logger: slog.New(slog.NewTextHandler(log, nil))}, "bash")
	start := time.Now()
	c := h.start(t, "bash", "", "echo one; echo two", RunOptions{})
	if opened := time.Since(start); opened >= detectBound {
		t.Errorf("opening a bash shell took %s: the wait for its login prompt ran to the bound", opened)
	}
	info := waitDone(t, c)
	if out := output(t, c); info.Profile != "linux" || out != "one\ntwo\n" {
		t.Errorf("profile %q output %q; want linux, %q", info.Profile, out, "one\ntwo\n")
	}
	checkNothingTypedBefore(t, log.String(), "profile detected", "$ ")
}
