package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// The device benchmarks run against devicetest's simulated IOS and Junos,
// served in the benchmark's own process on loopback.

const (
	devicePassword = "Bench-Login-41"
	deviceEnable   = "Bench-Enable-29"
)

// startDevice starts a simulated device and returns it with its host
// entry under alias.
func startDevice(tb testing.TB, platform, alias string) (*devicetest.Device, mcptest.Host) {
	tb.Helper()
	dev := devicetest.StartDevice(tb, devsim.Options{Platform: platform, Hostname: alias,
		Password: devicePassword, EnableSecret: deviceEnable, Logf: func(string, ...any) {}})
	return dev, mcptest.Host{Alias: alias, HostName: dev.Host, Port: dev.Port, User: dev.Options.Username,
		KnownHosts: dev.KnownHostsPath}
}

// iosArgs is an execute_command on a simulated IOS in privileged mode.
func iosArgs(alias, command string) map[string]any {
	return map[string]any{"host": alias, "command": command, "profile": "cisco_ios",
		"password": devicePassword, "enable_password": deviceEnable, "timeout": 300}
}

func junosArgs(alias, command string) map[string]any {
	return map[string]any{"host": alias, "command": command, "profile": "junos",
		"password": devicePassword, "timeout": 300}
}

// trivialIOS: "show clock" on a warm simulated IOS session.
func trivialIOS(r *run) {
	_, h := startDevice(r.tb, "ios", "r1")
	s := startServer(r.tb, []mcptest.Host{h})
	args := iosArgs("r1", "show clock")
	s.execute(args)
	r.ready()
	for range r.n {
		var res result
		r.op(func() { res = s.execute(args) })
		if out := res.str("output"); !strings.Contains(out, "UTC Mon Mar 1 1993") {
			r.tb.Fatalf("show clock output %q, want the simulated clock", out)
		}
	}
}

// bigDeviceOutput runs command on a warm session and checks that its
// output is whole: at least minBytes, ending with wantTail, and never a
// pager prompt left in it.
func bigDeviceOutput(r *run, s *server, args map[string]any, minBytes int64, wantTail string) {
	s.execute(args)
	r.ready()
	for range r.n {
		var res result
		r.op(func() { res = s.execute(args) })
		out := res.str("output")
		if n := res.num("output_bytes"); n < minBytes {
			r.tb.Fatalf("%s: %d bytes of output, want at least %d\n%.500s", args["command"], n, minBytes, res.Text)
		}
		if strings.Contains(out, "--More--") || strings.Contains(out, "---(more") {
			r.tb.Fatalf("%s: a pager prompt is left in the output", args["command"])
		}
		if !strings.Contains(out[max(0, len(out)-500):], wantTail) {
			r.tb.Fatalf("%s: output ends %q, want %q near the end", args["command"], out[max(0, len(out)-200):], wantTail)
		}
	}
}

// The simulated IOS log has over 30,000 entries of about 90 bytes.
const iosLogMinBytes = 30000 * 60

func iosLogging(r *run) {
	_, h := startDevice(r.tb, "ios", "r1")
	s := startServer(r.tb, []mcptest.Host{h})
	bigDeviceOutput(r, s, iosArgs("r1", "show logging"), iosLogMinBytes, "GigabitEthernet0/")
}

// iosLoggingPaged: the same with the pager left on, through a user
// profile named cisco_ios that overrides the embedded one without its
// on_open steps, so every page is advanced by the engine.
func iosLoggingPaged(r *run) {
	_, h := startDevice(r.tb, "ios", "r1")
	dir := pagedProfileDir(r.tb)
	s := startServer(r.tb, []mcptest.Host{h}, "--profiles-dir", dir)
	bigDeviceOutput(r, s, iosArgs("r1", "show logging"), iosLogMinBytes, "GigabitEthernet0/")
}

func junosRoute(r *run) {
	_, h := startDevice(r.tb, "junos", "vmx1")
	s := startServer(r.tb, []mcptest.Host{h})
	// Three lines of about 60 bytes per route, over 3,000 routes.
	bigDeviceOutput(r, s, junosArgs("vmx1", "show route"), 3000*3*40, "MultiRecv")
}

