package mcp

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	gosdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// approvalConfig asks a person before any touch of a file named
// "approved-*", and before any write under /tmp/mcpt-approve-.
const approvalConfig = `hosts:
  - match: [lab]
    policy:
      ask: ['touch .*approved-']
      files:
        ask: ['/mcpt-approve-[^/]*/']
`

// elicitor is the person behind the official Go SDK client: it answers
// each question with the next scripted answer and keeps the questions.
type elicitor struct {
	mu        sync.Mutex
	answers   []*gosdk.ElicitResult
	questions []*gosdk.ElicitParams
	wait      func() // when set, runs before each answer: the person thinks
}

func (e *elicitor) handle(_ context.Context, req *gosdk.ElicitRequest) (*gosdk.ElicitResult, error) {
	e.mu.Lock()
	wait := e.wait
	e.mu.Unlock()
	if wait != nil {
		wait()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.questions = append(e.questions, req.Params)
	if len(e.answers) == 0 {
		return nil, fmt.Errorf("the test scripted no answer for this question")
	}
	a := e.answers[0]
	e.answers = e.answers[1:]
	return a, nil
}

// next scripts the answer to the next question and returns a function
// that gives the question asked (nil when none was).
func (e *elicitor) next(a *gosdk.ElicitResult) func() *gosdk.ElicitParams {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.answers = []*gosdk.ElicitResult{a}
	n := len(e.questions)
	return func() *gosdk.ElicitParams {
		e.mu.Lock()
		defer e.mu.Unlock()
		if len(e.questions) == n {
			return nil
		}
		return e.questions[n]
	}
}

func accept(approve bool) *gosdk.ElicitResult {
	return &gosdk.ElicitResult{Action: "accept", Content: map[string]any{"approve": approve}}
}

// TestE2EApprovalElicitation: through the official Go SDK client, a
// command an ask rule holds is shown to the person exactly, with where it
// runs and the rule; it runs once approved, and when declined, cancelled
// or left unticked it never reaches the host. A write shows the diff.
// The audit log says who approved.
func TestE2EApprovalElicitation(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	cfg := writeConfig(t, approvalConfig)
	auditFile := filepath.Join(t.TempDir(), "audit.jsonl")
	person := &elicitor{}
	in := startInteropWith(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, person.handle,
		"--config", cfg, "--audit-log", auditFile)
	ctx := testContext(t, 3*time.Minute)
	dir := markerDir(t)
	target := fmt.Sprintf("%s@127.0.0.1:%d", sshd.User, sshd.Port)

	exec := func(command string) (*gosdk.CallToolResult, map[string]any) {
		t.Helper()
		res, sc, err := in.call(t, ctx, "execute_command", map[string]any{"host": "lab", "command": command}, nil)
		if err != nil {
			t.Fatalf("execute_command %q: %v", command, err)
		}
		return res, sc
	}

	t.Run("approve", func(t *testing.T) {
		marker := filepath.Join(dir, "approved-yes")
		command := "echo start && touch " + marker
		asked := person.next(accept(true))
		res, sc := exec(command)
		if res.IsError || sc["status"] != "completed" {
			t.Fatalf("an approved command did not complete: %v\n%s", sc["status"], text(res))
		}
		if !exists(marker) {
			t.Error("the approved command did not run on the host: no marker file")
		}
		q := asked()
		if q == nil {
			t.Fatal("the person was not asked")
		}
		for _, want := range []string{"    " + command + "\n", target, `session "default"`, "lab", "touch .*approved-", cfg + ":4"} {
			if !strings.Contains(q.Message, want) {
				t.Errorf("the question does not show %q:\n%s", want, q.Message)
			}
		}
	})
	for _, c := range []struct {
		name   string
		answer *gosdk.ElicitResult
		says   string
	}{
		{"decline", &gosdk.ElicitResult{Action: "decline"}, "a person declined it"},
		{"cancel", &gosdk.ElicitResult{Action: "cancel"}, "dismissed the question"},
		{"accept unticked", accept(false), "a person declined it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			marker := filepath.Join(dir, "approved-"+strings.ReplaceAll(c.name, " ", "-"))
			asked := person.next(c.answer)
			res, _ := exec("touch " + marker)
			if asked() == nil {
				t.Fatal("the person was not asked")
			}
			if !res.IsError {
				t.Fatalf("a command the person did not approve was not refused:\n%s", text(res))
			}
			for _, want := range []string{c.says, "nothing was sent to the host", "touch .*approved-"} {
				if !strings.Contains(text(res), want) {
					t.Errorf("the refusal does not say %q:\n%s", want, text(res))
				}
			}
			if exists(marker) {
				t.Error("the command reached the host although it was not approved: the marker file exists")
			}
		})
	}
	t.Run("progress while a person decides", func(t *testing.T) {
		// The person answers only once the caller heard, through
		// progress, that its call waits for them.
		marker := filepath.Join(dir, "approved-slowly")
		token := "approval-progress"
		heard := func() bool {
			in.mu.Lock()
			defer in.mu.Unlock()
			for _, p := range in.progress {
				if p.ProgressToken == token && strings.Contains(p.Message, "waiting for a person") {
					return true
				}
			}
			return false
		}
		person.mu.Lock()
		person.answers, person.wait = []*gosdk.ElicitResult{accept(true)}, func() {
			for !heard() && ctx.Err() == nil {
				time.Sleep(50 * time.Millisecond)
			}
		}
		person.mu.Unlock()
		defer func() { person.mu.Lock(); person.wait = nil; person.mu.Unlock() }()
		res, sc, err := in.call(t, ctx, "execute_command", map[string]any{"host": "lab", "command": "touch " + marker}, token)
		if err != nil || res.IsError || sc["status"] != "completed" {
			t.Fatalf("execute_command: %v %v", err, sc["status"])
		}
		if !heard() {
			t.Error("no progress notification while the person decided")
		}
	})
	t.Run("write shows the diff", func(t *testing.T) {
		wdir, err := os.MkdirTemp("", "mcpt-approve-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(wdir) })
		os.Chmod(wdir, 0o777)
		path := filepath.Join(wdir, "motd")
		if err := os.WriteFile(path, []byte("one\ntwo\nthree\n"), 0o666); err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, 0o666)
		asked := person.next(accept(true))
		res, _, err := in.call(t, ctx, "write_file", map[string]any{"host": "lab", "remote_path": path, "content": "one\nTWO\nthree\n"}, nil)
		if err != nil || res.IsError {
			t.Fatalf("approved write_file failed: %v %s", err, text(res))
		}
		q := asked()
		if q == nil {
			t.Fatal("the person was not asked about the write")
		}
		for _, want := range []string{path, "-two\n", "+TWO\n", " one\n"} {
			if !strings.Contains(q.Message, want) {
				t.Errorf("the write's question does not show %q:\n%s", want, q.Message)
			}
		}
		if got, _ := os.ReadFile(path); string(got) != "one\nTWO\nthree\n" {
			t.Errorf("file after the approved write: %q", got)
		}
	})
	t.Run("the audit log says who approved", func(t *testing.T) {
		recs := waitAudit(t, ctx, auditFile, func(recs []auditLine) bool {
			ends := 0
			for _, r := range recs {
				if r.str("event") == "command_end" && (strings.Contains(r.str("command"), "approved-yes") || strings.Contains(r.str("command"), "approved-slowly")) {
					ends++
				}
			}
			return ends == 2
		})
		var approved, refused int
		for _, r := range recs {
			if r.str("event") == "call" {
				continue
			}
			switch {
			case r.str("approved_by") == "elicitation" && r.str("policy") == "ask":
				approved++
			case r.str("policy") == "ask" && r.str("approved_by") == "":
				refused++
			}
		}
		// The approved commands' results and ends, the write's result;
		// three refusals.
		if approved != 5 || refused != 3 {
			t.Errorf("%d records approved by elicitation (want 5), %d refused ask records (want 3)", approved, refused)
		}
	})
}

