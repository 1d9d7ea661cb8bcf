package devices

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// deviceHarness is a Manager whose ssh_config names one simulated device
// as alias "dev".
type deviceHarness struct {
	dev *devicetest.Device
	m   *Manager
	req hosts.Request
}

func newDeviceHarness(t testing.TB, opts devsim.Options, profile string) *deviceHarness {
	t.Helper()
	d := devicetest.StartDevice(t, opts)
	cfg := fmt.Sprintf("Host dev\n  HostName %s\n  Port %d\n  User %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		d.Host, d.Port, d.Options.Username, d.KnownHostsPath)
	m := newTestManager(t, cfg, nil, ManagerOptions{})
	return &deviceHarness{dev: d, m: m, req: hosts.Request{Host: "dev", Password: d.Options.Password, Profile: profile}}
}

// run runs cmd on the default session and returns the final info and output.
func (h *deviceHarness) run(t testing.TB, cmd string, o RunOptions) (CommandInfo, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitBound)
	defer cancel()
	c, err := h.m.Start(ctx, h.req, "", cmd, o)
	if err != nil {
		t.Fatalf("Start(%q): %v", cmd, err)
	}
	info := waitDone(t, c)
	return info, output(t, c)
}

func wantStatus(t testing.TB, i CommandInfo, st Status, code int) {
	t.Helper()
	if i.Status != st || i.ExitCode == nil || *i.ExitCode != code {
		ec := "nil"
		if i.ExitCode != nil {
			ec = fmt.Sprint(*i.ExitCode)
		}
		t.Fatalf("%q: status %s exit %s (err %v, error line %q); want %s exit %d", i.Command, i.Status, ec, i.Err, i.ErrorLine, st, code)
	}
}

func TestIOSCommandsModesAndErrors(t *testing.T) {
	t.Parallel()
	h := newDeviceHarness(t, devsim.Options{Platform: "ios", ChunkSize: 7}, "cisco_ios")

	info, out := h.run(t, "show version", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "Cisco IOS") || strings.Contains(out, "show version") || strings.Contains(out, "R1>") {
		t.Errorf("show version output has no version text, or has the echo or the prompt: %q", out)
	}
	if info.Mode != "exec" {
		t.Errorf("mode after login %q, want exec", info.Mode)
	}

	info, out = h.run(t, "show foo", RunOptions{})
	wantStatus(t, info, StatusFailed, 1)
	if !strings.Contains(info.ErrorLine, "% Invalid input detected") || !strings.Contains(out, "^") {
		t.Errorf("error line %q, output %q: want the caret line and %% Invalid input", info.ErrorLine, out)
	}

	// Enable with the right secret, then a show running-config whose banner
	// holds lines that look like prompts: none of them ends the command.
	info, out = h.run(t, "show running-config", RunOptions{EnablePassword: h.dev.Options.EnableSecret})
	wantStatus(t, info, StatusCompleted, 0)
	if info.Mode != "privileged" {
		t.Errorf("mode after enable %q, want privileged", info.Mode)
	}
	if !strings.Contains(out, "hostname R1") || !strings.HasSuffix(strings.TrimSpace(out), "end") {
		t.Errorf("show running-config cut short or paged: ends %q", tail(out, 300))
	}
	if strings.Contains(out, "--More--") {
		t.Errorf("pager text in output: %q", tail(out, 300))
	}
}

func TestIOSWrongEnableSecret(t *testing.T) {
	t.Parallel()
	h := newDeviceHarness(t, devsim.Options{Platform: "ios"}, "cisco_ios")
	info, out := h.run(t, "show privilege", RunOptions{EnablePassword: "not-the-secret"})
	if info.Status != StatusFailed || !errors.Is(info.Err, ErrPrivilege) {
		t.Fatalf("wrong secret: status %s err %v, want failed with ErrPrivilege", info.Status, info.Err)
	}
	if strings.Contains(out, "not-the-secret") || strings.Contains(fmt.Sprint(info.Err), "not-the-secret") {
		t.Fatalf("the secret leaked: output %q err %v", out, info.Err)
	}
	// The shell is still usable and back at the user prompt.
	info, out = h.run(t, "show privilege", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "Current privilege level is 1") || info.Mode != "exec" {
		t.Errorf("after a wrong secret: mode %q output %q", info.Mode, out)
	}
}

