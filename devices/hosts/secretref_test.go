package hosts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// secretBed writes our config with secret references for alias "lab-*"
// and returns the bed and the file where each command records its runs.
func secretBed(t *testing.T, refs string) (*resolveBed, string) {
	t.Helper()
	b := newResolveBed(t)
	runs := filepath.Join(b.home, "runs")
	b.write(t, ".config/mcp-ssh-session/config.yaml",
		strings.ReplaceAll("hosts:\n  - match: lab-*\n"+refs, "RUNS", runs))
	return b, runs
}

func countRuns(t *testing.T, runs string) int {
	t.Helper()
	data, err := os.ReadFile(runs)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), "\n")
}

func TestSecretRefsResolve(t *testing.T) {
	b, runs := secretBed(t, `    password: {env: LAB_PASS}
    key_passphrase: {command: "echo run >> RUNS; printf 'key phrase\n'"}
    sudo_password: {command: "printf 'sudo-pw\n\n'"}
    enable_secret: {command: "echo run >> RUNS; printf en4ble"}
`)
	b.env["LAB_PASS"] = "login-pw"
	r := b.resolver(t, "lib")
	var wg sync.WaitGroup
	results := make([]Secrets, 8)
	errs := make([]error, 8)
	for i := range results {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			tg, err := r.Resolve(ctx, Request{Host: "lab-1"})
			results[i], errs[i] = tg.Secrets, err
		})
	}
	wg.Wait()
	want := Secrets{Password: "login-pw", KeyPassphrase: "key phrase", Sudo: "sudo-pw\n", Enable: "en4ble", ConfigBound: true}
	for i := range results {
		if errs[i] != nil || results[i] != want {
			t.Fatalf("Resolve #%d: secrets %#v, %v; want %#v", i, results[i].Password+"|"+results[i].KeyPassphrase+"|"+results[i].Sudo+"|"+results[i].Enable, errs[i],
				want.Password+"|"+want.KeyPassphrase+"|"+want.Sudo+"|"+want.Enable)
		}
	}
	if n := countRuns(t, runs); n != 2 {
		t.Errorf("secret commands ran %d times for 8 concurrent resolutions, want 2 (once each)", n)
	}
	if tg := resolveOK(t, r, Request{Host: "web"}); tg.Secrets != (Secrets{}) {
		t.Errorf("a host without references got secrets %v", tg.Secrets)
	}
}

func TestSecretRefsLazyAndPrecedence(t *testing.T) {
	b, runs := secretBed(t, `    password: {command: "echo run >> RUNS; echo from-config"}
    enable_secret: {command: "echo run >> RUNS; echo from-config"}
    sudo_password: {env: SUDO_FROM_CONFIG}
`)
	b.env["OVRD_lab-1_ENABLE_PASS"] = "from-ovrd"
	b.env["OVRD_LAB_1_SUDO_PASS"] = "sudo-ovrd"
	r := b.resolver(t, "lib")
	tg := resolveOK(t, r, Request{Host: "lab-1", Password: "from-request"})
	if tg.Secrets.Password != "from-request" || tg.Secrets.Enable != "from-ovrd" || tg.Secrets.Sudo != "sudo-ovrd" {
		t.Errorf("secrets = %q %q %q, want from-request, from-ovrd, sudo-ovrd",
			tg.Secrets.Password, tg.Secrets.Enable, tg.Secrets.Sudo)
	}
	if n := countRuns(t, runs); n != 0 {
		t.Errorf("config commands ran %d times although request and OVRD_ values take precedence", n)
	}
	b.env["OVRD_lab-1_PASS"] = "pass-ovrd"
	if tg := resolveOK(t, r, Request{Host: "lab-1"}); tg.Secrets.Password != "pass-ovrd" {
		t.Errorf("password = %q, want OVRD_lab-1_PASS to beat the config", tg.Secrets.Password)
	}
}

