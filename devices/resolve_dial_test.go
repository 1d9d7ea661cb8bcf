package devices

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// TestResolvedTargetDials closes the loop with real OpenSSH servers: an
// alias that reaches its host through a jump host, written only in
// ssh_config, resolves (both ways) to a Target the connection layer can
// dial, with StrictHostKeyChecking yes and the known_hosts files named
// there.
func TestResolvedTargetDials(t *testing.T) {
	target := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	jump := devicetest.StartSSHD(t, devicetest.SSHDOptions{AuthorizedKeys: []ssh.PublicKey{target.ClientKey.Public}})
	home := t.TempDir()
	sshConfig := filepath.Join(home, "ssh_config")
	writeFile(t, sshConfig, fmt.Sprintf(`Host lab-*
  HostName 127.0.0.1
  User %s
  IdentitiesOnly yes
  IdentityAgent none
  IdentityFile %s
  UserKnownHostsFile %s %s
  StrictHostKeyChecking yes
Host lab-jump
  Port %d
Host lab-target
  Port %d
  ProxyJump lab-jump
`, target.User, target.ClientKey.Path, jump.KnownHostsPath, target.KnownHostsPath, jump.Port, target.Port))
	for _, backend := range []string{"ssh", "lib"} {
		t.Run(backend, func(t *testing.T) {
			bin := "none"
			if backend == "ssh" {
				p, err := exec.LookPath("ssh")
				devicetest.Require(t, err == nil, "ssh (OpenSSH client) not found: install openssh-client")
				bin = p
			}
			r, err := hosts.NewResolver(hosts.ResolverOptions{SSHConfigPath: sshConfig,
				ConfigPath: filepath.Join(home, "config.yaml"), Home: home, SSHBinary: bin,
				Env: func(string) (string, bool) { return "", false }})
			if err != nil {
				t.Fatalf("NewResolver: %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			tg, err := r.Resolve(ctx, hosts.Request{Host: "lab-target"})
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if len(tg.ProxyJump) != 1 || tg.ProxyJump[0].Port != jump.Port || tg.Port != target.Port {
				t.Fatalf("resolved %s via %d hops, want 127.0.0.1:%d via 127.0.0.1:%d", tg.Key(), len(tg.ProxyJump), target.Port, jump.Port)
			}
			pool := NewPool(PoolOptions{})
			t.Cleanup(func() { pool.Close() })
			conn, _, err := pool.Conn(ctx, tg)
			if err != nil {
				t.Fatalf("dial %s: %v\njump sshd log:\n%s\ntarget sshd log:\n%s", tg.Key(), err, jump.Log(), target.Log())
			}
			var out bytes.Buffer
			code, err := conn.Exec(ctx, "echo resolved-$((40+2)) $SSH_CONNECTION", nil, &out, os.Stderr)
			if err != nil || code != 0 || !bytes.HasPrefix(out.Bytes(), []byte("resolved-42 127.0.0.1 ")) {
				t.Errorf("exec = %d, %v, output %q; want resolved-42 from 127.0.0.1", code, err, out.String())
			}
		})
	}
}
