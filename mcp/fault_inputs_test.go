package mcp

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// faultBed is what the bad-input cases run against: the real binary with
// an sshd, a simulated router and hosts that are broken on purpose.
type faultBed struct {
	s        *e2eServer
	dir      string // a local directory the sshd's user can read and write
	finished string // command_id of a command that completed
	closed   int    // a loopback port nothing listens on
	labPort  int    // the port of host "lab"
	badUTF8  string // a file whose bytes are not UTF-8
}

// Secrets the cases hand to the server; none may come back.
const (
	faultWrongPassword = "Wrong-Pass-4417"
	faultPassphrase    = "Key-Phrase-8812"
)

// noQueryLabel is a DNS label of more than 63 bytes: no resolver sends a
// query for a name holding it.
const noQueryLabel = "no-dns-query-leaves-the-machine-for-a-label-longer-than-sixty-three-bytes"

// closedPort returns a loopback port that refuses connections for the
// rest of the test: a socket holds it bound without listening, so no
// listener started meanwhile (by this test or a package running beside
// it) can take it.
func closedPort(t *testing.T) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind 127.0.0.1:0: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	return sa.(*syscall.SockaddrInet4).Port
}

func newFaultBed(t *testing.T) *faultBed {
	t.Helper()
	if len(noQueryLabel) <= 63 {
		t.Fatalf("noQueryLabel is %d bytes: DNS would accept it", len(noQueryLabel))
	}
	keys := t.TempDir()
	wrongKey := devicetest.NewKeyPair(t, keys, "")
	encKey := devicetest.NewKeyPair(t, keys, faultPassphrase)
	otherHost := devicetest.NewKeyPair(t, keys, "")
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{AuthorizedKeys: []ssh.PublicKey{encKey.Public}})
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "ios"})

	b := &faultBed{closed: closedPort(t), dir: userDir(t, sshd.User), labPort: sshd.Port}
	// Each broken alias reaches sshd through a proxy port of its own: the
	// server shares one connection per user@host:port, so on lab's port
	// these aliases would ride on lab's authenticated connection.
	broken := func(alias, key, knownHosts string) mcptest.Host {
		px := devicetest.StartProxy(t, sshd.Addr)
		if knownHosts == "" {
			knownHosts = filepath.Join(keys, "known_hosts_"+alias)
			if err := os.WriteFile(knownHosts, []byte(knownhosts.Line([]string{px.Addr}, sshd.HostKey)+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return mcptest.Host{Alias: alias, HostName: px.Host, Port: px.Port, User: sshd.User, IdentityFile: key, KnownHosts: knownHosts}
	}
	changedPx := devicetest.StartProxy(t, sshd.Addr)
	changed := filepath.Join(keys, "known_hosts_changed")
	if err := os.WriteFile(changed, []byte(knownhosts.Line([]string{changedPx.Addr}, otherHost.Public)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.s = startServer(t, []mcptest.Host{
		sshdHost("lab", sshd, sshd.User),
		deviceHost("r1", dev),
		broken("wrongkey", wrongKey.Path, ""),
		broken("enckey", encKey.Path, ""),
		{Alias: "changedkey", HostName: changedPx.Host, Port: changedPx.Port, User: sshd.User, IdentityFile: sshd.ClientKey.Path, KnownHosts: changed},
		{Alias: "closed", HostName: sshd.Host, Port: b.closed, User: sshd.User, IdentityFile: sshd.ClientKey.Path, KnownHosts: sshd.KnownHostsPath},
		// Every other name gets a label longer than DNS allows: Go's
		// resolver answers "no such host" for it without sending a query,
		// so an unknown alias or a misspelt host never reaches the
		// network.
		{Alias: "*", HostName: "%h." + noQueryLabel + ".invalid", Port: 22, User: "nobody", KnownHosts: filepath.Join(keys, "known_hosts_none")},
	})
	b.badUTF8 = filepath.Join(b.dir, "latin1.txt")
	if err := os.WriteFile(b.badUTF8, []byte("caf\xe9 cr\xe8me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t, time.Minute)
	r := run(t, ctx, b.s, "echo done", nil)
	wantStatus(t, r, "completed")
	b.finished = r.str("command_id")
	return b
}

// faultCase is one bad input. A case either must fail (an error result
// whose text holds every string of want and says what to do next), or,
// with ok set, must succeed with every string of want in its text.
type faultCase struct {
	name string
	tool string
	args func(b *faultBed) any // map[string]any, or raw JSON for what a map cannot say
	want []string
	ok   bool
	// bound is how long the call may take: the timeout that governs it
	// plus five seconds. Zero means five seconds.
	bound time.Duration
}

// Bounds of the cases: the timeout that governs each plus five seconds.
const (
	// connectBound: the default ConnectTimeout.
	connectBound = 20 * time.Second
	// payloadBound: execute_command's default timeout, for requests of
	// megabytes that take seconds to travel and parse before anything
	// can be rejected.
	payloadBound = 35 * time.Second
	// raceSlowdown: the race detector makes the JSON parsing of large
	// requests about this much slower; the bounds guard against hangs,
	// they do not measure speed.
	raceSlowdown = 10
)

func lab(extra map[string]any) func(*faultBed) any {
	return func(*faultBed) any {
		return withArgs(map[string]any{"host": "lab", "command": "echo fine"}, extra)
	}
}

// withArgs returns args changed by extra: a nil value removes the
// argument, any other sets it.
func withArgs(args, extra map[string]any) map[string]any {
	for k, v := range extra {
		if v == nil {
			delete(args, k)
		} else {
			args[k] = v
		}
	}
	return args
}

func fixed(args map[string]any) func(*faultBed) any { return func(*faultBed) any { return args } }

func faultCases() []faultCase {
	return append(append(connectionCases(), executeCases()...), append(commandCases(), fileCases()...)...)
}

func connectionCases() []faultCase {
	cmd := func(host string, extra map[string]any) func(*faultBed) any {
		return func(*faultBed) any {
			args := map[string]any{"host": host, "command": "echo fine"}
			for k, v := range extra {
				args[k] = v
			}
			return args
		}
	}
	return []faultCase{
		{name: "unknown alias", tool: "execute_command", args: cmd("lab-typo", nil), want: []string{"lab-typo", "does not resolve"}, bound: connectBound},
		{name: "name that does not resolve", tool: "execute_command", args: cmd("build-7."+noQueryLabel+".invalid", nil), want: []string{"build-7.", "does not resolve"}, bound: connectBound},
		{name: "refused port from ssh_config", tool: "execute_command", args: cmd("closed", nil), want: []string{"refused"}, bound: connectBound},
		{name: "refused port given", tool: "execute_command", args: func(b *faultBed) any {
			return map[string]any{"host": "lab", "port": b.closed, "command": "true"}
		}, want: []string{"refused"}, bound: connectBound},
		{name: "wrong password", tool: "execute_command", args: cmd("r1", map[string]any{"password": faultWrongPassword, "profile": "cisco_ios"}), want: []string{"password"}, bound: connectBound},
		{name: "wrong key", tool: "execute_command", args: cmd("wrongkey", nil), want: []string{"publickey"}, bound: connectBound},
		{name: "missing key file", tool: "execute_command", args: cmd("wrongkey", map[string]any{"key_filename": "/nonexistent/id_ed25519"}), want: []string{"/nonexistent/id_ed25519", "key_filename"}, bound: connectBound},
		{name: "missing key file beside a key that works", tool: "execute_command", args: lab(map[string]any{"key_filename": "/nonexistent/id_rsa"}), want: []string{"/nonexistent/id_rsa", "does not exist", "key_filename"}, bound: connectBound},
		{name: "encrypted key without passphrase", tool: "execute_command", args: cmd("enckey", nil), want: []string{"passphrase"}, bound: connectBound},
		{name: "changed host key", tool: "execute_command", args: cmd("changedkey", nil), want: []string{"known_hosts", "SHA256:"}, bound: connectBound},
		{name: "unknown user", tool: "execute_command", args: cmd("lab", map[string]any{"username": "mcpt-nosuchuser"}), want: []string{"username"}, bound: connectBound},
		{name: "unknown profile", tool: "execute_command", args: cmd("lab", map[string]any{"profile": "no_such_os"}), want: []string{"no_such_os", "linux"}},
		{name: "port above 65535", tool: "execute_command", args: lab(map[string]any{"port": 70000}), want: []string{"port"}},
		{name: "negative port", tool: "execute_command", args: lab(map[string]any{"port": -22}), want: []string{"port"}},
		{name: "port as a string", tool: "execute_command", args: lab(map[string]any{"port": "22"}), want: []string{"port"}},
		{name: "empty host", tool: "execute_command", args: lab(map[string]any{"host": ""}), want: []string{"host"}},
		{name: "missing host", tool: "execute_command", args: lab(map[string]any{"host": nil}), want: []string{"host"}},
		{name: "host as a number", tool: "execute_command", args: lab(map[string]any{"host": 42}), want: []string{"host"}},
	}
}

func executeCases() []faultCase {
	return []faultCase{
		{name: "missing command", tool: "execute_command", args: lab(map[string]any{"command": nil}), want: []string{"command"}},
		{name: "blank command", tool: "execute_command", args: lab(map[string]any{"command": "  \n "}), want: []string{"command", "empty"}},
		{name: "command as a list", tool: "execute_command", args: lab(map[string]any{"command": []string{"ls", "-l"}}), want: []string{"command"}},
		{name: "NUL byte in the command", tool: "execute_command", args: lab(map[string]any{"command": "printf 'a\x00b'"}), want: []string{"NUL"}},
		{name: "4 MiB command", tool: "execute_command", args: lab(map[string]any{"command": "echo " + strings.Repeat("x", 4<<20)}), want: []string{"command", "write_file"}, bound: payloadBound},
		{name: "negative timeout", tool: "execute_command", args: lab(map[string]any{"timeout": -5}), want: []string{"timeout"}},
		{name: "timeout as a word", tool: "execute_command", args: lab(map[string]any{"timeout": "soon"}), want: []string{"timeout"}},
		{name: "huge timeout", tool: "execute_command", args: lab(map[string]any{"command": "echo capped", "timeout": 1e12}), want: []string{"timeout", "86400"}},
		{name: "timeout just above a day", tool: "execute_command", args: lab(map[string]any{"command": "echo capped", "timeout": 86401}), want: []string{"timeout", "86400"}},
		{name: "timeout with a fraction of a second", tool: "execute_command", args: lab(map[string]any{"command": "echo half", "timeout": 10.5}), want: []string{"half"}, ok: true},
		{name: "port as an integral float", tool: "execute_command", args: func(b *faultBed) any {
			return json.RawMessage(fmt.Sprintf(`{"host":"lab","command":"echo float-port","port":%d.0}`, b.labPort))
		}, want: []string{"float-port"}, ok: true},
		{name: "overlong session name", tool: "execute_command", args: lab(map[string]any{"session": strings.Repeat("s", 100)}), want: []string{"session"}},
		{name: "control character in the session name", tool: "execute_command", args: lab(map[string]any{"session": "a\x01b"}), want: []string{"session"}},
		{name: "unknown parameter", tool: "execute_command", args: lab(map[string]any{"bogus_flag": true}), want: []string{"bogus_flag"}},
		{name: "sudo password as a number", tool: "execute_command", args: lab(map[string]any{"sudo_password": 1234}), want: []string{"sudo_password"}},
		{name: "arguments that are not an object", tool: "execute_command", args: func(*faultBed) any { return json.RawMessage(`["lab","true"]`) }, want: []string{"object"}},
		{name: "async with a negative timeout", tool: "execute_command_async", args: lab(map[string]any{"timeout": -1}), want: []string{"timeout"}},
		{name: "async without a command", tool: "execute_command_async", args: lab(map[string]any{"command": nil}), want: []string{"command"}},
		{name: "lone surrogate in the command", tool: "execute_command", args: func(*faultBed) any {
			return json.RawMessage(`{"host":"lab","command":"echo x\ud800y"}`)
		}, want: []string{"x\ufffdy"}, ok: true},
		{name: "binary output", tool: "execute_command", args: lab(map[string]any{"command": `printf 'A\000\001\377\376Z\n'`}), want: []string{`A\x00`, `\xff\xfeZ`}, ok: true},
		{name: "invalid UTF-8 output", tool: "execute_command", args: lab(map[string]any{"command": `printf 'caf\351\n'`}), want: []string{`caf\xe9`}, ok: true},
	}
}

func commandCases() []faultCase {
	unknownID := "00000000-0000-4000-8000-000000000000"
	byID := func(extra map[string]any) func(*faultBed) any {
		return func(b *faultBed) any {
			args := map[string]any{"command_id": b.finished}
			for k, v := range extra {
				args[k] = v
			}
			return args
		}
	}
	return []faultCase{
		{name: "status of an unknown command_id", tool: "get_command_status", args: fixed(map[string]any{"command_id": unknownID}), want: []string{unknownID, "list_command_history"}},
		{name: "status without command_id", tool: "get_command_status", args: fixed(map[string]any{}), want: []string{"command_id"}},
		{name: "command_id as a number", tool: "get_command_status", args: fixed(map[string]any{"command_id": 7}), want: []string{"command_id"}},
		{name: "negative offset", tool: "get_command_status", args: byID(map[string]any{"offset": -1}), want: []string{"offset"}},
		{name: "tiny max_bytes", tool: "get_command_status", args: byID(map[string]any{"max_bytes": 1}), want: []string{"max_bytes"}},
		{name: "input to a finished command", tool: "send_input", args: byID(map[string]any{"input_text": `y\n`}), want: []string{"already finished", "execute_command"}},
		{name: "input to an unknown command", tool: "send_input", args: fixed(map[string]any{"command_id": unknownID, "input_text": `y\n`}), want: []string{unknownID}},
		{name: "bad escape in input", tool: "send_input", args: byID(map[string]any{"input_text": `\xZZ`}), want: []string{"input_text"}},
		{name: "input over 64 KiB", tool: "send_input", args: byID(map[string]any{"input_text": strings.Repeat("y", 70000)}), want: []string{"input_text", "65536", "write_file"}},
		{name: "input without input_text", tool: "send_input", args: byID(nil), want: []string{"input_text"}},
		{name: "input_text and secret together", tool: "send_input", args: byID(map[string]any{"input_text": `y\n`, "secret": "pw"}), want: []string{"secret", "cannot be combined"}},
		{name: "secret to a finished command", tool: "send_input", args: byID(map[string]any{"secret": "pw"}), want: []string{"already finished", "execute_command"}},
		{name: "interrupt of a finished command", tool: "interrupt_command_by_id", args: byID(nil), want: []string{"already finished", "get_command_status"}},
		{name: "interrupt of an unknown command", tool: "interrupt_command_by_id", args: fixed(map[string]any{"command_id": unknownID}), want: []string{unknownID}},
		{name: "history limit zero", tool: "list_command_history", args: fixed(map[string]any{"limit": 0}), want: []string{"limit"}},
		{name: "history limit as an integral float", tool: "list_command_history", args: func(*faultBed) any { return json.RawMessage(`{"limit":5.0}`) }, ok: true},
		{name: "history limit with a fraction", tool: "list_command_history", args: func(*faultBed) any { return json.RawMessage(`{"limit":5.5}`) }, want: []string{"limit", "whole number"}},
		{name: "history limit as a word", tool: "list_command_history", args: fixed(map[string]any{"limit": "ten"}), want: []string{"limit"}},
		{name: "close_session without host", tool: "close_session", args: fixed(map[string]any{"session": "default"}), want: []string{"host"}},
	}
}

func fileCases() []faultCase {
	read := func(extra map[string]any) func(*faultBed) any {
		return func(b *faultBed) any {
			return withArgs(map[string]any{"host": "lab", "remote_path": b.badUTF8}, extra)
		}
	}
	write := func(extra map[string]any) func(*faultBed) any {
		return func(b *faultBed) any {
			return withArgs(map[string]any{"host": "lab", "remote_path": filepath.Join(b.dir, "out.txt"), "content": "x\n"}, extra)
		}
	}
	return []faultCase{
		{name: "read a directory", tool: "read_file", args: read(map[string]any{"remote_path": "/etc"}), want: []string{"directory"}, bound: connectBound},
		{name: "read a missing file", tool: "read_file", args: read(map[string]any{"remote_path": "/nonexistent/mcpssh.txt"}), want: []string{"/nonexistent/mcpssh.txt"}, bound: connectBound},
		{name: "read without remote_path", tool: "read_file", args: read(map[string]any{"remote_path": nil}), want: []string{"remote_path"}},
		{name: "read with an unknown encoding", tool: "read_file", args: read(map[string]any{"encoding": "latin-9"}), want: []string{"encoding"}},
		{name: "read with an unknown errors mode", tool: "read_file", args: read(map[string]any{"errors": "loud"}), want: []string{"errors"}},
		{name: "read with use_sudo as a string", tool: "read_file", args: read(map[string]any{"use_sudo": "yes"}), want: []string{"use_sudo"}},
		{name: "read with max_bytes zero", tool: "read_file", args: read(map[string]any{"max_bytes": 0}), want: []string{"max_bytes"}},
		{name: "read non-UTF-8 strictly", tool: "read_file", args: read(map[string]any{"errors": "strict"}), want: []string{"UTF-8", "base64"}, bound: connectBound},
		{name: "read non-UTF-8 with replacement", tool: "read_file", args: read(nil), want: []string{"caf\ufffd cr\ufffdme"}, ok: true, bound: connectBound},
		{name: "write over the cap", tool: "write_file", args: write(map[string]any{"content": strings.Repeat("x", DefaultFileCap+1)}), want: []string{"content", "append"}, bound: payloadBound},
		{name: "write with octal digits out of range", tool: "write_file", args: write(map[string]any{"permissions": "0999"}), want: []string{"permissions"}},
		{name: "write with symbolic permissions", tool: "write_file", args: write(map[string]any{"permissions": "rwxr-xr-x"}), want: []string{"permissions"}},
		{name: "write with permissions as an integral float", tool: "write_file", args: write(map[string]any{"permissions": json.RawMessage("420.0")}), ok: true},
		{name: "write with negative permissions", tool: "write_file", args: write(map[string]any{"permissions": -1}), want: []string{"permissions"}},
		{name: "write with permissions above 07777", tool: "write_file", args: write(map[string]any{"permissions": 99999}), want: []string{"permissions"}},
		{name: "write with an unknown encoding", tool: "write_file", args: write(map[string]any{"encoding": "utf-16"}), want: []string{"encoding"}},
		{name: "write base64 garbage", tool: "write_file", args: write(map[string]any{"encoding": "base64", "content": "%%% not base64 %%%"}), want: []string{"base64"}},
		{name: "write base64 cut short", tool: "write_file", args: write(map[string]any{"encoding": "base64", "content": base64.StdEncoding.EncodeToString([]byte("hello"))[:5]}), want: []string{"base64"}},
		{name: "write into a missing directory", tool: "write_file", args: write(map[string]any{"remote_path": "/nonexistent/dir/out.txt"}), want: []string{"/nonexistent/dir", "make_dirs"}, bound: connectBound},
		{name: "write over a directory", tool: "write_file", args: func(b *faultBed) any {
			return map[string]any{"host": "lab", "remote_path": b.dir, "content": "x"}
		}, want: []string{"directory"}, bound: connectBound},
		{name: "write with append as a string", tool: "write_file", args: write(map[string]any{"append": "true"}), want: []string{"append"}},
		{name: "write without content", tool: "write_file", args: write(map[string]any{"content": nil}), want: []string{"content"}},
	}
}

// TestFaultBadInputs sends every bad input of faultCases through the real
// binary. Each must give an error result that says what went wrong and
// what to do next (or, for inputs that are odd but valid, the right
// result), within its bound, with the server serving a normal command
// after it; no secret given to it comes back, and nothing panicked.
func TestFaultBadInputs(t *testing.T) {
	b := newFaultBed(t)
	cases := faultCases()
	if n := len(cases); n < 40 {
		t.Fatalf("%d bad inputs, want at least 40", n)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bound := c.bound
			if bound == 0 {
				bound = 5 * time.Second
			}
			if raceEnabled {
				bound *= raceSlowdown
			}
			ctx, cancel := context.WithTimeout(context.Background(), bound+time.Minute)
			defer cancel()
			start := time.Now()
			r, err := b.s.callErr(ctx, c.tool, c.args(b), nil)
			took := time.Since(start)
			switch {
			case err != nil:
				t.Fatalf("%s: a protocol error instead of a tool result: %v", c.tool, err)
			case took > bound:
				t.Errorf("%s took %s, more than its bound %s", c.tool, took.Round(time.Millisecond), bound)
			case c.ok && r.IsError:
				t.Errorf("%s: error result, want success:\n%s", c.tool, r.Text)
			case !c.ok && !r.IsError:
				t.Errorf("%s: success, want an error result:\n%.600s", c.tool, r.Text)
			case !c.ok && !strings.Contains(r.Text, "Next:"):
				t.Errorf("%s: the error does not say what to do next:\n%s", c.tool, r.Text)
			}
			for _, w := range c.want {
				if !strings.Contains(r.Text, w) {
					t.Errorf("%s: result does not mention %q:\n%.800s", c.tool, w, r.Text)
				}
			}
			alive := run(t, ctx, b.s, "echo alive", nil)
			if alive.IsError || alive.str("output") != "alive\n" {
				t.Fatalf("after %q the server no longer serves: %s", c.name, alive.Text)
			}
		})
	}
	b.s.assertNoSecrets(faultWrongPassword, faultPassphrase)
	for where, text := range map[string]string{"log": b.s.Log(), "stderr": b.s.Stderr.String()} {
		if strings.Contains(text, "panic") || strings.Contains(text, "DATA RACE") {
			t.Errorf("the server's %s reports a panic or a race:\n%.3000s", where, text)
		}
	}
}

// TestFaultUnknownTool: a tool name the server does not have is a
// protocol error naming it, and the server goes on serving.
func TestFaultUnknownTool(t *testing.T) {
	s, _ := linuxServer(t)
	ctx := testContext(t, time.Minute)
	if _, err := s.callErr(ctx, "format_disk", map[string]any{"host": "lab"}, nil); err == nil || !strings.Contains(err.Error(), "format_disk") {
		t.Errorf("unknown tool: err %v, want a protocol error naming it", err)
	}
	if r := run(t, ctx, s, "echo alive", nil); r.str("output") != "alive\n" {
		t.Errorf("after an unknown tool: %s", r.Text)
	}
}
