package devices

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

func TestProxyJumpChain(t *testing.T) {
	target := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	hop1 := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	hop2 := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	p := newTestPool(t, PoolOptions{})

	tg := keyTarget(target)
	tg.ProxyJump = []hosts.Target{keyTarget(hop1), keyTarget(hop2)}
	c := mustConn(t, p, tg)
	var out strings.Builder
	if code, err := c.Exec(testCtx(t, 30*time.Second), "echo through", nil, &out, nil); code != 0 || err != nil || out.String() != "through\n" {
		t.Fatalf("Exec through two jumps = %d, %q, %v", code, out.String(), err)
	}
	// The connection really runs through the hops: when the first one
	// goes away, the target's connection dies with it although the
	// target's sshd still runs.
	hop1.Stop()
	select {
	case <-c.Done():
	case <-time.After(20 * time.Second):
		t.Fatalf("connection through a stopped jump host still alive")
	}
	if _, _, err := p.Conn(testCtx(t, 20*time.Second), tg); err == nil || !strings.Contains(err.Error(), "jump host 1 of 2") {
		t.Fatalf("dial through a stopped first hop: err = %v, want it to name jump host 1 of 2", err)
	}
}

func TestProxyJumpHopChecksItsOwnHostKey(t *testing.T) {
	target := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	hop := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	hopTarget := keyTarget(hop)
	kh := filepath.Join(t.TempDir(), "known_hosts")
	writeFile(t, kh, "")
	hopTarget.KnownHostsFiles = []string{kh} // the hop is unknown, and StrictHostKeyChecking is yes
	tg := keyTarget(target)
	tg.ProxyJump = []hosts.Target{hopTarget}
	_, _, err := newTestPool(t, PoolOptions{}).Conn(testCtx(t, 20*time.Second), tg)
	var he *HostKeyError
	if !errors.As(err, &he) || he.Kind != HostKeyUnknown || !strings.Contains(err.Error(), "jump host 1 of 1") {
		t.Fatalf("unknown jump host: err = %v, want an unknown-host-key error naming the jump host", err)
	}
	if he.Host != "["+hop.Host+"]:"+strconv.Itoa(hop.Port) {
		t.Fatalf("host key error for %q, want the jump host [%s]:%d", he.Host, hop.Host, hop.Port)
	}
}
