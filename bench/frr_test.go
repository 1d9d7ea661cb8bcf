package bench

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// The FRR benchmarks run against devicetest's real FRRouting router (its
// vtysh is the login shell of the account they log in as), one router
// shared by every sub-benchmark of the run, so that MCP and OpenSSH's
// interactive ssh are compared on the same device.

// frrAlias is the ssh_config alias of the router.
const frrAlias = "frr1"

// frrPrompt is vtysh's prompt in enable mode, where a login lands.
const frrPrompt = "frr1# "

// frrCommand is one show command and what its output must hold.
type frrCommand struct {
	name    string // sub-benchmark name
	command string
	check   func(out string) error
}

var frrCommands = []frrCommand{
	{"show-version", "show version", func(out string) error {
		if !strings.Contains(out, "FRRouting") {
			return fmt.Errorf("no \"FRRouting\" in it")
		}
		return nil
	}},
	{"show-running-config", "show running-config", func(out string) error {
		// 400 static routes, one line each, and the lab configuration.
		lines := strings.Count(out, "\n")
		switch {
		case !strings.Contains(out, "\nhostname frr1\n"):
			return fmt.Errorf("no \"hostname frr1\" line")
		case !strings.Contains(out, "\nip route 10.2.143.0/24 Null0\n"):
			return fmt.Errorf("the 400th static route is missing")
		case !strings.HasSuffix(strings.TrimRight(out, "\n"), "\nend"):
			return fmt.Errorf("it does not end with \"end\"")
		case lines < 400:
			return fmt.Errorf("%d lines, want at least 400", lines)
		}
		return nil
	}},
}

// frrVariants starts the router with tb (the whole benchmark's, so that
// its sub-benchmarks share it) and returns, for each command, its
// execution through MCP and through an interactive OpenSSH session. Each
// operation's output must be the router's own answer, read once out of
// band (vtysh -c as root), byte for byte: no echo, prompt or lost line.
func frrVariants(tb testing.TB) []variant {
	tb.Helper()
	f := devicetest.StartFRR(tb, devicetest.FRROptions{Hostname: frrAlias})
	var vs []variant
	for _, c := range frrCommands {
		want := f.Vtysh(tb, c.command)
		if err := c.check(want); err != nil {
			tb.Fatalf("vtysh -c %q: %v:\n%.3000s", c.command, err, want)
		}
		vs = append(vs,
			variant{name: c.name + "/mcp", body: frrMCP(f, c.command, want), short: 5},
			variant{name: c.name + "/mcp-raw", body: frrRaw(f, c.command, want), short: 5},
			variant{name: c.name + "/ssh-tt", body: frrSSH(f, c.command, want), short: 5})
	}
	return vs
}

// checkFRR fails unless got, the output of command through via, is want.
func checkFRR(tb testing.TB, via, command, got, want string) {
	tb.Helper()
	if got == want {
		return
	}
	i := 0
	for i < min(len(got), len(want)) && got[i] == want[i] {
		i++
	}
	tb.Fatalf("%s through %s: %d bytes, want the router's %d; they differ at byte %d: got %.200q, want %.200q",
		command, via, len(got), len(want), i, got[i:], want[i:])
}

// frrMCP: the command through execute_command with the frr profile, on
// a session used once before the timer starts.
func frrMCP(f *devicetest.FRR, command, want string) body {
	return func(r *run) {
		s := startServer(r.tb, []mcptest.Host{frrHost(f)})
		args := map[string]any{"host": frrAlias, "command": command, "profile": "frr", "timeout": 300}
		checkFRR(r.tb, "MCP", command, s.execute(args).str("output"), want)
		time.Sleep(configAge)
		r.ready()
		for range r.n {
			var res result
			r.op(func() { res = s.execute(args) })
			checkFRR(r.tb, "MCP", command, res.str("output"), want)
		}
	}
}

// frrRaw: frrMCP with the JSON-RPC written and read as raw lines, so that
// mcp-go's client is left out of the figure; the response is decoded and
// checked outside the timer.
func frrRaw(f *devicetest.FRR, command, want string) body {
	return func(r *run) {
		s := startRawServer(r.tb, []mcptest.Host{frrHost(f)})
		params := map[string]any{"name": "execute_command", "arguments": map[string]any{"host": frrAlias, "command": command, "profile": "frr", "timeout": 300}}
		timeRawCalls(r, s, params, func(res map[string]any) {
			out, _ := res["output"].(string)
			checkFRR(r.tb, "MCP (raw JSON-RPC)", command, out, want)
		})
	}
}

