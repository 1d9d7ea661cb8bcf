package mcp

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

const twoMiB = 2 << 20

func TestE2EFiles(t *testing.T) {
	s, _ := linuxServer(t)
	ctx := testContext(t, 3*time.Minute)
	dir := userDir(t, s.user)

	t.Run("text round trip", func(t *testing.T) { filesText(t, ctx, s, dir) })
	t.Run("binary round trip", func(t *testing.T) { filesBinary(t, ctx, s, dir) })
	t.Run("refusals", func(t *testing.T) { filesRefused(t, ctx, s, dir) })
	t.Run("sudo", func(t *testing.T) { filesSudo(t, ctx, s, dir) })
	s.assertNoSecrets(devicetest.AccountPassword)
}

func filesText(t *testing.T, ctx context.Context, s *e2eServer, dir string) {
	line := "ünïcode line with tabs\tand € signs\n"
	text := strings.Repeat(line, twoMiB/len(line))
	text += strings.Repeat("x", twoMiB-len(text))
	path := dir + "/e2e-text.txt"
	w := s.call(t, ctx, "write_file", map[string]any{"host": "lab", "remote_path": path, "content": text})
	if n, _ := w.num("bytes_written"); w.IsError || n != twoMiB {
		t.Fatalf("write 2 MiB text: %d bytes written:\n%s", n, w.Text)
	}
	r := s.call(t, ctx, "read_file", map[string]any{"host": "lab", "remote_path": path})
	if r.IsError || r.str("content") != text || r.Data["truncated"] != false {
		t.Fatalf("read back: isError %v, %d bytes, truncated %v", r.IsError, len(r.str("content")), r.Data["truncated"])
	}
	r = s.call(t, ctx, "read_file", map[string]any{"host": "lab", "remote_path": path, "max_bytes": 100})
	if size, _ := r.num("size"); r.Data["truncated"] != true || size != twoMiB || !strings.Contains(r.Text, fmt.Sprint(twoMiB)) {
		t.Errorf("read with max_bytes 100: truncated %v size %d:\n%.300s", r.Data["truncated"], size, r.Text)
	}
}

