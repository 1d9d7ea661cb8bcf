package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// lockedBuffer collects a subcommand's stderr while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestDevsimRefusesBadArguments(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"devsim", "--platform", "ios", "--listen", "0.0.0.0:2222"}, 1, "--allow-remote"},
		{[]string{"devsim", "--platform", "ios", "--listen", "[::]:2222"}, 1, "not a loopback address"},
		{[]string{"devsim"}, 2, "--platform (one of aoscx, asa, eos, ios, junos, nxos, os10, routeros, vrp, vyos, xr) is required"},
		{[]string{"devsim", "--platform", "nosuch", "--listen", "127.0.0.1:0"}, 2, `unknown platform "nosuch": use one of aoscx, asa, eos, ios, junos, nxos, os10, routeros, vrp, vyos, xr`},
		{[]string{"devsim", "--platform", "ios", "extra"}, 2, "no other arguments"},
		{[]string{"devsim", "--bogus"}, 2, "flag provided but not defined"},
	}
	for _, tc := range cases {
		code, _, errOut := runArgs(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("run %q: code %d, stderr %q; want code %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	code, _, errOut := runArgs(t, "devsim", "--help")
	if code != 0 || !strings.Contains(errOut, "--platform") {
		t.Errorf("devsim --help: code %d, stderr %q", code, errOut)
	}
}

var listeningRe = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)\n.*host key (SHA256:\S+)`)

func TestDevsimServesLoopback(t *testing.T) {
	for _, platform := range []string{"ios", "junos", "eos", "nxos", "vyos", "xr", "routeros", "asa", "vrp", "os10", "aoscx"} {
		t.Run(platform, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var errOut lockedBuffer
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, []string{"devsim", "--platform", platform, "--listen", "127.0.0.1:0",
					"--password", "pw-" + platform}, stdio{in: strings.NewReader(""), out: &errOut, err: &errOut})
			}()
			m := waitFor(t, &errOut, listeningRe, done)
			prompt := map[string]string{"ios": "R1>", "junos": "admin@vmx1> ", "eos": "leaf1>", "nxos": "nx1# ", "vyos": "admin@vyos:~$ ", "xr": "RP/0/RP0/CPU0:xr1#", "routeros": "[admin@MikroTik] > ", "asa": "asa1> ", "vrp": "<HUAWEI>", "os10": "OS10# ", "aoscx": "sw1#"}[platform]
			if got := devsimLogin(t, m[1], m[2], "pw-"+platform, prompt); !strings.Contains(got, prompt) {
				t.Errorf("no prompt %q after login: %q", prompt, got)
			}
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("devsim exit code %d after Ctrl+C, want 0; stderr %q", code, errOut.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatal("devsim did not stop when its context ended")
			}
		})
	}
}

// waitFor polls the collected stderr until re matches, failing if the
// command exits first or nothing matches in time.
func waitFor(t *testing.T, b *lockedBuffer, re *regexp.Regexp, done chan int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			return m
		}
		select {
		case code := <-done:
			t.Fatalf("devsim exited with %d before listening; stderr %q", code, b.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("devsim printed no address; stderr %q", b.String())
	return nil
}

// devsimLogin logs in with a PTY, checking the printed host key, and
// returns what arrived until the prompt.
func devsimLogin(t *testing.T, addr, fingerprint, password, prompt string) string {
	t.Helper()
	cfg := &ssh.ClientConfig{
		User: "admin",
		Auth: []ssh.AuthMethod{ssh.Password(password)},
		HostKeyCallback: func(_ string, _ net.Addr, key ssh.PublicKey) error {
			if got := ssh.FingerprintSHA256(key); got != fingerprint {
				return fmt.Errorf("host key %s, devsim printed %s", got, fingerprint)
			}
			return nil
		},
		Timeout: 10 * time.Second,
	}
	client, err := ssh.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatalf("ssh.Dial(%q): %v", addr, err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	var out lockedBuffer
	sess.Stdout = &out
	if err := sess.RequestPty("xterm", 24, 80, ssh.TerminalModes{}); err != nil {
		t.Fatalf("pty-req: %v", err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), prompt) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return out.String()
}
