package hosts

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLibMatchSkippedWithWarning(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", `Match exec "touch ~/exec-ran"
  User fromexec
Match tagged prod
  User fromtag
Match
  User fromempty
Host web1
  User web1user
`)
	r := b.resolver(t, "lib")
	for range 2 {
		if tg := resolveOK(t, r, Request{Host: "web1"}); tg.User != "web1user" {
			t.Errorf("User = %q, want web1user: blocks the library cannot evaluate must be skipped, the rest applied", tg.User)
		}
	}
	log := b.log.String()
	for _, want := range []string{"line=1", "Match exec", "line=3", `\"tagged\"`, "line=5"} {
		if !strings.Contains(log, want) {
			t.Errorf("warnings %q lack %q", log, want)
		}
	}
	if n := strings.Count(log, "line=1 "); n != 1 {
		t.Errorf("the warning for line 1 was logged %d times over two resolutions, want once", n)
	}
	if _, err := filepath.Glob(filepath.Join(b.home, "exec-ran")); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(b.home, "exec-ran")); len(m) != 0 {
		t.Errorf("Match exec ran its command")
	}
}

func TestLibInclude(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", `Include rel/*.conf ~/abs-from-home.conf
Host inside
  Include never/*.conf
Host *
  User last
`)
	b.write(t, ".ssh/never/a.conf", "User never\n")
	b.write(t, ".ssh/rel/20-second.conf", "Host web1\n  Port 2020\n  User second\n")
	b.write(t, ".ssh/rel/10-first.conf", "Host web1\n  Port 1010\n")
	b.write(t, "abs-from-home.conf", "Host web1 db1\n  User fromabs\n  HostName %h.example\n")
	r := b.resolver(t, "lib")
	tg := resolveOK(t, r, Request{Host: "web1"})
	if tg.Port != 1010 || tg.User != "second" || tg.HostName != "web1.example" {
		t.Errorf("web1 = %s@%s:%d, want second@web1.example:1010 (sorted files, first value wins)", tg.User, tg.HostName, tg.Port)
	}
	if db := resolveOK(t, r, Request{Host: "db1"}); db.User != "fromabs" {
		t.Errorf("db1 user = %q, want fromabs from ~/abs-from-home.conf", db.User)
	}
	if in := resolveOK(t, r, Request{Host: "other"}); in.User != "last" {
		t.Errorf("other user = %q, want last: an Include inside a Host block that does not match is not read", in.User)
	}
	if src := tg.Sources["Port"]; !strings.HasSuffix(src, "rel/10-first.conf:2") {
		t.Errorf("Sources[Port] = %q, want the included file and line", src)
	}
}

func TestLibErrors(t *testing.T) {
	cases := []struct {
		name, config string
		line         int
		setting      string
	}{
		{"bad port", "Host web1\n  Port twenty\n", 2, "Port"},
		{"bad strict", "Host *\n  StrictHostKeyChecking perhaps\n", 2, "StrictHostKeyChecking"},
		{"bad timeout", "ConnectTimeout 5x\n", 1, "ConnectTimeout"},
		{"no usable cipher", "Ciphers 3des-cbc-only-in-museums\n", 1, "Ciphers"},
		{"include loop", "Include config\n", 0, "Include"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newResolveBed(t)
			path := b.write(t, ".ssh/config", c.config)
			e := resolveErr(t, b.resolver(t, "lib"), Request{Host: "web1"})
			if e.File != path || e.Line != c.line || e.Setting != c.setting || e.Alias != "web1" {
				t.Errorf("error %q: file %q line %d setting %q, want %q %d %q", e, e.File, e.Line, e.Setting, path, c.line, c.setting)
			}
		})
	}
}

func TestLibHostNegation(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", "Host *.lab !bastion.lab\n  ProxyJump bastion.lab\nHost *\n  User u\n")
	r := b.resolver(t, "lib")
	if tg := resolveOK(t, r, Request{Host: "sw1.lab"}); len(tg.ProxyJump) != 1 || tg.ProxyJump[0].HostName != "bastion.lab" {
		t.Errorf("sw1.lab jumps %d hops, want one through bastion.lab", len(tg.ProxyJump))
	}
	if tg := resolveOK(t, r, Request{Host: "bastion.lab"}); len(tg.ProxyJump) != 0 {
		t.Errorf("bastion.lab jumps %d hops, want none: the negated pattern excludes it", len(tg.ProxyJump))
	}
}

func TestLibAlgorithmLists(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", `Host old-switch
  Ciphers +aes128-cbc
  KexAlgorithms diffie-hellman-group14-sha1,sntrup761x25519-sha512
Host narrowed
  MACs -umac*,hmac-sha1*
`)
	r := b.resolver(t, "lib")
	tg := resolveOK(t, r, Request{Host: "old-switch"})
	if !slices.Contains(tg.Ciphers, "aes128-cbc") || slices.Contains(tg.Ciphers, "chacha20-poly1305@openssh.com") == false {
		t.Errorf("Ciphers = %q, want the defaults plus aes128-cbc", tg.Ciphers)
	}
	if !slices.Equal(tg.KexAlgorithms, []string{"diffie-hellman-group14-sha1"}) || !strings.Contains(tg.Sources["KexAlgorithms"], "dropped") {
		t.Errorf("KexAlgorithms = %q from %q, want only the supported one and a note of the dropped one", tg.KexAlgorithms, tg.Sources["KexAlgorithms"])
	}
	n := resolveOK(t, r, Request{Host: "narrowed"})
	if want := []string{"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512"}; !slices.Equal(n.MACs, want) {
		t.Errorf("MACs = %q, want %q", n.MACs, want)
	}
}

func TestGlobAndPatternList(t *testing.T) {
	globs := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true}, {"*", "anything", true}, {"web?", "web1", true}, {"web?", "web10", false},
		{"*.lab", "sw.lab", true}, {"*.lab", "sw.lab.example", false}, {"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false}, {"10.0.*.1", "10.0.200.1", true}, {"", "", true}, {"x", "", false},
	}
	for _, g := range globs {
		if got := globMatch(g.pattern, g.s); got != g.want {
			t.Errorf("globMatch(%q, %q) = %t, want %t", g.pattern, g.s, got, g.want)
		}
	}
	lists := []struct {
		s, list string
		fold    bool
		want    bool
	}{
		{"web1", "db*,web*", true, true}, {"web1", "*,!web1", true, false}, {"WEB1", "web1", true, true},
		{"Admin", "admin", false, false}, {"web2", "!web1", true, false}, {"db", "web*", true, false},
	}
	for _, l := range lists {
		if got := matchPatternList(l.s, l.list, l.fold); got != l.want {
			t.Errorf("matchPatternList(%q, %q, %t) = %t, want %t", l.s, l.list, l.fold, got, l.want)
		}
	}
}

func TestConvTime(t *testing.T) {
	good := map[string]time.Duration{"none": 0, "0": 0, "10": 10 * time.Second, "1m30s": 90 * time.Second, "2h": 2 * time.Hour, "1w1d": 8 * 24 * time.Hour, "5S": 5 * time.Second}
	for in, want := range good {
		if got, err := convTime(in); err != nil || got != want {
			t.Errorf("convTime(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "m", "5x", "-1", "1.5"} {
		if got, err := convTime(in); err == nil && in != "" {
			t.Errorf("convTime(%q) = %s, want an error", in, got)
		}
	}
}

func TestSplitArgsAndComments(t *testing.T) {
	if got, want := splitArgs(`a "b c"  d`), []string{"a", "b c", "d"}; !slices.Equal(got, want) {
		t.Errorf("splitArgs = %q, want %q", got, want)
	}
	if got := stripComment(`host web1 # where "# not" starts`); got != "host web1" {
		t.Errorf("stripComment = %q", got)
	}
	if got := stripComment(`exec "grep -q '#x' f"`); got != `exec "grep -q '#x' f"` {
		t.Errorf("stripComment cut inside quotes: %q", got)
	}
}

func TestConfigPermissions(t *testing.T) {
	for _, backend := range backends {
		b := newResolveBed(t)
		path := b.write(t, ".ssh/config", "Host web1\n  Port 2001\n")
		r := b.resolver(t, backend)
		chmod := func(mode os.FileMode) {
			t.Helper()
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
		}
		resolveOK(t, r, Request{Host: "web1"})
		chmod(0o666)
		e := resolveErr(t, r, Request{Host: "web1"})
		if e.File != path || !strings.Contains(strings.ToLower(e.Error()), "bad owner or permissions") {
			t.Errorf("%s: world-writable config gave %q, want it refused naming %q", backend, e, path)
		}
		chmod(0o644)
		if tg := resolveOK(t, r, Request{Host: "web1"}); tg.Port != 2001 {
			t.Errorf("%s: after chmod Port = %d, want 2001", backend, tg.Port)
		}
	}
}
