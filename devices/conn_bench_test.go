package devices

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// benchTarget logs in as the account without sudo when running as root,
// so that root's shell start-up files do not weigh on exec figures.
func benchTarget(b *testing.B, s *devicetest.SSHD) hosts.Target {
	b.Helper()
	tg := keyTarget(s)
	if os.Geteuid() == 0 {
		tg.User = devicetest.TestAccount(b, "nosudo").Name
	}
	return tg
}

// BenchmarkConnDial measures a fresh connection: TCP, key exchange, host key
// check against known_hosts and public key authentication.
func BenchmarkConnDial(b *testing.B) {
	s := devicetest.StartSSHD(b, devicetest.SSHDOptions{})
	tg := benchTarget(b, s)
	p := NewPool(PoolOptions{})
	b.Cleanup(func() { p.Close() })
	for b.Loop() {
		if _, _, err := p.Conn(b.Context(), tg); err != nil {
			b.Fatal(err)
		}
		p.CloseKey(tg.Key())
	}
}

// BenchmarkConnExec measures one exec channel running `true` on a warm
// connection: channel open, exec request, the login shell, exit status.
func BenchmarkConnExec(b *testing.B) {
	s := devicetest.StartSSHD(b, devicetest.SSHDOptions{})
	c := mustConn(b, newTestPool(b, PoolOptions{}), benchTarget(b, s))
	for b.Loop() {
		if code, err := c.Exec(b.Context(), "true", nil, nil, nil); code != 0 || err != nil {
			b.Fatal(code, err)
		}
	}
}

// BenchmarkConnShellEcho measures a round trip through a PTY shell: a line
// typed, its output read back.
func BenchmarkConnShellEcho(b *testing.B) {
	s := devicetest.StartSSHD(b, devicetest.SSHDOptions{})
	c := mustConn(b, newTestPool(b, PoolOptions{}), benchTarget(b, s))
	sh, err := c.Shell(testCtx(b, 30*time.Second), "dumb", 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer sh.Close()
	io.WriteString(sh, "stty -echo; PS1=; PS2=\n")
	buf := make([]byte, 4096)
	mark := []byte("bench-mark\n")
	var seen bytes.Buffer
	for b.Loop() {
		if _, err := io.WriteString(sh, "echo bench-mark\n"); err != nil {
			b.Fatal(err)
		}
		for !bytes.Contains(seen.Bytes(), mark) {
			n, err := sh.Read(buf)
			if err != nil {
				b.Fatal(err)
			}
			seen.Write(bytes.ReplaceAll(buf[:n], []byte("\r\n"), []byte("\n")))
		}
		_, after, _ := bytes.Cut(seen.Bytes(), mark)
		rest := append([]byte(nil), after...)
		seen.Reset()
		seen.Write(rest)
	}
}

// BenchmarkConnFiles2MiB measures a 2 MiB atomic write and read over SFTP.
func BenchmarkConnFiles2MiB(b *testing.B) {
	s := devicetest.StartSSHD(b, devicetest.SSHDOptions{})
	c := mustConn(b, newTestPool(b, PoolOptions{}), benchTarget(b, s))
	data := bytes.Repeat([]byte("0123456789abcdef"), (2<<20)/16)
	path := "/tmp/mcpt-bench-" + tempSuffix()
	b.Cleanup(func() { os.Remove(path) })
	b.SetBytes(int64(2 * len(data)))
	for b.Loop() {
		if _, err := c.WriteFile(b.Context(), path, data, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
		if r, err := c.ReadFile(b.Context(), path, ReadOptions{}); err != nil || len(r.Data) != len(data) {
			b.Fatal(len(r.Data), err)
		}
	}
}