// TestE2EApprovalWithoutElicitation: a client that cannot elicit gets a
// refusal that says so once nobody approved at a terminal in time, and
// the command never reaches the host.
func TestE2EApprovalWithoutElicitation(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	cfg := writeConfig(t, approvalConfig)
	s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, "--config", cfg, "--approval-timeout", "2s")
	ctx := testContext(t, time.Minute)
	marker := filepath.Join(markerDir(t), "approved-none")
	r := run(t, ctx, s, "touch "+marker, nil)
	wantRefused(t, r, "cannot show approval questions", "elicitation", "within 2s", "mcp-ssh-session approvals", "nothing was sent")
	if exists(marker) {
		t.Error("a command nobody approved reached the host")
	}
}

// TestE2EApprovalTerminal: a person at a terminal approves with
// mcp-ssh-session approve ID after typing yes; the same command run from a
// process that the MCP client (here the test) started is turned away, so
// an agent's shell tool cannot approve its own request, and so is one
// without a terminal.
func TestE2EApprovalTerminal(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	cfg := writeConfig(t, approvalConfig)
	auditFile := filepath.Join(t.TempDir(), "audit.jsonl")
	s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, "--config", cfg, "--audit-log", auditFile, "--approval-timeout", "2m")
	ctx := testContext(t, 3*time.Minute)
	marker := filepath.Join(markerDir(t), "approved-at-terminal")
	command := "touch " + marker
	done := make(chan callResult, 1)
	go func() { done <- run(t, ctx, s, command, map[string]any{"timeout": 150}) }()

	bin := mcptest.Binary(t, raceEnabled)
	env := mcptest.Env(t, s.Home)
	var id string
	for id == "" {
		out, err := runBin(ctx, bin, env, "approvals")
		if err != nil {
			t.Fatalf("approvals: %v\n%s", err, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, command) {
				id = strings.Fields(line)[0]
			}
		}
		if id == "" {
			select {
			case r := <-done:
				t.Fatalf("the call ended before its request was listed:\n%s", r.Text)
			case <-ctx.Done():
				t.Fatal("the request never appeared in mcp-ssh-session approvals")
			case <-time.After(50 * time.Millisecond):
			}
		}
	}

	t.Run("no terminal", func(t *testing.T) {
		out, err := runBin(ctx, bin, env, "approve", id)
		if err == nil || !strings.Contains(out, "needs a person at a terminal") {
			t.Errorf("approve without a terminal: err %v, output:\n%s", err, out)
		}
	})
	t.Run("a terminal the client started", func(t *testing.T) {
		tty := openPTY(t)
		cmd := exec.CommandContext(ctx, bin, "approve", id)
		cmd.Env = env
		cmd.Stdin, cmd.Stdout, cmd.Stderr = tty.slave, tty.slave, tty.slave
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		tty.master.Write([]byte("yes\n"))
		if err := cmd.Wait(); err == nil {
			t.Errorf("approve from a process the client started succeeded:\n%s", tty.read(t))
		}
		tty.waitFor(t, ctx, "that the MCP client did not start")
	})
	if exists(marker) {
		t.Fatal("the command ran before anybody approved it at a terminal of their own")
	}
	t.Run("a person's terminal", func(t *testing.T) {
		// setsid -f leaves approve running on its own, a child of no
		// process of the test, as in a terminal window; it acquires the
		// pseudo-terminal by opening it, and reads yes only after its
		// parent ended.
		tty := openPTY(t)
		cmd := exec.CommandContext(ctx, "setsid", "-f", "sh", "-c", `exec 0<>"$1" 1>&0 2>&0; shift; exec "$@"`, "sh", tty.name, bin, "approve", id)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("setsid: %v\n%s", err, out)
		}
		tty.waitFor(t, ctx, "Type yes to approve")
		tty.master.Write([]byte("yes\n"))
		tty.waitFor(t, ctx, "approved "+id)
		out := tty.read(t)
		for _, want := range []string{command, "Rule:", "touch .*approved-", "lab"} {
			if !strings.Contains(out, want) {
				t.Errorf("the terminal did not show %q:\n%s", want, out)
			}
		}
	})
	r := <-done
	wantStatus(t, r, "completed")
	if !exists(marker) {
		t.Error("the command approved at the terminal did not run")
	}
	recs := readAudit(t, auditFile)
	found := false
	for _, rec := range recs {
		if rec.str("event") == "result" && strings.HasPrefix(rec.str("approved_by"), "terminal (pid ") {
			found = true
		}
	}
	if !found {
		t.Errorf("no result record approved by a terminal in the audit log")
	}
}

