package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// The Linux benchmarks run against a real OpenSSH sshd on loopback,
// logging in as its User (see startLinux) with the sshd's client key.

// linuxAlias is the ssh_config alias of the test sshd.
const linuxAlias = "lab"

// tenMiB is the output size of the large-output benchmark.
const tenMiB = 10 << 20

// linuxBox is a test sshd and the account the benchmarks log in as.
type linuxBox struct {
	sshd *devicetest.SSHD // the benchmarks log in as sshd.User
}

// startLinux starts an sshd. Its User is, run as root, the test account
// without sudo, whose home holds only the distribution's default dot
// files, so figures do not depend on root's shell start-up files.
func startLinux(tb testing.TB) linuxBox {
	tb.Helper()
	return linuxBox{sshd: devicetest.StartSSHD(tb, devicetest.SSHDOptions{})}
}

func (l linuxBox) host() mcptest.Host {
	return mcptest.Host{Alias: linuxAlias, HostName: l.sshd.Host, Port: l.sshd.Port, User: l.sshd.User,
		IdentityFile: l.sshd.ClientKey.Path, KnownHosts: l.sshd.KnownHostsPath}
}

// target is the sshd as the devices layer sees it after resolution,
// written out so that the comparison measures channels, not resolution.
func (l linuxBox) target() hosts.Target {
	return hosts.Target{Alias: linuxAlias, HostName: l.sshd.Host, Port: l.sshd.Port, User: l.sshd.User,
		IdentityFiles: []string{l.sshd.ClientKey.Path}, IdentitiesOnly: true, IdentityAgent: "none",
		KnownHostsFiles: []string{l.sshd.KnownHostsPath}, StrictHostKeyChecking: "yes"}
}

// linuxServer starts an sshd and the server with an alias for it.
func linuxServer(tb testing.TB, extra ...string) (*server, linuxBox) {
	tb.Helper()
	box := startLinux(tb)
	return startServer(tb, []mcptest.Host{box.host()}, extra...), box
}

