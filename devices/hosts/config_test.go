package hosts

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const goodConfig = `defaults:
  command_timeout: 45s
  output_limit: 64KiB
  history: 500
  strict_host_key_checking: ask
hosts:
  - match: "core-*"
    profile: cisco_ios
    user: netops
    password: {env: LAB_SSH_PASS}
    enable_secret: {command: "pass show lab/enable"}
    command_timeout: 60
  - match: ["core-1", "edge-?"]
    profile: junos
    user: other
    sudo_password:
      env: SUDO_PASS
    key_passphrase: {env: KEY_PASS}
`

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig("config.yaml", []byte(goodConfig))
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	d := c.Defaults
	if d.CommandTimeout != 45*time.Second || d.OutputLimit != 64<<10 || d.History != 500 || d.StrictHostKeyChecking != "yes" {
		t.Errorf("Defaults = %+v, want 45s, 65536, 500, yes (ask means yes)", d)
	}
	if len(c.Hosts) != 2 || c.Hosts[1].Match[1] != "edge-?" || c.Hosts[0].Line != 7 {
		t.Fatalf("Hosts = %+v, want two entries, the first on line 7", c.Hosts)
	}
	m := c.match("core-1")
	if m.Profile != "cisco_ios" || m.User != "netops" || m.CommandTimeout != time.Minute {
		t.Errorf("match(core-1) = %q %q %s, want the first entry's cisco_ios netops 1m", m.Profile, m.User, m.CommandTimeout)
	}
	if m.SudoPassword == nil || m.SudoPassword.Env != "SUDO_PASS" || m.src("sudo_password") != "config.yaml:16" {
		t.Errorf("match(core-1) sudo = %v from %q, want {env: SUDO_PASS} from config.yaml:16 (second entry fills what the first left)", m.SudoPassword, m.src("sudo_password"))
	}
	if m.EnableSecret == nil || m.EnableSecret.Command != "pass show lab/enable" || m.EnableSecret.Line != 11 {
		t.Errorf("enable_secret = %+v, want the command on line 11", m.EnableSecret)
	}
	if e := c.match("edge-7"); e.Profile != "junos" || e.Password != nil {
		t.Errorf("match(edge-7) = %q password %v, want junos and none", e.Profile, e.Password)
	}
	if n := c.match("web1"); n.Profile != "" || n.User != "" {
		t.Errorf("match(web1) = %+v, want nothing", n)
	}
}

func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		name, yaml string
		line       int
		setting    string
		msgHas     string
	}{
		{"unknown top key", "default:\n  history: 3\n", 1, "default", "unknown key"},
		{"unknown host key", "hosts:\n  - match: a\n    pasword: {env: X}\n", 3, "hosts[0].pasword", "unknown key"},
		{"literal secret", "hosts:\n  - match: a\n    password: hunter2\n", 3, "hosts[0].password", "literal secret"},
		{"literal secret quoted", "hosts:\n  - match: a\n    enable_secret: \"s3cr3t\"\n", 3, "hosts[0].enable_secret", "literal secret"},
		{"two refs", "hosts:\n  - match: a\n    password: {env: A, command: b}\n", 3, "hosts[0].password", "exactly one"},
		{"empty ref", "hosts:\n  - match: a\n    password: {}\n", 3, "hosts[0].password", "exactly one"},
		{"unknown ref key", "hosts:\n  - match: a\n    password: {value: x}\n", 3, "hosts[0].password.value", "unknown key"},
		{"bad duration", "defaults:\n  command_timeout: soon\n", 2, "defaults.command_timeout", "duration"},
		{"negative duration", "defaults:\n  command_timeout: -5s\n", 2, "defaults.command_timeout", "duration"},
		{"bad size", "defaults:\n  output_limit: 12 parsecs\n", 2, "defaults.output_limit", "size"},
		{"bad history", "defaults:\n  history: many\n", 2, "defaults.history", "whole number"},
		{"bad strict", "defaults:\n  strict_host_key_checking: maybe\n", 2, "defaults.strict_host_key_checking", "StrictHostKeyChecking"},
		{"missing match", "hosts:\n  - profile: linux\n", 2, "hosts[0].match", "missing"},
		{"bad glob", "hosts:\n  - match: \"[a\"\n", 2, "hosts[0].match", "glob"},
		{"bad user", "hosts:\n  - match: a\n    user: \"-oProxyCommand\"\n", 3, "hosts[0].user", "user name"},
		{"hosts not a list", "hosts: {a: b}\n", 1, "hosts", "list"},
		{"second entry", "hosts:\n  - match: a\n  - match: b\n    command_timeout: 1x\n", 4, "hosts[1].command_timeout", "duration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig("/etc/x/config.yaml", []byte(c.yaml))
			var re *ResolveError
			if !errors.As(err, &re) || !errors.Is(err, ErrResolve) {
				t.Fatalf("ParseConfig(%q) = %v, want a *ResolveError", c.yaml, err)
			}
			if re.File != "/etc/x/config.yaml" || re.Line != c.line || re.Setting != c.setting || !strings.Contains(re.Msg, c.msgHas) {
				t.Errorf("ParseConfig(%q) = %q (line %d setting %q), want line %d setting %q and %q in the message",
					c.yaml, err, re.Line, re.Setting, c.line, c.setting, c.msgHas)
			}
			for _, secret := range []string{"hunter2", "s3cr3t"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows the literal secret", err)
				}
			}
		})
	}
}

