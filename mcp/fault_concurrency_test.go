package mcp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// TestFaultConcurrentToolCalls: 200 execute_command calls at once across
// 20 hosts through the real binary (built with the race detector when the
// tests run with it): twelve connections to one sshd, direct and through
// proxies, and eight simulated devices on their own loopback addresses,
// with two sessions per host. Every call returns its own command's
// output, and the server serves afterwards.
func TestFaultConcurrentToolCalls(t *testing.T) {
	const calls = 200
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	var hosts []mcptest.Host
	addrs := []string{sshd.Addr}
	user := sshd.User // a login with known, fast dotfiles
	hosts = append(hosts, sshdHost("linux-0", sshd, user))
	var proxied []*devicetest.Proxy
	for range 11 {
		px := devicetest.StartProxy(t, sshd.Addr)
		proxied = append(proxied, px)
		addrs = append(addrs, px.Addr)
	}
	kh := filepath.Join(t.TempDir(), "known_hosts")
	var lines strings.Builder
	for _, a := range addrs {
		lines.WriteString(knownhosts.Line([]string{a}, sshd.HostKey) + "\n")
	}
	if err := os.WriteFile(kh, []byte(lines.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, px := range proxied {
		hosts = append(hosts, mcptest.Host{Alias: fmt.Sprintf("linux-%d", i+1), HostName: px.Host, Port: px.Port,
			User: user, IdentityFile: sshd.ClientKey.Path, KnownHosts: kh})
	}
	profiles := map[string]string{}
	for n := 2; n <= 9; n++ {
		platform, profile := "ios", "cisco_ios"
		if n%2 == 1 {
			platform, profile = "junos", "junos"
		}
		alias := fmt.Sprintf("sim-%d", n)
		d := devicetest.StartDevice(t, devsim.Options{Platform: platform, Hostname: alias,
			Password: devicePassword, Listen: fmt.Sprintf("127.0.0.%d:0", n)})
		hosts = append(hosts, deviceHost(alias, d))
		profiles[alias] = profile
	}
	if len(hosts) != 20 {
		t.Fatalf("%d hosts, want 20", len(hosts))
	}
	for i := range hosts {
		// no fault is meant here: 20 dials and 40 shell starts at once on
		// a busy machine under the race detector must not time out
		hosts[i].ConnectTimeout = time.Minute
	}
	s := startServer(t, hosts)
	ctx := testContext(t, 5*time.Minute)

	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Go(func() {
			h := hosts[i%len(hosts)]
			errs <- concurrentToolCall(ctx, s, h.Alias, profiles[h.Alias], i)
		})
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			if failed++; failed <= 10 {
				t.Error(err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d calls failed", failed, calls)
	}
	ls := s.call(t, ctx, "list_sessions", nil)
	if sessions, _ := ls.Data["sessions"].([]any); len(sessions) != 2*len(hosts) {
		t.Errorf("list_sessions shows %d sessions, want two per host (%d):\n%.2000s", len(sessions), 2*len(hosts), ls.Text)
	}
	if r := s.call(t, ctx, "execute_command", map[string]any{"host": "linux-0", "command": "echo still serving"}); r.str("output") != "still serving\n" {
		t.Errorf("after the burst: %s", r.Text)
	}
}

// concurrentToolCall runs call i on alias and checks that the result is
// that call's own: the echoed text on shells, the device's own hostname
// on simulated devices.
func concurrentToolCall(ctx context.Context, s *e2eServer, alias, profile string, i int) error {
	args := map[string]any{"host": alias, "session": []string{"a", "b"}[i/20%2], "timeout": 120}
	want := ""
	if profile == "" {
		args["command"] = fmt.Sprintf("echo %s call %d", alias, i)
		want = fmt.Sprintf("%s call %d\n", alias, i)
	} else {
		args["command"], args["profile"], args["password"] = "show version", profile, devicePassword
		want = map[string]string{"cisco_ios": alias + " uptime is", "junos": "Hostname: " + alias}[profile]
	}
	r, err := s.callErr(ctx, "execute_command", args, nil)
	switch {
	case err != nil:
		return fmt.Errorf("call %d on %s: %v", i, alias, err)
	case r.IsError || r.str("status") != "completed":
		return fmt.Errorf("call %d on %s: status %q isError %v:\n%.500s", i, alias, r.str("status"), r.IsError, r.Text)
	case profile == "" && r.str("output") != want:
		return fmt.Errorf("call %d on %s: output %q, want %q", i, alias, r.str("output"), want)
	case profile != "" && !strings.Contains(r.str("output"), want):
		return fmt.Errorf("call %d on %s: no %q in the output %.300q", i, alias, want, r.str("output"))
	}
	return nil
}
