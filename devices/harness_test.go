package devices

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// waitBound is how long a test waits for something that should happen
// promptly; it is a hang guard, never a performance assertion.
const waitBound = 30 * time.Second

// harness is a real sshd on loopback and a Manager whose ssh_config names
// one alias per test account ("bash", "dash", ...) and "self" for the
// current user.
type harness struct {
	t        testing.TB
	sshd     *devicetest.SSHD
	m        *Manager
	accounts map[string]devicetest.Account
}

// harnessOptions adjust newHarness; the zero value is the default.
type harnessOptions struct {
	OutputCap int       // ManagerOptions.OutputCap
	SSHD      string    // extra sshd_config lines
	WireLog   io.Writer // ManagerOptions.WireLog
	// RunningOutput is ManagerOptions.RunningOutput.
	RunningOutput int64
	Logger        *slog.Logger // ManagerOptions.Logger
}

// newHarness starts sshd and a Manager for the given account kinds (each
// skips the test through devicetest.Require when unavailable). The Manager
// is closed by t.Cleanup.
func newHarness(t testing.TB, opts harnessOptions, kinds ...string) *harness {
	t.Helper()
	h := &harness{t: t, accounts: map[string]devicetest.Account{}}
	for _, k := range kinds {
		h.accounts[k] = devicetest.TestAccount(t, k)
	}
	h.sshd = devicetest.StartSSHD(t, devicetest.SSHDOptions{ExtraConfig: opts.SSHD})
	var cfg strings.Builder
	write := func(alias, user string) {
		fmt.Fprintf(&cfg, "Host %s\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n\n",
			alias, h.sshd.Host, h.sshd.Port, user, h.sshd.ClientKey.Path, h.sshd.KnownHostsPath)
	}
	write("self", h.sshd.User)
	for k, a := range h.accounts {
		write(k, a.Name)
	}
	// the last bytes of every shell, shown when the test fails
	wire := &tailBuffer{max: 16 << 10}
	var wireLog io.Writer = wire
	if opts.WireLog != nil {
		wireLog = io.MultiWriter(wire, opts.WireLog)
	}
	h.m = newTestManager(t, cfg.String(), nil, ManagerOptions{OutputCap: opts.OutputCap, WireLog: wireLog, RunningOutput: opts.RunningOutput, Logger: opts.Logger})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last bytes of the shells' wire log:\n%s", wire.String())
		}
	})
	return h
}

// start starts cmd on alias's session and fails the test on error.
func (h *harness) start(t testing.TB, alias, session, cmd string, o RunOptions) *Command {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitBound)
	defer cancel()
	c, err := h.m.Start(ctx, hosts.Request{Host: alias}, session, cmd, o)
	if err != nil {
		t.Fatalf("Start(%q, %q): %v", alias, cmd, err)
	}
	return c
}

// run starts cmd and waits for it to finish; it returns the final info and
// the whole output.
func (h *harness) run(t testing.TB, alias, cmd string, o RunOptions) (CommandInfo, string) {
	t.Helper()
	c := h.start(t, alias, "", cmd, o)
	info := waitDone(t, c)
	return info, output(t, c)
}

// waitDone waits for c to finish.
func waitDone(t testing.TB, c *Command) CommandInfo {
	t.Helper()
	return waitDoneWithin(t, c, waitBound)
}

// waitDoneWithin waits at most d for c to finish.
func waitDoneWithin(t testing.TB, c *Command, d time.Duration) CommandInfo {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(d):
		i := c.Info()
		out, _, _ := c.Output(0, 300)
		t.Fatalf("command %q did not finish within %s: status %s, %d bytes of output starting %q", i.Command, d, i.Status, i.OutputBytes, out)
	}
	return c.Info()
}

// waitStatus waits until c reports status st.
func waitStatus(t testing.TB, c *Command, st Status) CommandInfo {
	t.Helper()
	deadline := time.After(waitBound)
	for {
		ch := c.Changed()
		if i := c.Info(); i.Status == st {
			return i
		} else if i.Status.Finished() {
			out, _, _ := c.Output(0, 2000)
			t.Fatalf("command %q finished as %s (err %v) while waiting for %s; output %q", i.Command, i.Status, i.Err, st, out)
		}
		select {
		case <-ch:
		case <-deadline:
			i := c.Info()
			t.Fatalf("command %q: status %s after %s, want %s", i.Command, i.Status, waitBound, st)
		}
	}
}

// waitOutput waits until the output of c contains s.
func waitOutput(t testing.TB, c *Command, s string) {
	t.Helper()
	deadline := time.After(waitBound)
	for {
		ch := c.Changed()
		if strings.Contains(output(t, c), s) {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("command %q: no %q in the output after %s: %q", c.Info().Command, s, waitBound, output(t, c))
		}
	}
}

// output reads the whole output of c.
func output(t testing.TB, c *Command) string {
	t.Helper()
	var b strings.Builder
	for off := int64(0); ; {
		s, next, err := c.Output(off, 1<<20)
		if errors.Is(err, expect.ErrDropped) && next > off {
			b.WriteString("[dropped]")
			off = next
			continue
		}
		if err != nil {
			t.Fatalf("Output(%d): %v", off, err)
		}
		b.WriteString(s)
		if next == off {
			return b.String()
		}
		off = next
	}
}

// wantDone checks the final status, exit code and output of a command.
func wantDone(t testing.TB, i CommandInfo, out string, st Status, code int, want string) {
	t.Helper()
	if i.Status != st || i.ExitCode == nil || *i.ExitCode != code || out != want {
		ec := "nil"
		if i.ExitCode != nil {
			ec = fmt.Sprint(*i.ExitCode)
		}
		t.Errorf("%q: status %s exit %s output %q (err %v); want %s exit %d output %q", i.Command, i.Status, ec, out, i.Err, st, code, want)
	}
}

// tailBuffer keeps the last max bytes written to it; safe for concurrent
// use.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// newTestManager returns a Manager whose resolver reads only sshConfig (an
// ssh_config text written to a fresh directory that is also its HOME), sees
// env as its whole environment, and uses the library fallback. opts gives
// the rest (Resolver, Pool and Profiles are filled in). Closed by t.Cleanup.
func newTestManager(t testing.TB, sshConfig string, env map[string]string, opts ManagerOptions) *Manager {
	t.Helper()
	return newConfigManager(t, sshConfig, "", env, opts)
}

// newConfigManager is newTestManager with config as the text of
// config.yaml ("" writes none).
func newConfigManager(t testing.TB, sshConfig, config string, env map[string]string, opts ManagerOptions) *Manager {
	t.Helper()
	dir := t.TempDir()
	sshPath, cfgPath := filepath.Join(dir, "ssh_config"), filepath.Join(dir, "config.yaml")
	writeFile(t, sshPath, sshConfig)
	if config != "" {
		writeFile(t, cfgPath, config)
	}
	res, err := hosts.NewResolver(hosts.ResolverOptions{SSHConfigPath: sshPath, ConfigPath: cfgPath, Home: dir, SSHBinary: "none",
		Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		t.Fatalf("NewResolver: %v", err)
	}
	if opts.Profiles == nil {
		set, errs := profiles.Load("")
		if len(errs) > 0 {
			t.Fatalf("profiles.Load: %v", errs)
		}
		opts.Profiles = set
	}
	opts.Resolver, opts.Pool = res, NewPool(PoolOptions{})
	m, err := NewManager(opts)
	if err != nil {
		t.Fatalf("NewManager: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitBound)
		defer cancel()
		if err := m.Close(ctx); err != nil {
			t.Errorf("Manager.Close: %v", err)
		}
	})
	return m
}
