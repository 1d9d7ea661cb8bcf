package bench

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkg/sftp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

// The file benchmarks move files between the benchmark and the test sshd,
// which run on the same machine: "remote" paths are in a directory of
// their own, so local and remote copies never share a name.

const (
	twoMiB   = 2 << 20
	fiftyMiB = 50 << 20
)

// textOf returns n bytes of printable text that differ from line to line.
func textOf(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString("line of benchmark text, number ")
		b.WriteString(strings.Repeat("0123456789"[i%10:i%10+1], 1+i%40))
		b.WriteByte('\n')
	}
	return b.String()[:n]
}

// sharedFile writes content to a new file named name that the login
// account can read, and returns its path.
func sharedFile(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(sharedDir(tb), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func readFile2MiB(r *run) {
	s, _ := linuxServer(r.tb)
	want := textOf(twoMiB)
	path := sharedFile(r.tb, "read.txt", want)
	args := map[string]any{"host": linuxAlias, "remote_path": path, "max_bytes": twoMiB}
	s.call("read_file", args)
	r.ready()
	for range r.n {
		var res result
		r.op(func() { res = s.call("read_file", args) })
		if got := res.str("content"); got != want || res.Data["truncated"] != false {
			r.tb.Fatalf("read_file: %d bytes, truncated %v; want the %d bytes written", len(got), res.Data["truncated"], len(want))
		}
	}
}

func writeFile2MiB(r *run) {
	s, _ := linuxServer(r.tb)
	content := textOf(twoMiB)
	path := filepath.Join(sharedDir(r.tb), "written.txt")
	args := map[string]any{"host": linuxAlias, "remote_path": path, "content": content}
	s.call("write_file", args)
	r.ready()
	for range r.n {
		r.untimed(func() { os.Remove(path) })
		var res result
		r.op(func() { res = s.call("write_file", args) })
		if n := res.num("bytes_written"); n != twoMiB {
			r.tb.Fatalf("write_file: bytes_written %d, want %d\n%.500s", n, twoMiB, res.Text)
		}
		r.untimed(func() {
			if got, err := os.ReadFile(path); err != nil || string(got) != content {
				r.tb.Fatalf("after write_file the file has %d bytes (err %v), want the %d bytes sent", len(got), err, twoMiB)
			}
		})
	}
}

// transfer is a 50 MiB file on the benchmark's side and the remote path
// it is copied to and from.
type transfer struct {
	local, remote, back string
	sum                 [32]byte
}

func newTransfer(tb testing.TB) transfer {
	tb.Helper()
	data := make([]byte, fiftyMiB)
	rand.Read(data)
	local, remote := tb.TempDir(), sharedDir(tb)
	t := transfer{local: filepath.Join(local, "big.bin"), remote: filepath.Join(remote, "big.bin"),
		back: filepath.Join(local, "back.bin"), sum: sha256.Sum256(data)}
	if err := os.WriteFile(t.local, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return t
}

// check fails unless path holds the transfer's bytes.
func (t transfer) check(tb testing.TB, path string) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil || sha256.Sum256(data) != t.sum {
		tb.Fatalf("%s: %d bytes (err %v) differ from the %d bytes sent", path, len(data), err, fiftyMiB)
	}
}

// sftpClient returns the SFTP client of the connection the devices layer
// keeps (Conn.SFTP), as the file tools use it.
func sftpClient(tb testing.TB, conn *devices.Conn) *sftp.Client {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	c, err := conn.SFTP(ctx)
	if err != nil {
		tb.Fatalf("Conn.SFTP: %v", err)
	}
	return c
}

func sftpPut(tb testing.TB, c *sftp.Client, local, remote string) {
	tb.Helper()
	src, err := os.Open(local)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dst, err := c.Create(remote)
	if err != nil {
		tb.Fatalf("sftp create %s: %v", remote, err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		tb.Fatalf("sftp put %s: %v", remote, err)
	}
	if err := dst.Close(); err != nil {
		tb.Fatalf("sftp close %s: %v", remote, err)
	}
}

func sftpGet(tb testing.TB, c *sftp.Client, remote, local string) {
	tb.Helper()
	src, err := c.Open(remote)
	if err != nil {
		tb.Fatalf("sftp open %s: %v", remote, err)
	}
	defer src.Close()
	dst, err := os.Create(local)
	if err != nil {
		tb.Fatal(err)
	}
	defer dst.Close()
	if _, err := io.Copy(dst, src); err != nil {
		tb.Fatalf("sftp get %s: %v", remote, err)
	}
}

// sftpDevices: put then get of 50 MiB over the SFTP client of a
// connection the devices layer keeps; each direction is one operation.
func sftpDevices(put bool) body {
	return func(r *run) {
		c := sftpClient(r.tb, poolConn(r.tb, startLinux(r.tb).target()))
		t := newTransfer(r.tb)
		sftpPut(r.tb, c, t.local, t.remote)
		r.ready()
		for range r.n {
			if put {
				r.op(func() { sftpPut(r.tb, c, t.local, t.remote) })
				r.untimed(func() { t.check(r.tb, t.remote) })
			} else {
				r.op(func() { sftpGet(r.tb, c, t.remote, t.back) })
				r.untimed(func() { t.check(r.tb, t.back) })
			}
		}
	}
}

// sftpOpenSSH: the same with OpenSSH's sftp in batch mode through a
// ControlMaster connection.
func sftpOpenSSH(put bool) body {
	return func(r *run) {
		cm := startControlMaster(r.tb, startLinux(r.tb))
		t := newTransfer(r.tb)
		cm.sftp(r.tb, "put "+t.local+" "+t.remote)
		r.ready()
		for range r.n {
			if put {
				r.op(func() { cm.sftp(r.tb, "put "+t.local+" "+t.remote) })
				r.untimed(func() { t.check(r.tb, t.remote) })
			} else {
				r.op(func() { cm.sftp(r.tb, "get "+t.remote+" "+t.back) })
				r.untimed(func() { t.check(r.tb, t.back) })
			}
		}
	}
}

var fileVariants = []variant{
	{name: "mcp_read_file_2MiB", body: readFile2MiB, short: 1},
	{name: "raw_stdio_read_file_2MiB", body: readFileRaw, short: 1},
	{name: "mcp_write_file_2MiB", body: writeFile2MiB, short: 1},
	{name: "devices_sftp_put_50MiB", body: sftpDevices(true), short: 1},
	{name: "openssh_sftp_put_50MiB", body: sftpOpenSSH(true), short: 1},
	{name: "devices_sftp_get_50MiB", body: sftpDevices(false), short: 1},
	{name: "openssh_sftp_get_50MiB", body: sftpOpenSSH(false), short: 1},
}

// BenchmarkFiles: read_file and write_file of 2 MiB through MCP, and
// 50 MiB over SFTP through the devices layer beside OpenSSH's sftp.
func BenchmarkFiles(b *testing.B) { benchmark(b, fileVariants) }