// pagedProfileDir writes a copy of the embedded cisco_ios profile without
// on_open into a new directory and returns the directory.
func pagedProfileDir(tb testing.TB) string {
	tb.Helper()
	src := filepath.Join("..", "profiles", "builtin", "cisco_ios.yaml")
	data, err := os.ReadFile(src)
	if err != nil {
		tb.Fatalf("reading the embedded IOS profile's source: %v", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		tb.Fatalf("%s is not a YAML mapping: %v", src, err)
	}
	top := doc.Content[0]
	removed := false
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "on_open" {
			top.Content = append(top.Content[:i], top.Content[i+2:]...)
			removed = true
			break
		}
	}
	if !removed {
		tb.Fatalf("%s has no on_open steps to remove; the paged benchmark would not page", src)
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	path := filepath.Join(dir, "cisco_ios.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		tb.Fatal(err)
	}
	checkOverride(tb, dir, path)
	return dir
}

// checkOverride asks the binary's own profile loader whether cisco_ios now
// comes from path, so that the paged benchmark cannot silently measure the
// embedded profile (which turns the pager off).
func checkOverride(tb testing.TB, dir, path string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, serverBinary(tb), "profiles", "--profiles-dir", dir, "list").CombinedOutput()
	if err != nil {
		tb.Fatalf("profiles list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "cisco_ios" {
			if !slices.Contains(f, path) {
				tb.Fatalf("cisco_ios does not come from the override %q:\n%s", path, out)
			}
			return
		}
	}
	tb.Fatalf("profiles list shows no cisco_ios:\n%s", out)
}

// fanOut: "show version" on n simulated IOS devices at once, each on a
// new session (sessions are closed between operations, untimed). After
// the last operation the n sessions stay open and idle, and the growth of
// the server's resident memory since start is divided among them.
func fanOut(n int) body {
	return func(r *run) {
		hosts := make([]mcptest.Host, n)
		for i := range hosts {
			_, hosts[i] = startDevice(r.tb, "ios", fmt.Sprintf("r%d", i+1))
		}
		s := startServer(r.tb, hosts)
		before, _ := procStatus(r.tb, s.PID)
		r.ready()
		for i := range r.n {
			if i > 0 {
				r.untimed(func() { s.call("close_all_sessions", nil) })
			}
			var errs []error
			r.op(func() { errs = parallelShowVersion(s, hosts) })
			for _, err := range errs {
				r.tb.Error(err)
			}
			if len(errs) > 0 {
				r.tb.FailNow()
			}
		}
		after, hwm := procStatus(r.tb, s.PID)
		r.metric("rss-per-session-KiB", (after-before)*1024/float64(n))
		r.metric("peak-rss-MiB", hwm)
	}
}

// parallelShowVersion runs "show version" on every host at once and
// returns what went wrong.
func parallelShowVersion(s *server, hosts []mcptest.Host) []error {
	errc := make(chan error, len(hosts))
	for _, h := range hosts {
		go func() {
			args := map[string]any{"host": h.Alias, "command": "show version", "profile": "cisco_ios",
				"password": devicePassword, "timeout": 300}
			res, err := s.try("execute_command", args)
			switch {
			case err != nil:
			case res.str("status") != "completed":
				err = fmt.Errorf("%s: status %q\n%.500s", h.Alias, res.str("status"), res.Text)
			case !strings.Contains(res.str("output"), "Cisco IOS Software"):
				err = fmt.Errorf("%s: show version output %.200q", h.Alias, res.str("output"))
			}
			errc <- err
		}()
	}
	var errs []error
	for range hosts {
		if err := <-errc; err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

var (
	deviceVariants = []variant{
		{name: "ios_show_logging", body: iosLogging, short: 1},
		{name: "ios_show_logging_paged", body: iosLoggingPaged, short: 1},
		{name: "junos_show_route", body: junosRoute, short: 1},
	}
	fanOutVariants = []variant{
		{name: "1_device", body: fanOut(1), short: 2},
		{name: "50_devices", body: fanOut(50), short: 1},
	}
)

// BenchmarkDeviceOutput: tens of thousands of lines from simulated
// devices, with the pager disabled at session open and left on.
func BenchmarkDeviceOutput(b *testing.B) { benchmark(b, deviceVariants) }

// BenchmarkFanOut: one command on 50 simulated devices at once against
// one device, and the memory each idle session holds.
func BenchmarkFanOut(b *testing.B) { benchmark(b, fanOutVariants) }
