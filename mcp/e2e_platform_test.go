package mcp

import (
	"context"
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

// Helpers of the per-platform end-to-end tests (e2e_platform_*_test.go).

// simExec runs command on a simulated device over an SSH exec request,
// which the simulator answers without its pager, prompt or echo: the
// reference for what the same command must show through the server when
// the device pages it.
func simExec(t *testing.T, dev *devicetest.Device, command string) string {
	t.Helper()
	client := devicetest.Dial(t, dev.Addr, dev.ClientConfig())
	sess, err := client.NewSession()
	if err != nil {
		t.Fatalf("exec session on %s: %v", dev.Addr, err)
	}
	defer sess.Close()
	out, err := sess.Output(command)
	if err != nil {
		t.Fatalf("exec %q on %s: %v", command, dev.Addr, err)
	}
	return strings.ReplaceAll(string(out), "\r\n", "\n")
}

// sameLines fails unless got holds exactly the lines of want, in order,
// naming the first line that differs.
func sameLines(t *testing.T, what, got, want string) {
	t.Helper()
	g := strings.Split(strings.Trim(got, "\n"), "\n")
	w := strings.Split(strings.Trim(want, "\n"), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			t.Errorf("%s: line %d is %q, want %q", what, i+1, g[i], w[i])
			return
		}
	}
	if len(g) != len(w) {
		t.Errorf("%s: %d lines, want %d; last line %q", what, len(g), len(w), g[len(g)-1])
	}
}

// wantMode fails unless a command completed and left the device in mode
// at a prompt starting with prompt.
func wantMode(t *testing.T, r callResult, mode, prompt string) {
	t.Helper()
	wantStatus(t, r, "completed")
	if r.str("mode") != mode || !strings.HasPrefix(r.str("prompt"), prompt) {
		t.Errorf("mode %q prompt %q, want %q at %q:\n%s", r.str("mode"), r.str("prompt"), mode, prompt, r.Text)
	}
}

// deviceRunner returns a function that runs execute_command with base
// (host, profile, secrets) and a call's extra arguments over it.
func (s *e2eServer) deviceRunner(ctx context.Context, base map[string]any) func(t *testing.T, command string, extra map[string]any) callResult {
	return func(t *testing.T, command string, extra map[string]any) callResult {
		t.Helper()
		args := map[string]any{"command": command}
		for _, m := range []map[string]any{base, extra} {
			for k, v := range m {
				args[k] = v
			}
		}
		return s.call(t, ctx, "execute_command", args)
	}
}

// platformTest is what the subtests that every platform test shares
// need: the server, the simulated device and a runner for its host.
type platformTest struct {
	s   *e2eServer
	ctx context.Context
	dev *devicetest.Device
	// host is the ssh_config alias; run runs a command there with the
	// platform's profile and secrets.
	host string
	run  func(t *testing.T, command string, extra map[string]any) callResult
}

// detected: a session opened without a profile is recognised from the
// login text; command ends in mode at prompt with the simulator's own
// output, and list_sessions names profile.
func (p platformTest) detected(t *testing.T, command, mode, prompt, profile string) {
	t.Helper()
	r := p.s.call(t, p.ctx, "execute_command", map[string]any{"host": p.host, "command": command,
		"password": devicePassword, "session": "detect"})
	wantMode(t, r, mode, prompt)
	sameLines(t, command, r.str("output"), simExec(t, p.dev, command))
	if l := p.s.call(t, p.ctx, "list_sessions", nil); !strings.Contains(l.Text, `session "detect", profile `+profile) {
		t.Errorf("the session was not given %s:\n%s", profile, l.Text)
	}
}

// failsWith: command is reported failed, exit 1, with the device's own
// errorLine.
func (p platformTest) failsWith(t *testing.T, command, errorLine string) {
	t.Helper()
	r := p.run(t, command, nil)
	if code, _ := r.num("exit_code"); r.str("status") != "failed" || code != 1 || r.str("error_line") != errorLine {
		t.Errorf("%q: status %q exit %d error_line %q, want failed, 1 and %q", command, r.str("status"), code, r.str("error_line"), errorLine)
	}
}

// pagesLikeExec: after length (a command that sets a short page; "" when
// the device pages by default), command goes through the device's pager
// and ends in mode at prompt with exactly the lines the simulator prints
// unpaged, and without pager, the pager prompt's text. The canned output
// must have at least minLines lines to page at all.
func (p platformTest) pagesLikeExec(t *testing.T, length, command, mode, prompt, pager string, minLines int) {
	t.Helper()
	if length != "" {
		wantMode(t, p.run(t, length, nil), mode, prompt)
	}
	want := simExec(t, p.dev, command)
	if n := strings.Count(want, "\n"); n < minLines {
		t.Fatalf("the canned output of %q has %d lines; too short to page", command, n)
	}
	r := p.run(t, command, nil)
	wantMode(t, r, mode, prompt)
	if pager != "" && strings.Contains(r.str("output"), pager) {
		t.Errorf("the pager prompt is in the output:\n%s", r.str("output"))
	}
	sameLines(t, command, r.str("output"), want)
}

// configWalk is a round through a platform's configuration mode: into it
// and an interface, a bad value refused with the device's line, a good
// line set, back out, and the change shown.
type configWalk struct {
	enter, mode, prompt         string // the command into the mode, the mode, its prompt
	iface, ifPrompt             string // a command into an interface, and that prompt
	bad, badLine                string // a line with a bad value and the device's error; "" skips
	set                         string // a line that changes the interface
	leave, leftMode, leftPrompt string // the command out, and where it leaves the session
	show, want                  string // a command that shows the change, and what it must hold
}

func (p platformTest) walkConfig(t *testing.T, w configWalk) {
	t.Helper()
	wantMode(t, p.run(t, w.enter, nil), w.mode, w.prompt)
	wantMode(t, p.run(t, w.iface, nil), w.mode, w.ifPrompt)
	if w.bad != "" {
		if r := p.run(t, w.bad, nil); r.str("status") != "failed" || r.str("error_line") != w.badLine {
			t.Errorf("a bad value: status %q error_line %q, want failed and %q", r.str("status"), r.str("error_line"), w.badLine)
		}
	}
	wantMode(t, p.run(t, w.set, nil), w.mode, w.ifPrompt)
	wantMode(t, p.run(t, w.leave, nil), w.leftMode, w.leftPrompt)
	r := p.run(t, w.show, nil)
	wantStatus(t, r, "completed")
	if !strings.Contains(r.str("output"), w.want) {
		t.Errorf("output %q, want %q", r.str("output"), w.want)
	}
}

// declines: command stops at the device's question (awaiting_input, with
// question in the input prompt), and "n" ends it completed.
func (p platformTest) declines(t *testing.T, command, question string) {
	t.Helper()
	r := p.run(t, command, map[string]any{"timeout": 10})
	wantStatus(t, r, "awaiting_input")
	if q := r.str("input_prompt"); !strings.Contains(q, question) {
		t.Errorf("input_prompt = %q, want the question with %q", q, question)
	}
	id := r.str("command_id")
	p.s.call(t, p.ctx, "send_input", map[string]any{"command_id": id, "input_text": "n\n"})
	if r := p.s.waitStatus(t, p.ctx, id, finished); r.str("status") != "completed" {
		t.Errorf("declined %q ended %q:\n%s", command, r.str("status"), r.Text)
	}
}