// runBin runs the binary in a session of its own, without a controlling
// terminal even when the test has one.
func runBin(ctx context.Context, bin string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// pty is a pseudo-terminal pair; what is written to the slave side is
// read from master and kept.
type pty struct {
	master, slave *os.File
	name          string
	mu            sync.Mutex
	out           strings.Builder
	changed       chan struct{}
}

func openPTY(t *testing.T) *pty {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlock the pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("name the pseudo-terminal: %v", e)
	}
	name := fmt.Sprintf("/dev/pts/%d", n)
	s, err := os.OpenFile(name, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	p := &pty{master: m, slave: s, name: name, changed: make(chan struct{}, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := m.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:k])
			p.mu.Unlock()
			select {
			case p.changed <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { s.Close(); m.Close() })
	return p
}

func (p *pty) read(*testing.T) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until the terminal showed want.
func (p *pty) waitFor(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	for !strings.Contains(p.read(t), want) {
		select {
		case <-p.changed:
		case <-ctx.Done():
			t.Fatalf("the terminal never showed %q:\n%s", want, p.read(t))
		}
	}
}

// TestE2EApprovalConfigDiff: an ask rule on configuration lines shows the
// person the device's own diff from a check, not just the lines; approved,
// exactly that change is committed; declined, nothing is.
func TestE2EApprovalConfigDiff(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "junos", Hostname: "vmx3", Password: devicePassword})
	cfg := writeConfig(t, "hosts:\n  - match: [vmx3]\n    policy:\n      ask: ['^set system ']\n")
	person := &elicitor{}
	in := startInteropWith(t, []mcptest.Host{deviceHost("vmx3", dev)}, person.handle, "--config", cfg)
	ctx := testContext(t, 2*time.Minute)
	call := func(tool string, args map[string]any) (*gosdk.CallToolResult, map[string]any) {
		t.Helper()
		all := map[string]any{"host": "vmx3", "profile": "junos", "password": devicePassword}
		for k, v := range args {
			all[k] = v
		}
		res, sc, err := in.call(t, ctx, tool, all, nil)
		if err != nil {
			t.Fatalf("%s: %v", tool, err)
		}
		return res, sc
	}
	show := func() string {
		_, sc := call("execute_command", map[string]any{"command": "show configuration system | display set"})
		out, _ := sc["output"].(string)
		return out
	}
	before := show()

	asked := person.next(&gosdk.ElicitResult{Action: "decline"})
	res, _ := call("apply_config", map[string]any{"mode": "commit", "lines": []any{"set system domain-name declined.example"}})
	if !res.IsError || !strings.Contains(text(res), "declined") {
		t.Errorf("a declined change was not refused:\n%s", text(res))
	}
	if q := asked(); q == nil || !strings.Contains(q.Message, "+  domain-name declined.example;") || !strings.Contains(q.Message, "[edit system]") {
		t.Errorf("the question does not show the device's diff: %v", q)
	}
	if show() != before {
		t.Error("a declined change reached the configuration")
	}

	person.next(accept(true))
	res, sc := call("apply_config", map[string]any{"mode": "commit", "lines": []any{"set system domain-name approved.example"}})
	if res.IsError || sc["status"] != "committed" {
		t.Fatalf("an approved change: %v\n%s", sc["status"], text(res))
	}
	if !strings.Contains(show(), "approved.example") {
		t.Error("the approved change is not in the configuration")
	}
	// A check changes nothing, and a change no rule asks about needs
	// nobody.
	asked = person.next(accept(false))
	res, sc = call("apply_config", map[string]any{"lines": []any{"set system domain-name checked.example"}})
	if res.IsError || sc["status"] != "checked" || asked() != nil {
		t.Errorf("a check of an ask line: %v, asked %v\n%s", sc["status"], asked() != nil, text(res))
	}
	asked = person.next(accept(false))
	res, sc = call("apply_config", map[string]any{"mode": "commit", "lines": []any{"set interfaces ge-0/0/3 description free"}})
	if res.IsError || sc["status"] != "committed" || asked() != nil {
		t.Errorf("a change no rule matches: %v, asked %v\n%s", sc["status"], asked() != nil, text(res))
	}
}