func TestSecretRefErrors(t *testing.T) {
	cases := []struct {
		name, ref string
		want      []string // in the error
		secret    string   // must not be in the error
	}{
		{"missing env", "{env: NOT_SET_ANYWHERE}", []string{"config.yaml:3", "hosts[0].enable_secret", "NOT_SET_ANYWHERE is not set"}, ""},
		{"empty env", "{env: EMPTY_VAR}", []string{"EMPTY_VAR is empty"}, ""},
		{"command fails", `{command: "v=leaked; echo $v-value; echo 'gpg: decryption failed' >&2; echo more >&2; exit 3"}`,
			[]string{"config.yaml:3", "enable_secret", "exited 3: gpg: decryption failed"}, "leaked-value"},
		{"command prints nothing", `{command: "true"}`, []string{"printed nothing"}, ""},
		{"command missing", `{command: "/nonexistent/pass show x"}`, []string{"exited 127"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _ := secretBed(t, "    enable_secret: "+c.ref+"\n")
			b.env["EMPTY_VAR"] = ""
			// The host resolves; only the secret is missing, and says why.
			tg := resolveOK(t, b.resolver(t, "lib"), Request{Host: "lab-1"})
			e := tg.Secrets.Missing("enable_secret")
			if e == nil || !errors.Is(e, ErrSecret) || tg.Secrets.Enable != "" {
				t.Fatalf("Missing(enable_secret) = %v with enable %t; want a SecretError and no secret", e, tg.Secrets.Enable != "")
			}
			for _, w := range c.want {
				if !strings.Contains(e.Error(), w) {
					t.Errorf("error %q lacks %q", e, w)
				}
			}
			if c.secret != "" && strings.Contains(e.Error(), c.secret) {
				t.Errorf("error %q shows the command's stdout %q", e, c.secret)
			}
		})
	}
}

func TestSecretCommandFailureNotCached(t *testing.T) {
	b := newResolveBed(t)
	flag := filepath.Join(b.home, "unlocked")
	b.write(t, ".config/mcp-ssh-session/config.yaml",
		fmt.Sprintf("hosts:\n  - match: '*'\n    password: {command: \"test -e %s && echo pw\"}\n", flag))
	r := b.resolver(t, "lib")
	if tg := resolveOK(t, r, Request{Host: "h"}); tg.Secrets.Missing("password") == nil {
		t.Fatalf("a failing password command: Missing(password) = nil, want why")
	}
	b.write(t, "unlocked", "")
	if tg := resolveOK(t, r, Request{Host: "h"}); tg.Secrets.Password != "pw" {
		t.Errorf("after the store was unlocked, password = %q, want pw", tg.Secrets.Password)
	}
}

func TestSecretCommandDeadline(t *testing.T) {
	c := newSecretCache(func(string) (string, bool) { return "", false })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.get(ctx, &SecretRef{Command: "sleep 30"})
	if err == nil || !strings.Contains(err.Error(), "did not finish") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("get(sleep 30) = %v, want a deadline error", err)
	}
}

func TestSecretsRedacted(t *testing.T) {
	s := Secrets{Password: "pw-one", KeyPassphrase: "kp-two", Sudo: "sudo-three", Enable: "en-four"}
	tg := Target{Alias: "x", Secrets: s}
	for _, out := range []string{fmt.Sprintf("%v", tg), fmt.Sprintf("%+v", tg), fmt.Sprintf("%#v", s), fmt.Sprint(s)} {
		for _, v := range []string{s.Password, s.KeyPassphrase, s.Sudo, s.Enable} {
			if strings.Contains(out, v) {
				t.Errorf("formatted target %q shows a secret", out)
			}
		}
	}
}

func TestSecretSources(t *testing.T) {
	b, _ := secretBed(t, "    enable_secret: {env: LAB_ENABLE}\n")
	b.env["LAB_ENABLE"] = "enable-value"
	b.env["OVRD_lab-1_PASS"] = "pass-value"
	tg := resolveOK(t, b.resolver(t, "lib"), Request{Host: "lab-1"})
	if tg.Sources["Password"] != "OVRD_lab-1_PASS" || !strings.HasSuffix(tg.Sources["Enable"], "config.yaml:3 {env: LAB_ENABLE}") {
		t.Errorf("Sources = %q, want the variable and the reference", tg.Sources)
	}
	for k, v := range tg.Sources {
		if strings.Contains(v, "-value") {
			t.Errorf("Sources[%q] = %q holds a secret", k, v)
		}
	}
}

func TestSecretCommandOutputBounded(t *testing.T) {
	c := newSecretCache(func(string) (string, bool) { return "", false })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.get(ctx, &SecretRef{Command: "head -c 200000 /dev/zero | tr '\\0' x"})
	if err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("a 200 kB secret = %v, want refused as too long", err)
	}
}
