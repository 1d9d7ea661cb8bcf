package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// The OpenSSH comparisons use the system's ssh and sftp clients with a
// private configuration file (-F), so nothing of the user's ~/.ssh is read,
// through one ControlMaster connection: the way scripts usually avoid a
// new login per command.

// controlMaster is an OpenSSH master connection to a test sshd, owned by
// the benchmark and ended at cleanup.
type controlMaster struct {
	config string // ssh_config for the "bench" alias
	socket string
}

// startControlMaster starts "ssh -M -N" as a child process and returns
// once its control socket answers "ssh -O check".
func startControlMaster(tb testing.TB, box linuxBox) *controlMaster {
	tb.Helper()
	if _, err := exec.LookPath("ssh"); err != nil {
		devicetest.Require(tb, false, "ssh not found: install openssh-client")
	}
	// A Unix socket path is limited to about 100 bytes; TempDir's names
	// grow with the benchmark's name, so use a short directory.
	dir, err := os.MkdirTemp("", "cm")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	cm := &controlMaster{config: filepath.Join(dir, "config"), socket: filepath.Join(dir, "s")}
	cfg := fmt.Sprintf("Host bench\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n"+
		"  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n  BatchMode yes\n"+
		"  ControlPath %s\n  LogLevel ERROR\n",
		box.sshd.Host, box.sshd.Port, box.sshd.User, box.sshd.ClientKey.Path, box.sshd.KnownHostsPath, cm.socket)
	if err := os.WriteFile(cm.config, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	var stderr mcptest.Buffer
	master := exec.Command("ssh", "-F", cm.config, "-M", "-N", "-o", "ControlMaster=yes", "bench")
	master.Stderr = &stderr
	if err := master.Start(); err != nil {
		tb.Fatalf("start the ssh master: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- master.Wait() }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = exec.CommandContext(ctx, "ssh", "-F", cm.config, "-O", "exit", "bench").Run()
		select {
		case <-exited:
		case <-ctx.Done():
			master.Process.Kill()
			<-exited
		}
	})
	cm.waitReady(tb, exited, &stderr)
	return cm
}

// waitReady polls the control socket until the master has logged in.
func (cm *controlMaster) waitReady(tb testing.TB, exited chan error, stderr *mcptest.Buffer) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := exec.CommandContext(ctx, "ssh", "-F", cm.config, "-O", "check", "bench").Run()
		cancel()
		if err == nil {
			return
		}
		select {
		case werr := <-exited:
			exited <- werr // let cleanup see it too
			tb.Fatalf("the ssh master exited: %v\n%s", werr, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the ssh master's socket did not answer within 20 s: %v\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// run executes command through the master and returns its stdout.
func (cm *controlMaster) run(tb testing.TB, command string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", "-F", cm.config, "-o", "ControlMaster=no", "bench", command)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("ssh %q: %v\n%s", command, err, stderr.String())
	}
	return string(out)
}

// sftp runs OpenSSH's sftp in batch mode with one command ("put a b",
// "get a b") through the master.
func (cm *controlMaster) sftp(tb testing.TB, command string) {
	tb.Helper()
	if _, err := exec.LookPath("sftp"); err != nil {
		devicetest.Require(tb, false, "sftp not found: install openssh-client")
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sftp", "-q", "-F", cm.config, "-o", "ControlMaster=no", "-b", "-", "bench")
	cmd.Stdin = strings.NewReader(command + "\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		tb.Fatalf("sftp %q: %v\n%s", command, err, out.String())
	}
}
