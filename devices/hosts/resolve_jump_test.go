package hosts

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestResolveProxyJumpChain(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			b := newResolveBed(t)
			b.write(t, ".ssh/config", `Host target
  ProxyJump alice@jump1:2222,jump2
Host jump1
  HostName 127.0.0.2
Host jump2
  User bob
  ProxyJump ignored-for-later-hops
Host bastion
  ProxyJump bastion
Host loop-a
  ProxyJump loop-b
Host loop-b
  ProxyJump loop-a
`)
			r := b.resolver(t, backend)
			tg := resolveOK(t, r, Request{Host: "target"})
			var got []string
			for _, h := range tg.ProxyJump {
				got = append(got, h.Key())
				if len(h.ProxyJump) != 0 {
					t.Errorf("hop %q keeps a nested chain %d long; the chain should be flat", h.Alias, len(h.ProxyJump))
				}
			}
			want := []string{"alice@127.0.0.2:2222", "bob@jump2:22"}
			if !slices.Equal(got, want) {
				t.Fatalf("ProxyJump chain = %q, want %q", got, want)
			}
			for _, alias := range []string{"bastion", "loop-a"} {
				e := resolveErr(t, r, Request{Host: alias})
				if e.Setting != "ProxyJump" || !strings.Contains(e.Msg, "loop") {
					t.Errorf("Resolve(%q) = %q, want a ProxyJump loop error", alias, e)
				}
			}
		})
	}
}

func TestResolveProxyJumpFirstHopChain(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", "Host inner\n  ProxyJump edge\nHost edge\n  ProxyJump outer\n")
	r := b.resolver(t, "lib")
	tg := resolveOK(t, r, Request{Host: "inner"})
	var got []string
	for _, h := range tg.ProxyJump {
		got = append(got, h.Alias)
	}
	if want := []string{"outer", "edge"}; !slices.Equal(got, want) {
		t.Errorf("chain = %q, want %q (the first hop's own jump comes first)", got, want)
	}
}

func TestParseJumpChain(t *testing.T) {
	good := map[string][]jumpHop{
		"none":                    nil,
		"a":                       {{host: "a"}},
		"u@a:2222,b":              {{user: "u", host: "a", port: 2222}, {host: "b"}},
		"ssh://u@h:23":            {{user: "u", host: "h", port: 23}},
		"[::1]:2200":              {{host: "::1", port: 2200}},
		"u@[fe80::1]":             {{user: "u", host: "fe80::1"}},
		"first.example,u@second":  {{host: "first.example"}, {user: "u", host: "second"}},
		"x@y@host.example:65535":  {{user: "x@y", host: "host.example", port: 65535}},
		"ssh://jump.example:2022": {{host: "jump.example", port: 2022}},
	}
	for in, want := range good {
		got, err := parseJumpChain(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("parseJumpChain(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"a:notaport", "a:70000", "@", "-oProxyCommand=x", "[::1", "a,,b", "ssh://"} {
		if got, err := parseJumpChain(in); err == nil {
			t.Errorf("parseJumpChain(%q) = %+v, want an error", in, got)
		}
	}
}

func TestResolveProxyJumpTooDeep(t *testing.T) {
	b := newResolveBed(t)
	var cfg strings.Builder
	for i := range 12 {
		fmt.Fprintf(&cfg, "Host h%d\n  ProxyJump h%d\n", i, i+1)
	}
	b.write(t, ".ssh/config", cfg.String())
	e := resolveErr(t, b.resolver(t, "lib"), Request{Host: "h0"})
	if e.Setting != "ProxyJump" || !strings.Contains(e.Msg, "deeper than") || !strings.Contains(e.Msg, "h0 -> h1") {
		t.Errorf("error %q, want a ProxyJump depth error listing the chain", e)
	}
}

func TestResolveJumpHostErrorNamesTarget(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", "Host app\n  ProxyJump edge,broken\n")
	b.env["OVRD_broken_PORT"] = "99999"
	for _, backend := range backends {
		e := resolveErr(t, b.resolver(t, backend), Request{Host: "app"})
		if e.Alias != "broken" || !strings.Contains(e.Msg, "jump host 2 of 2 for app") {
			t.Errorf("%s: error %q, want it about broken as jump host 2 of 2 for app", backend, e)
		}
	}
}

func TestResolveProxyCommandRefused(t *testing.T) {
	b := newResolveBed(t)
	path := b.write(t, ".ssh/config", `Host old
  ProxyCommand ssh -W %h:%p bastion
Host jumpfirst
  ProxyJump bastion
  ProxyCommand nc %h %p
Host off
  ProxyCommand none
  ProxyJump ignored
Host bastion
  ProxyJump none
`)
	for _, backend := range backends {
		r := b.resolver(t, backend)
		e := resolveErr(t, r, Request{Host: "old"})
		if e.Setting != "ProxyCommand" || !strings.Contains(e.Hint, "ProxyJump") {
			t.Errorf("%s: old: %q, want ProxyCommand refused with a ProxyJump hint", backend, e)
		}
		if backend == "lib" && (e.File != shortenHome(path) || e.Line != 2) {
			t.Errorf("lib: old: error at %q:%d, want %q:2", e.File, e.Line, path)
		}
		if tg := resolveOK(t, r, Request{Host: "jumpfirst"}); len(tg.ProxyJump) != 1 {
			t.Errorf("%s: jumpfirst has %d hops, want ProxyJump (first) to win over ProxyCommand", backend, len(tg.ProxyJump))
		}
		if tg := resolveOK(t, r, Request{Host: "off"}); len(tg.ProxyJump) != 0 {
			t.Errorf("%s: off has %d hops, want none: ProxyCommand none came first", backend, len(tg.ProxyJump))
		}
	}
}