func TestIOSConfigRoundTripChangesHostname(t *testing.T) {
	t.Parallel()
	h := newDeviceHarness(t, devsim.Options{Platform: "ios", CharEcho: true}, "cisco_ios")
	o := RunOptions{EnablePassword: h.dev.Options.EnableSecret}
	info, _ := h.run(t, "configure terminal\nhostname EDGE-7\ninterface Gi0/1\n description uplink\nend", o)
	wantStatus(t, info, StatusCompleted, 0)
	if info.Mode != "privileged" || info.Prompt != "EDGE-7#" {
		t.Fatalf("after the round trip: mode %q prompt %q, want privileged EDGE-7#", info.Mode, info.Prompt)
	}
	// The asynchronous %SYS-5-CONFIG_I line must not end or pollute the next command.
	info, out := h.run(t, "show running-config | include hostname", o)
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "hostname EDGE-7") {
		t.Errorf("new hostname not in running config: %q", out)
	}
}

func TestIOSPagerLeftOn(t *testing.T) {
	t.Parallel()
	h := newDeviceHarness(t, devsim.Options{Platform: "ios"}, "cisco_ios")
	o := RunOptions{EnablePassword: h.dev.Options.EnableSecret}
	// Turning the pager back on: the driver must still advance it.
	info, _ := h.run(t, "terminal length 24", o)
	wantStatus(t, info, StatusCompleted, 0)
	info, out := h.run(t, "show running-config", o)
	wantStatus(t, info, StatusCompleted, 0)
	if strings.Contains(out, "More") || !strings.HasSuffix(strings.TrimSpace(out), "end") {
		t.Errorf("paged output not advanced cleanly: %q", tail(out, 400))
	}
	// Line for line what the device shows unpaged: the blank that starts
	// " --More-- " must not stay before (or be taken from) the line drawn
	// where the pager was erased.
	client := devicetest.Dial(t, h.dev.Addr, h.dev.ClientConfig())
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	want, err := sess.Output("show running-config")
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.TrimSpace(strings.ReplaceAll(string(want), "\r\n", "\n")); strings.TrimSpace(out) != w {
		got, wl := strings.Split(strings.TrimSpace(out), "\n"), strings.Split(w, "\n")
		for i := range min(len(got), len(wl)) {
			if got[i] != wl[i] {
				t.Errorf("paged output line %d is %q, want %q", i+1, got[i], wl[i])
				break
			}
		}
		t.Errorf("paged output has %d lines, unpaged %d", len(got), len(wl))
	}
}

func TestJunosCommitAndFailingCommit(t *testing.T) {
	t.Parallel()
	h := newDeviceHarness(t, devsim.Options{Platform: "junos", DualRE: true}, "junos")
	info, out := h.run(t, "show version", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if strings.Contains(out, "{master:0}") || strings.Contains(out, "vmx1>") {
		t.Errorf("context line or prompt in output: %q", out)
	}

	info, out = h.run(t, "configure\nset system host-name core-2\nshow | compare\ncommit", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "+  host-name core-2;") || !strings.Contains(out, "commit complete") {
		t.Errorf("compare or commit missing: %q", out)
	}
	if strings.HasSuffix(strings.TrimSpace(out), "[edit]") {
		t.Errorf("trailing [edit] banner kept: %q", tail(out, 200))
	}
	if info.Mode != "configuration" || !strings.Contains(info.Prompt, "@core-2#") {
		t.Errorf("after commit: mode %q prompt %q", info.Mode, info.Prompt)
	}

	info, out = h.run(t, "set protocols bgp group X neighbor 192.0.2.1\ncommit", RunOptions{})
	wantStatus(t, info, StatusFailed, 1)
	if !strings.Contains(info.ErrorLine, "error:") || !strings.Contains(out, "peer-as") {
		t.Errorf("failing commit: error line %q output %q", info.ErrorLine, out)
	}
	info, out = h.run(t, "rollback 0\nexit", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.Contains(out, "load complete") || info.Mode != "operational" {
		t.Errorf("rollback/exit: mode %q output %q", info.Mode, out)
	}

	info, _ = h.run(t, "show interfaces terse ge-9/9/9 foo", RunOptions{})
	if info.Status != StatusFailed || info.ErrorLine == "" {
		t.Errorf("junos error not detected: status %s error line %q", info.Status, info.ErrorLine)
	}
}