func filesBinary(t *testing.T, ctx context.Context, s *e2eServer, dir string) {
	data := make([]byte, twoMiB)
	rand.Read(data)
	path := dir + "/e2e-binary.bin"
	w := s.call(t, ctx, "write_file", map[string]any{"host": "lab", "remote_path": path,
		"content": base64.StdEncoding.EncodeToString(data), "encoding": "base64", "permissions": "0600"})
	if w.IsError {
		t.Fatalf("write 2 MiB binary: %s", w.Text)
	}
	r := s.call(t, ctx, "read_file", map[string]any{"host": "lab", "remote_path": path, "encoding": "base64"})
	got, err := base64.StdEncoding.DecodeString(r.str("content"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("binary read back differs (%d bytes, err %v)", len(got), err)
	}
	if out := run(t, ctx, s, "stat -c %a "+path, nil).str("output"); out != "600\n" {
		t.Errorf("permissions \"0600\" gave mode %q", out)
	}
	s.call(t, ctx, "write_file", map[string]any{"host": "lab", "remote_path": path, "content": "x", "permissions": 420})
	if out := run(t, ctx, s, "stat -c %a "+path, nil).str("output"); out != "644\n" {
		t.Errorf("permissions 420 gave mode %q", out)
	}
}

func filesRefused(t *testing.T, ctx context.Context, s *e2eServer, dir string) {
	over := strings.Repeat("y", twoMiB+1)
	r := s.call(t, ctx, "write_file", map[string]any{"host": "lab", "remote_path": dir + "/too-big", "content": over})
	if !r.IsError || !strings.Contains(r.Text, `"content"`) {
		t.Errorf("write over the cap: %v %.300s", r.IsError, r.Text)
	}
	r = s.call(t, ctx, "read_file", map[string]any{"host": "lab", "remote_path": dir})
	if !r.IsError || !strings.Contains(r.Text, "directory") {
		t.Errorf("read of a directory: %v %.300s", r.IsError, r.Text)
	}
	r = s.call(t, ctx, "read_file", map[string]any{"host": "lab", "remote_path": dir + "/missing-e2e"})
	if !r.IsError || !strings.Contains(r.Text, "missing-e2e") {
		t.Errorf("read of a missing file: %v %.300s", r.IsError, r.Text)
	}
}

func filesSudo(t *testing.T, ctx context.Context, s *e2eServer, dir string) {
	acct := sudoAccount(t)
	as := func(args map[string]any) map[string]any {
		args["host"], args["username"] = "lab", acct.Name
		return args
	}
	path := fmt.Sprintf("/etc/mcpt-e2e-%d.conf", time.Now().UnixNano())
	t.Cleanup(func() { os.Remove(path) })
	w := s.call(t, ctx, "write_file", as(map[string]any{"remote_path": path, "content": "secret=old\n",
		"permissions": "0600", "sudo_password": acct.Password}))
	if w.IsError || w.Data["via_sudo"] != true {
		t.Fatalf("sudo write: %s", w.Text)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("after the sudo write: %v %v", fi, err)
	}
	r := s.call(t, ctx, "read_file", as(map[string]any{"remote_path": path}))
	if !r.IsError {
		t.Errorf("reading a root-only file without sudo succeeded: %s", r.Text)
	}
	r = s.call(t, ctx, "read_file", as(map[string]any{"remote_path": path, "sudo_password": acct.Password}))
	if r.str("content") != "secret=old\n" || r.Data["via_sudo"] != true {
		t.Errorf("sudo read: %q via_sudo %v\n%s", r.str("content"), r.Data["via_sudo"], r.Text)
	}
	w = s.call(t, ctx, "write_file", as(map[string]any{"remote_path": path, "content": "secret=new\n",
		"sudo_password": "wrong-" + acct.Password}))
	if !w.IsError {
		t.Errorf("sudo write with a wrong password succeeded: %s", w.Text)
	}
	if got, _ := os.ReadFile(path); string(got) != "secret=old\n" {
		t.Errorf("a failed sudo write changed the file to %q", got)
	}
}

func TestE2EBadInputs(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	stranger := sshdHost("stranger", sshd, sshd.User)
	stranger.KnownHosts = filepath.Join(t.TempDir(), "empty_known_hosts")
	if err := os.WriteFile(stranger.KnownHosts, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User), stranger})
	ctx := testContext(t, 2*time.Minute)
	cases := []struct {
		tool string
		args map[string]any
		want string // in the error text
	}{
		{"execute_command", map[string]any{"command": "true"}, "host"},
		{"execute_command", map[string]any{"host": "lab"}, "command"},
		{"execute_command", map[string]any{"host": "lab", "command": "true", "timeout": -1}, "timeout"},
		{"execute_command", map[string]any{"host": "lab", "command": "true", "port": "22"}, "port"},
		{"execute_command", map[string]any{"host": "lab", "command": "true", "bogus": 1}, "bogus"},
		{"execute_command", map[string]any{"host": "lab", "command": "echo \x00"}, "NUL"},
		{"execute_command", map[string]any{"host": "lab", "command": strings.Repeat("x", 300<<10)}, "command"},
		{"execute_command", map[string]any{"host": "127.0.0.1", "port": 1, "command": "true"}, "127.0.0.1"},
		{"execute_command", map[string]any{"host": "lab", "username": "mcpt-nobody", "command": "true"}, "authentication"},
		{"execute_command", map[string]any{"host": "stranger", "command": "true"}, "known_hosts"},
		{"get_command_status", map[string]any{"command_id": "nope"}, "nope"},
		{"get_command_status", map[string]any{"command_id": "nope", "max_bytes": 1}, "max_bytes"},
		{"send_input", map[string]any{"command_id": "nope", "input_text": `\x0`}, "input_text"},
		{"interrupt_command_by_id", map[string]any{}, "command_id"},
		{"list_command_history", map[string]any{"limit": 0}, "limit"},
		{"read_file", map[string]any{"host": "lab", "remote_path": "/etc/hostname", "encoding": "latin-9"}, "encoding"},
		{"read_file", map[string]any{"host": "lab", "remote_path": "/etc/hostname", "errors": "loud"}, "errors"},
		{"write_file", map[string]any{"host": "lab", "remote_path": "/tmp/x", "content": "x", "permissions": "0999"}, "permissions"},
		{"write_file", map[string]any{"host": "lab", "remote_path": "/tmp/x", "content": "%%%", "encoding": "base64"}, "base64"},
	}
	for _, c := range cases {
		r := s.call(t, ctx, c.tool, c.args)
		if !r.IsError || !strings.Contains(r.Text, c.want) {
			t.Errorf("%s(%.80v): isError %v, want an error mentioning %q:\n%.400s", c.tool, c.args, r.IsError, c.want, r.Text)
		}
	}
	if r := run(t, ctx, s, "echo still serving", nil); r.str("output") != "still serving\n" {
		t.Errorf("after bad inputs: %q", r.str("output"))
	}
}