// TestE2EApprovalConfigDiffEOS: on EOS, whose diff names the
// configuration session, the commit a person approved runs in the
// session the check showed, so its diff is the approved one and it
// commits.
func TestE2EApprovalConfigDiffEOS(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "eos", Hostname: "leaf3", Password: devicePassword, LoginPrivileged: true})
	cfg := writeConfig(t, "hosts:\n  - match: [leaf3]\n    policy:\n      ask: ['^ip route ']\n")
	person := &elicitor{}
	in := startInteropWith(t, []mcptest.Host{deviceHost("leaf3", dev)}, person.handle, "--config", cfg)
	ctx := testContext(t, 2*time.Minute)
	apply := func(line string) (*gosdk.CallToolResult, map[string]any) {
		t.Helper()
		res, sc, err := in.call(t, ctx, "apply_config", map[string]any{"host": "leaf3", "profile": "arista_eos", "password": devicePassword,
			"mode": "commit", "lines": []any{line}}, nil)
		if err != nil {
			t.Fatalf("apply_config: %v", err)
		}
		return res, sc
	}
	asked := person.next(&gosdk.ElicitResult{Action: "decline"})
	if res, _ := apply("ip route 10.91.0.0/16 192.0.2.1"); !res.IsError || !strings.Contains(text(res), "declined") {
		t.Errorf("a declined change was not refused:\n%s", text(res))
	}
	if q := asked(); q == nil || !strings.Contains(q.Message, "+ip route 10.91.0.0/16 192.0.2.1") {
		t.Errorf("the question does not show the switch's diff: %v", q)
	}
	person.next(accept(true))
	res, sc := apply("ip route 10.92.0.0/16 192.0.2.1")
	if res.IsError || sc["status"] != "committed" {
		t.Fatalf("an approved change: %v\n%s", sc["status"], text(res))
	}
	if out := simExec(t, dev, "show running-config"); !strings.Contains(out, "ip route 10.92.0.0/16 192.0.2.1") || strings.Contains(out, "10.91.0.0") {
		t.Errorf("after a declined and an approved change the switch has:\n%s", out)
	}
}
