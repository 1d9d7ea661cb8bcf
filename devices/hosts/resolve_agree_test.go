package hosts

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// agreeConfig exercises what the library fallback must do itself: a
// relative Include, Match host (tested against HostName, not the alias),
// Match originalhost/user/all/final with negation, Host negation, tokens
// in paths, HostName and ProxyJump, first-obtained-wins across files, and
// algorithm lists with +, - and ^.
const agreeConfig = `# top of file: applies to all hosts
Include conf.d/*.conf

Host *.lab !bad.lab
  User labuser
  IdentityFile %d/.ssh/lab_%h_%r_%p
  UserKnownHostsFile %d/.ssh/kh_%n ~/.ssh/kh_shared

Host web1
  HostName 10.9.%h.lab
  IdentityFile ~/.ssh/web1_%u_%%
  IdentitiesOnly yes
  IdentityAgent ~/.ssh/agent.%h.sock
  ProxyJump jump-%n,ops@jump2:2022

Match host 10.9.web1.lab
  Port 2222
  ServerAliveInterval 5

Match originalhost db* !user root,admin
  StrictHostKeyChecking no
  ConnectTimeout 1m30s

Match user admin
  Ciphers +aes128-cbc
  MACs hmac-sha2-256,hmac-sha1,umac-64@openssh.com

Host algos
  KexAlgorithms -diffie-hellman-*,sntrup*
  HostKeyAlgorithms ^ssh-rsa
  ServerAliveCountMax 7

Host jump-*
  HostName 127.0.0.3
  ProxyJump none

Host jump2
  ProxyJump none

Host tok
  HostName Tok.Example
  User bob
  Port 2222
  UserKnownHostsFile %d/kh_%C_%l_%L_%i_%u_%r_%p_%h_%n_%k_%% ~/${MCPSSH_TEST_KH}/kh

Match final host late*
  GlobalKnownHostsFile /etc/ssh/late_known_hosts

Match canonical originalhost latebox
  ServerAliveCountMax 4

Match all
  StrictHostKeyChecking ask
`

// agreeInclude is read through the relative Include: its values come
// first, so they win over the main file's.
const agreeInclude = `Host web2.lab
  Port 2022
  User incuser
Host bad.lab
  HostName bad.example
`