// sharedDir is a new directory every account may write, for files the
// benchmark and the login account both touch.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "mcpssh-bench-")
	if err == nil {
		err = os.Chmod(dir, 0o777)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// poolConn dials target through a devices.Pool closed at cleanup.
func poolConn(tb testing.TB, target hosts.Target) *devices.Conn {
	tb.Helper()
	pool := devices.NewPool(devices.PoolOptions{})
	tb.Cleanup(func() { pool.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	conn, _, err := pool.Conn(ctx, target)
	if err != nil {
		tb.Fatalf("dial %s: %v", target.Key(), err)
	}
	return conn
}

func echo(host string) map[string]any {
	return map[string]any{"host": host, "command": "echo bench-ok"}
}

func wantOutput(tb testing.TB, r result, want string) {
	tb.Helper()
	if got := r.str("output"); got != want {
		tb.Fatalf("output %q, want %q\n%.1000s", got, want, r.Text)
	}
}

// configAge is how long the warm-call benchmarks wait after starting the
// server: the server reads an ssh_config file changed in the last two
// seconds again on every call, and a user's configuration is older.
const configAge = 2100 * time.Millisecond

// trivialMCP: execute_command on a warm shell (the session is opened
// before the timer starts).
func trivialMCP(r *run) {
	s, _ := linuxServer(r.tb)
	wantOutput(r.tb, s.execute(echo(linuxAlias)), "bench-ok\n")
	time.Sleep(configAge)
	r.ready()
	for range r.n {
		var res result
		r.op(func() { res = s.execute(echo(linuxAlias)) })
		wantOutput(r.tb, res, "bench-ok\n")
	}
}

// trivialExec: a new exec channel per command on one connection kept by
// the devices layer, with no MCP and no prepared shell in between (sshd
// still starts the login shell with -c for each channel).
func trivialExec(r *run) {
	conn := poolConn(r.tb, startLinux(r.tb).target())
	exec := func() string {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		var out, errOut bytes.Buffer
		code, err := conn.Exec(ctx, "echo bench-ok", nil, &out, &errOut)
		if err != nil || code != 0 {
			r.tb.Fatalf("Exec: exit %d, %v; stderr %q", code, err, errOut.String())
		}
		return out.String()
	}
	exec()
	r.ready()
	for range r.n {
		var out string
		r.op(func() { out = exec() })
		if out != "bench-ok\n" {
			r.tb.Fatalf("exec output %q, want %q", out, "bench-ok\n")
		}
	}
}

// trivialOpenSSH: OpenSSH's ssh client through a ControlMaster socket,
// the usual way scripts avoid a new login per command.
func trivialOpenSSH(r *run) {
	cm := startControlMaster(r.tb, startLinux(r.tb))
	cm.run(r.tb, "echo bench-ok")
	r.ready()
	for range r.n {
		var out string
		r.op(func() { out = cm.run(r.tb, "echo bench-ok") })
		if out != "bench-ok\n" {
			r.tb.Fatalf("ssh output %q, want %q", out, "bench-ok\n")
		}
	}
}

// firstAfterClose: the first command after close_session, which closes
// the host's shells and its connection, so each operation dials,
// authenticates and prepares a shell.
func firstAfterClose(r *run) {
	s, _ := linuxServer(r.tb)
	s.execute(echo(linuxAlias))
	r.ready()
	for range r.n {
		r.untimed(func() {
			if c := s.call("close_session", map[string]any{"host": linuxAlias}); c.num("closed") < 1 {
				r.tb.Fatalf("close_session closed nothing:\n%s", c.Text)
			}
		})
		var res result
		r.op(func() { res = s.execute(echo(linuxAlias)) })
		wantOutput(r.tb, res, "bench-ok\n")
	}
}

// firstInNewProcess: the first command of a freshly started server, so
// nothing (resolution caches, profiles, the connection) is warm. Process
// start and the MCP handshake are not timed.
func firstInNewProcess(r *run) {
	hosts := []mcptest.Host{startLinux(r.tb).host()}
	r.ready()
	for range r.n {
		var s *server
		r.untimed(func() { s = startServer(r.tb, hosts) })
		var res result
		r.op(func() { res = s.execute(echo(linuxAlias)) })
		wantOutput(r.tb, res, "bench-ok\n")
		r.untimed(s.Close)
	}
}

// largeOutput: a command printing 10 MiB on a warm shell, and the
// server's peak resident memory while it handled them.
func largeOutput(r *run) {
	s, _ := linuxServer(r.tb)
	s.execute(echo(linuxAlias))
	idle, _ := procStatus(r.tb, s.PID)
	args := map[string]any{"host": linuxAlias, "timeout": 120,
		"command": fmt.Sprintf(`head -c %d /dev/zero | tr '\0' a`, tenMiB)}
	r.ready()
	for range r.n {
		var res result
		r.op(func() { res = s.execute(args) })
		if n := res.num("output_bytes"); n != tenMiB {
			r.tb.Fatalf("output_bytes = %d, want %d\n%.500s", n, tenMiB, res.Text)
		}
		if out := res.str("output"); !strings.HasPrefix(out, "aaaaaaaa") {
			r.tb.Fatalf("output starts %.40q, want the command's a's", out)
		}
	}
	rss, hwm := procStatus(r.tb, s.PID)
	r.metric("idle-rss-MiB", idle)
	r.metric("rss-MiB", rss)
	r.metric("peak-rss-MiB", hwm)
}

var (
	trivialVariants = []variant{
		{name: "mcp_execute_command", body: trivialMCP, short: 5},
		{name: "raw_stdio_execute_command", body: trivialRaw, short: 5},
		{name: "devices_exec_channel", body: trivialExec, short: 5},
		{name: "openssh_controlmaster", body: trivialOpenSSH, short: 5},
		{name: "mcp_ios_show_clock", body: trivialIOS, short: 5},
	}
	firstVariants = []variant{
		{name: "after_close_session", body: firstAfterClose},
		{name: "new_process", body: firstInNewProcess, short: 2},
	}
	largeVariants = []variant{
		{name: "10MiB", body: largeOutput, short: 1},
	}
)

// BenchmarkTrivialCommand: one trivial command on a warm shell through
// MCP, beside a raw exec channel on one connection, OpenSSH with a
// ControlMaster, and a warm simulated IOS session.
func BenchmarkTrivialCommand(b *testing.B) { benchmark(b, trivialVariants) }

// BenchmarkFirstCommand: the first command on a host: dial,
// authentication and shell preparation.
func BenchmarkFirstCommand(b *testing.B) { benchmark(b, firstVariants) }

// BenchmarkLargeOutput: a command printing 10 MiB, and peak memory.
func BenchmarkLargeOutput(b *testing.B) { benchmark(b, largeVariants) }