// frrHost is the router's host entry for the server.
func frrHost(f *devicetest.FRR) mcptest.Host {
	return mcptest.Host{Alias: frrAlias, HostName: f.Host, Port: f.Port, User: f.User,
		IdentityFile: f.ClientKey.Path, KnownHosts: f.KnownHostsPath}
}

// frrSSH: the command typed into one interactive OpenSSH session ("ssh
// -tt", a PTY although stdin is a pipe) kept open for the whole run; an
// operation writes the command line and reads until the prompt follows
// its output.
func frrSSH(f *devicetest.FRR, command, want string) body {
	return func(r *run) {
		t := startSSHTT(r.tb, f)
		checkFRR(r.tb, "ssh -tt", command, t.command(command), want)
		r.ready()
		for range r.n {
			var out string
			r.op(func() { out = t.command(command) })
			checkFRR(r.tb, "ssh -tt", command, out, want)
		}
	}
}

// sshTT is an interactive OpenSSH login to the router, waiting at its
// prompt between commands.
type sshTT struct {
	tb     testing.TB
	stdin  io.WriteCloser
	chunks chan []byte // what ssh writes to stdout, closed at its end
	buf    []byte      // received and not yet consumed
}

// startSSHTT logs in with the system's ssh and a private configuration
// file, and returns once vtysh has greeted and shown its first prompt.
func startSSHTT(tb testing.TB, f *devicetest.FRR) *sshTT {
	tb.Helper()
	if _, err := exec.LookPath("ssh"); err != nil {
		devicetest.Require(tb, false, "ssh not found: install openssh-client")
	}
	config := filepath.Join(tb.TempDir(), "ssh_config")
	cfg := fmt.Sprintf("Host %s\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n"+
		"  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n  BatchMode yes\n"+
		"  ControlMaster no\n  ControlPath none\n  LogLevel ERROR\n",
		frrAlias, f.Host, f.Port, f.User, f.ClientKey.Path, f.KnownHostsPath)
	if err := os.WriteFile(config, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command("ssh", "-F", config, "-tt", frrAlias)
	var stderr mcptest.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start ssh -tt: %v", err)
	}
	t := &sshTT{tb: tb, stdin: stdin, chunks: make(chan []byte, 64)}
	go func() {
		defer close(t.chunks)
		for {
			b := make([]byte, 32<<10)
			n, err := stdout.Read(b)
			if n > 0 {
				t.chunks <- b[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	tb.Cleanup(func() {
		io.WriteString(stdin, "exit\n")
		stdin.Close()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	greeting := t.untilPrompt("the login")
	if !strings.Contains(greeting, "Hello, this is FRRouting") {
		tb.Fatalf("ssh -tt: the login shows %q before its prompt, want vtysh's greeting\nstderr: %s", greeting, stderr.String())
	}
	return t
}

// command types line and returns the output between its echo and the
// next prompt, with the PTY's CR LF line ends made LF.
func (t *sshTT) command(line string) string {
	t.tb.Helper()
	if _, err := io.WriteString(t.stdin, line+"\n"); err != nil {
		t.tb.Fatalf("ssh -tt: writing %q: %v", line, err)
	}
	out := t.untilPrompt(line)
	echo, rest, ok := strings.Cut(out, "\r\n")
	if !ok || echo != line {
		t.tb.Fatalf("ssh -tt: %q is echoed as %q", line, echo)
	}
	return strings.ReplaceAll(rest, "\r\n", "\n")
}

// untilPrompt reads until what was received ends with a line holding
// only the prompt, and returns what came before that prompt.
func (t *sshTT) untilPrompt(what string) string {
	t.tb.Helper()
	timeout := time.NewTimer(callTimeout)
	defer timeout.Stop()
	for {
		if s := string(t.buf); s == frrPrompt || strings.HasSuffix(s, "\n"+frrPrompt) {
			t.buf = t.buf[:0]
			return strings.TrimSuffix(s, frrPrompt)
		}
		select {
		case b, ok := <-t.chunks:
			if !ok {
				t.tb.Fatalf("ssh -tt: the session ended during %s; received %q", what, t.buf)
			}
			t.buf = append(t.buf, b...)
		case <-timeout.C:
			t.tb.Fatalf("ssh -tt: no prompt %q after %s within %v; received %q", frrPrompt, what, callTimeout, t.buf)
		}
	}
}

// BenchmarkFRRWarm: show commands on a warm session to a real FRRouting
// vtysh, through MCP and typed into an interactive OpenSSH session to the
// same router.
func BenchmarkFRRWarm(b *testing.B) { benchmark(b, frrVariants(b)) }
