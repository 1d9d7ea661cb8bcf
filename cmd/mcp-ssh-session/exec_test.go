package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

// execHost starts an sshd and writes an ssh_config with alias "lab" for
// the current user, returning the flags that point exec at it.
func execHost(t *testing.T) []string {
	t.Helper()
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("SSH_AUTH_SOCK", "")
	// A test account's dotfiles are known; the current user's may make
	// every shell slow to start. Without root only the latter exists.
	user := sshd.User
	if os.Geteuid() == 0 {
		user = devicetest.TestAccount(t, "nosudo").Name
	}
	cfg := fmt.Sprintf("Host lab\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		sshd.Host, sshd.Port, user, sshd.ClientKey.Path, sshd.KnownHostsPath)
	path := filepath.Join(home, "ssh_config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(home, "exec.log")
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("exec log:\n%s", b)
		}
	})
	return []string{"--ssh-config", path, "--log-file", logPath, "--log-level", "debug"}
}

func runExecArgs(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	code := run(ctx, append([]string{"exec"}, args...), stdio{in: strings.NewReader(stdin), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

func TestExecPassesOutputAndExitStatus(t *testing.T) {
	flags := execHost(t)
	code, out, errOut := runExecArgs(t, "", append(flags, "lab", "--", "echo", "hello;", "sh", "-c", "'exit 3'")...)
	if code != 3 || out != "hello\n" {
		t.Errorf("exec echo hello; sh -c 'exit 3': code %d stdout %q stderr %q, want 3 and %q", code, out, errOut, "hello\n")
	}
	code, out, errOut = runExecArgs(t, "", append(flags, "lab", "--", "cd /tmp && pwd")...)
	if code != 0 || out != "/tmp\n" {
		t.Errorf("exec pwd: code %d stdout %q stderr %q", code, out, errOut)
	}
}

func TestExecAnswersPromptsFromStdin(t *testing.T) {
	flags := execHost(t)
	code, out, errOut := runExecArgs(t, "typed\n", append(flags, "lab", "--", `read -r -p "Name? " x; echo "got:$x"`)...)
	if code != 0 || !strings.Contains(out, "got:typed") {
		t.Errorf("exec read: code %d stdout %q stderr %q", code, out, errOut)
	}
}

func TestExecFailures(t *testing.T) {
	flags := execHost(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"lab"}, exitUsage, "usage"},
		{[]string{"--sudo-password-env", "MCPT_UNSET_VAR", "lab", "--", "true"}, exitUsage, "MCPT_UNSET_VAR"},
		{[]string{"--port", "1", "127.0.0.1", "--", "true"}, exitMachinery, "refused"},
		{[]string{"--timeout", "2s", "lab", "--", "sleep 60"}, exitTimeout, "timeout"},
		{[]string{"lab", "--", "exit"}, exitMachinery, "lost"},
	}
	for _, tt := range tests {
		code, _, errOut := runExecArgs(t, "", append(flags, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("exec %q: code %d stderr %q, want %d mentioning %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// --timeout interrupts the command and still prints what it wrote after
// Ctrl+C: here a trap's last line, as ping prints its statistics.
func TestExecTimeoutKeepsTheTail(t *testing.T) {
	flags := execHost(t)
	cmd := `bash -c 'trap "echo tail-after-interrupt; exit 3" INT; echo started; sleep 60 & wait'`
	code, out, errOut := runExecArgs(t, "", append(flags, "--timeout", "2s", "lab", "--", cmd)...)
	if code != exitTimeout || !strings.Contains(out, "started\n") || !strings.Contains(out, "tail-after-interrupt") {
		t.Fatalf("exec --timeout: code %d stdout %q stderr %q; want %d and the line printed after Ctrl+C", code, out, errOut, exitTimeout)
	}
	if !strings.Contains(errOut, "status interrupted") {
		t.Errorf("stderr %q does not say how the command ended", errOut)
	}
}

// On a real router CLI (FRRouting's vtysh), --timeout interrupts ping and
// still prints the statistics ping writes after Ctrl+C, and says the
// command was interrupted.
func TestExecTimeoutKeepsTheTailOnFRR(t *testing.T) {
	f := devicetest.StartFRR(t, devicetest.FRROptions{Routes: -1})
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("SSH_AUTH_SOCK", "")
	cfg := fmt.Sprintf("Host frr\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n",
		f.Host, f.Port, f.User, f.ClientKey.Path, f.KnownHostsPath)
	path := filepath.Join(home, "ssh_config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runExecArgs(t, "", "--ssh-config", path, "--profile", "frr", "--timeout", "3s", "frr", "--", "ping", "127.0.0.1")
	if code != exitTimeout || !strings.Contains(out, "bytes from 127.0.0.1") || !strings.Contains(out, "ping statistics") {
		t.Fatalf("exec --timeout ping: code %d stdout %q stderr %q; want %d and the statistics", code, out, errOut, exitTimeout)
	}
	if !strings.Contains(errOut, "status interrupted") || strings.Contains(out, f.Hostname+"#") {
		t.Errorf("stderr %q, stdout %q: want \"status interrupted\" and no prompt in the output", errOut, out)
	}
}