func TestParseConfigSizesAndDurations(t *testing.T) {
	sizes := map[string]int64{"100": 100, "64KiB": 64 << 10, "10MiB": 10 << 20, "2 MB": 2000000, "1GiB": 1 << 30, "512B": 512}
	for in, want := range sizes {
		c, err := ParseConfig("c.yaml", []byte("defaults:\n  output_limit: "+in+"\n"))
		if err != nil || c.Defaults.OutputLimit != want {
			t.Errorf("output_limit %q = %d, %v; want %d", in, c.Defaults.OutputLimit, err, want)
		}
	}
	durations := map[string]time.Duration{"30": 30 * time.Second, "30s": 30 * time.Second, "2m": 2 * time.Minute, "1h30m": 90 * time.Minute}
	for in, want := range durations {
		c, err := ParseConfig("c.yaml", []byte("defaults:\n  command_timeout: "+in+"\n"))
		if err != nil || c.Defaults.CommandTimeout != want {
			t.Errorf("command_timeout %q = %s, %v; want %s", in, c.Defaults.CommandTimeout, err, want)
		}
	}
}

func TestLoadConfigFiles(t *testing.T) {
	dir := t.TempDir()
	c, err := LoadConfig(filepath.Join(dir, "absent.yaml"))
	if err != nil || c.Path != "" || len(c.Hosts) != 0 {
		t.Errorf("LoadConfig(missing) = %+v, %v; want an empty config", c, err)
	}
	empty := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := LoadConfig(empty); err != nil || len(c.Hosts) != 0 {
		t.Errorf("LoadConfig(empty) = %+v, %v; want an empty config", c, err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("hosts: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(bad); !errors.Is(err, ErrResolve) || !strings.Contains(err.Error(), bad) {
		t.Errorf("LoadConfig(bad YAML) = %v, want an error naming %q", err, bad)
	}
	if _, err := LoadConfig(dir); !errors.Is(err, ErrResolve) {
		t.Errorf("LoadConfig(a directory) = %v, want an error", err)
	}
}

func TestDefaultConfigPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	if got, want := DefaultConfigPath(), "/xdg/mcp-ssh-session/config.yaml"; got != want {
		t.Errorf("DefaultConfigPath() = %q, want %q", got, want)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/dir")
	t.Setenv("HOME", "/home/someone")
	if got, want := DefaultConfigPath(), "/home/someone/.config/mcp-ssh-session/config.yaml"; got != want {
		t.Errorf("DefaultConfigPath() with a relative XDG_CONFIG_HOME = %q, want %q", got, want)
	}
}

// TestResolveUsesConfig checks that a resolved Target carries our config's
// profile, timeouts and strict default, and that a config error stops
// NewResolver with file and line.
func TestResolveUsesConfig(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".config/mcp-ssh-session/config.yaml", "defaults:\n  command_timeout: 40s\n  strict_host_key_checking: \"yes\"\nhosts:\n  - match: core-*\n    profile: cisco_ios\n    command_timeout: 2m\n")
	for _, backend := range backends {
		r := b.resolver(t, backend)
		core := resolveOK(t, r, Request{Host: "core-1"})
		if core.Profile != "cisco_ios" || core.CommandTimeout != 2*time.Minute || core.StrictHostKeyChecking != "yes" {
			t.Errorf("%s: core-1 = %q %s %q, want cisco_ios 2m yes", backend, core.Profile, core.CommandTimeout, core.StrictHostKeyChecking)
		}
		if other := resolveOK(t, r, Request{Host: "web"}); other.Profile != "" || other.CommandTimeout != 40*time.Second {
			t.Errorf("%s: web = %q %s, want no profile and the 40s default", backend, other.Profile, other.CommandTimeout)
		}
	}
	path := b.write(t, ".config/mcp-ssh-session/config.yaml", "hosts:\n  - match: a\n    password: plain\n")
	_, err := NewResolver(ResolverOptions{Home: b.home, ConfigPath: path, SSHBinary: "none"})
	if !errors.Is(err, ErrResolve) || !strings.Contains(err.Error(), "config.yaml:3: hosts[0].password") {
		t.Errorf("NewResolver with a literal secret = %v, want file:3:field", err)
	}
}

// TestResolverDefaultConfigPath: with ConfigPath "", the file is found
// through the Resolver's own Env and Home, never the real account's.
func TestResolverDefaultConfigPath(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, "xdg/mcp-ssh-session/config.yaml", "hosts:\n  - match: '*'\n    profile: from_xdg\n")
	b.write(t, ".config/mcp-ssh-session/config.yaml", "hosts:\n  - match: '*'\n    profile: from_home\n")
	for xdg, want := range map[string]string{filepath.Join(b.home, "xdg"): "from_xdg", "": "from_home"} {
		env := map[string]string{}
		if xdg != "" {
			env["XDG_CONFIG_HOME"] = xdg
		}
		r, err := NewResolver(ResolverOptions{Home: b.home, SSHBinary: "none",
			Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
		if err != nil {
			t.Fatal(err)
		}
		if hosts := r.Config().Hosts; len(hosts) != 1 || hosts[0].Profile != want {
			t.Errorf("XDG_CONFIG_HOME=%q: hosts %+v from %q, want one with profile %q", xdg, hosts, r.Config().Path, want)
		}
	}
}

func TestParseConfigMaxWait(t *testing.T) {
	c, err := ParseConfig("config.yaml", []byte("defaults:\n  max_wait: 20s\n"))
	if err != nil || c.Defaults.MaxWait != 20*time.Second {
		t.Fatalf("max_wait: 20s: got %v, %v; want 20s", c.Defaults.MaxWait, err)
	}
	if _, err := ParseConfig("config.yaml", []byte("defaults:\n  max_wait: 0s\n")); err == nil || !strings.Contains(err.Error(), "max_wait") {
		t.Errorf("max_wait: 0s: error %v, want one naming max_wait", err)
	}
}
