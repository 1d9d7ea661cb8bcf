package devicetest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// vtyshSession is an interactive vtysh login over SSH with a PTY.
type vtyshSession struct {
	t     testing.TB
	stdin io.Writer
	mu    sync.Mutex
	buf   bytes.Buffer // everything received so far
	grew  chan struct{}
}

// loginVtysh logs in to f as f.User with ClientKey and starts a shell on
// a vt100 PTY width columns wide.
func loginVtysh(t testing.TB, f *FRR, width int) *vtyshSession {
	t.Helper()
	c := Dial(t, f.Addr, f.ClientConfig(f.User))
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	t.Cleanup(func() { sess.Close() })
	if err := sess.RequestPty("vt100", 24, width, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatalf("request pty: %v", err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	v := &vtyshSession{t: t, stdin: stdin, grew: make(chan struct{}, 1)}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := stdout.Read(b)
			v.mu.Lock()
			v.buf.Write(b[:n])
			v.mu.Unlock()
			select {
			case v.grew <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	if err := sess.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	return v
}

// output returns everything received so far.
func (v *vtyshSession) output() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.buf.String()
}

// waitFor waits until the output after offset from matches re and
// returns the output after from, failing the test after timeout.
func (v *vtyshSession) waitFor(from int, re *regexp.Regexp, timeout time.Duration) string {
	v.t.Helper()
	deadline := time.After(timeout)
	for {
		out := v.output()[from:]
		if re.MatchString(out) {
			return out
		}
		select {
		case <-v.grew:
		case <-deadline:
			v.t.Fatalf("no %q within %v; got %q", re, timeout, out)
		}
	}
}

func (v *vtyshSession) send(s string) int {
	v.t.Helper()
	from := len(v.output())
	if _, err := io.WriteString(v.stdin, s); err != nil {
		v.t.Fatalf("send %q: %v", s, err)
	}
	return from
}

func promptRE(hostname string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(hostname) + `[#>] $`)
}

func TestFRRLoginPromptAndRunningConfig(t *testing.T) {
	f := StartFRR(t, FRROptions{Hostname: "frr-a"})
	v := loginVtysh(t, f, 511)
	login := v.waitFor(0, promptRE(f.Hostname), 20*time.Second)
	if !strings.Contains(login, "Hello, this is FRRouting (version 8.4") {
		t.Errorf("login output lacks the FRRouting greeting: %q", login)
	}
	from := v.send("terminal length 0\n")
	v.waitFor(from, promptRE(f.Hostname), 10*time.Second)
	from = v.send("show running-config\n")
	out := v.waitFor(from, regexp.MustCompile(`(?s)\nend\r?\n.*`+promptRE(f.Hostname).String()), 30*time.Second)
	if !strings.Contains(out, "hostname "+f.Hostname) {
		t.Errorf("running-config lacks hostname %s: %q", f.Hostname, out)
	}
	if lines := strings.Count(out, "\n"); lines < f.Routes {
		t.Errorf("running-config has %d lines, want at least %d (one per static route)", lines, f.Routes)
	}
	if got := f.Vtysh(t, "show ip route summary"); staticRoutes(got) != f.Routes {
		t.Errorf("show ip route summary out of band: want %d static routes, got %q", f.Routes, got)
	}
}

func TestFRRParallelInstancesKeepTheirHostnames(t *testing.T) {
	for _, name := range []string{"frr-p1", "frr-p2"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := StartFRR(t, FRROptions{Hostname: name, Routes: 20})
			v := loginVtysh(t, f, 80)
			out := v.waitFor(0, promptRE(name), 20*time.Second)
			if !strings.Contains(out, "Hello, this is FRRouting") {
				t.Errorf("no greeting: %q", out)
			}
			if got := f.Vtysh(t, "show running-config"); !strings.Contains(got, "hostname "+name+"\n") {
				t.Errorf("out-of-band running-config of %s lacks its hostname: %q", name, got)
			}
		})
	}
}

// TestFRRStopLeavesNoDaemons checks that cleanup ends every process of
// the instance: sshd, the start scripts and the daemons.
func TestFRRStopLeavesNoDaemons(t *testing.T) {
	var pids []int
	t.Run("run", func(t *testing.T) {
		f := StartFRR(t, FRROptions{Routes: -1})
		f.Vtysh(t, "show version")
		f.SSHD.mu.Lock()
		pids = append(descendants(f.SSHD.proc.Process.Pid), f.SSHD.proc.Process.Pid)
		f.SSHD.mu.Unlock()
		var names []string
		for _, pid := range pids {
			comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
			names = append(names, strings.TrimSpace(string(comm)))
		}
		for _, want := range []string{"zebra", "staticd", "bgpd", "sshd"} {
			if !slices.Contains(names, want) {
				t.Errorf("no %s among the router's processes %q", want, names)
			}
		}
	})
	// SIGKILL takes effect asynchronously: give the kernel a moment.
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for {
			_, state, ok := procStat(pid)
			if !ok || state == "Z" || state == "X" {
				break
			}
			if time.Now().After(deadline) {
				comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
				t.Errorf("process %d (%s) of the stopped router remains", pid, bytes.TrimSpace(comm))
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// TestFRRPasswordLoginRunsOneCommand logs in with the account password
// and runs a command without a PTY: sshd hands it to the login shell as
// vtysh -c.
func TestFRRPasswordLoginRunsOneCommand(t *testing.T) {
	f := StartFRR(t, FRROptions{Routes: 5})
	c := Dial(t, f.Addr, f.ClientConfig(f.User, ssh.Password(f.Password)))
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput("show ip route summary")
	if err != nil {
		t.Fatalf("show ip route summary: %v\n%s", err, out)
	}
	if got := staticRoutes(string(out)); got != 5 {
		t.Errorf("want 5 static routes, got %d in %q", got, out)
	}
}