// TestResolveSSHGAndLibraryAgree resolves the same aliases through ssh -G
// and through the library fallback; both must produce the same Target on
// every field the connection layer uses.
func TestResolveSSHGAndLibraryAgree(t *testing.T) {
	t.Setenv("MCPSSH_TEST_KH", "kh-dir") // ssh and the fallback both read ${VAR} from the process
	b := newResolveBed(t)
	b.write(t, ".ssh/config", agreeConfig)
	b.write(t, ".ssh/conf.d/10-include.conf", agreeInclude)
	viaSSH, viaLib := b.resolver(t, "ssh"), b.resolver(t, "lib")
	cases := []Request{
		{Host: "web1"},
		{Host: "web2.lab"},
		{Host: "bad.lab"},
		{Host: "other.lab", Port: 2200},
		{Host: "db1", Username: "dbuser"},
		{Host: "db1", Username: "root"},
		{Host: "plain", Username: "admin"},
		{Host: "algos"},
		{Host: "latebox"},
		{Host: "UPPER.Example"},
		{Host: "tok"},
	}
	for _, req := range cases {
		t.Run(fmt.Sprintf("%s_%s", req.Host, req.Username), func(t *testing.T) {
			a, l := resolveOK(t, viaSSH, req), resolveOK(t, viaLib, req)
			compareTargets(t, "", a, l)
		})
	}
	// The table must exercise what it claims: a few spot checks against
	// values worked out by hand from agreeConfig.
	web1 := resolveOK(t, viaLib, Request{Host: "web1"})
	if web1.HostName != "10.9.web1.lab" || web1.Port != 2222 || len(web1.ProxyJump) != 2 || web1.StrictHostKeyChecking != "yes" {
		t.Errorf("web1 = %s:%d via %d hops, strict %q; want 10.9.web1.lab:2222 via 2 hops, strict yes",
			web1.HostName, web1.Port, len(web1.ProxyJump), web1.StrictHostKeyChecking)
	}
	if w2 := resolveOK(t, viaLib, Request{Host: "web2.lab"}); w2.User != "incuser" || w2.Port != 2022 {
		t.Errorf("web2.lab = %s@:%d, want incuser and 2022 from the included file", w2.User, w2.Port)
	}
	if db := resolveOK(t, viaLib, Request{Host: "db1", Username: "dbuser"}); db.StrictHostKeyChecking != "no" || db.ConnectTimeout.Seconds() != 90 {
		t.Errorf("db1 = strict %q timeout %s, want no and 1m30s", db.StrictHostKeyChecking, db.ConnectTimeout)
	}
	if tok := resolveOK(t, viaLib, Request{Host: "tok"}); !strings.HasSuffix(tok.KnownHostsFiles[1], "/kh-dir/kh") ||
		!strings.Contains(tok.KnownHostsFiles[0], "_bob_2222_tok.example_tok_tok_%") {
		t.Errorf("tok known hosts = %q, want tokens and ${MCPSSH_TEST_KH} expanded", tok.KnownHostsFiles)
	}
	if late := resolveOK(t, viaLib, Request{Host: "latebox"}); late.GlobalKnownHostsFiles[len(late.GlobalKnownHostsFiles)-1] != "/etc/ssh/late_known_hosts" {
		t.Errorf("latebox global known hosts = %q, want the Match final file last", late.GlobalKnownHostsFiles)
	}
	if late := resolveOK(t, viaLib, Request{Host: "latebox"}); late.ServerAliveCountMax != 4 {
		t.Errorf("latebox ServerAliveCountMax = %d, want 4: Match canonical holds in the final pass", late.ServerAliveCountMax)
	}
}

// compareTargets reports every field where two Targets differ, Sources
// excepted (they name different mechanisms by design).
func compareTargets(t *testing.T, path string, a, l Target) {
	t.Helper()
	va, vl := reflect.ValueOf(a), reflect.ValueOf(l)
	for i := range va.NumField() {
		name := va.Type().Field(i).Name
		switch name {
		case "Sources":
			continue
		case "ProxyJump":
			if len(a.ProxyJump) != len(l.ProxyJump) {
				t.Errorf("%sProxyJump: ssh -G has %d hops, library %d", path, len(a.ProxyJump), len(l.ProxyJump))
				continue
			}
			for j := range a.ProxyJump {
				compareTargets(t, fmt.Sprintf("%sProxyJump[%d].", path, j), a.ProxyJump[j], l.ProxyJump[j])
			}
			continue
		}
		if fa, fl := va.Field(i).Interface(), vl.Field(i).Interface(); !reflect.DeepEqual(fa, fl) {
			t.Errorf("%s%s: ssh -G %q, library %q", path, name, fa, fl)
		}
	}
}

// TestResolveConcurrent resolves one alias from many goroutines on both
// backends (the race detector watches the shared caches).
func TestResolveConcurrent(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", agreeConfig)
	b.write(t, ".ssh/conf.d/10-include.conf", agreeInclude)
	for _, backend := range backends {
		r := b.resolver(t, backend)
		want := resolveOK(t, r, Request{Host: "web1"})
		var wg sync.WaitGroup
		got, errs := make([]Target, 6), make([]error, 6)
		for i := range got {
			wg.Go(func() { got[i], errs[i] = r.Resolve(context.Background(), Request{Host: "web1"}) })
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil {
				t.Errorf("%s#%d: %v", backend, i, errs[i])
				continue
			}
			compareTargets(t, fmt.Sprintf("%s#%d.", backend, i), want, got[i])
		}
	}
}
