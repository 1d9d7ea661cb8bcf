package hosts

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLibResolve feeds arbitrary ssh_config text to the library fallback:
// whatever the file says, Resolve returns a Target or an error, never
// panics or hangs.
func FuzzLibResolve(f *testing.F) {
	f.Add("Host web1\n  HostName %h.example\n  Port 2200\n")
	f.Add(agreeConfig)
	f.Add("Match host \"a b\" exec\nInclude\nHost\n  =\n")
	f.Add("Host *\n  ProxyJump a,b,[::1\n")
	f.Add("Include config\nMatch !all final canonical\n")
	f.Add("Host=\"x\"\n\tIdentityFile \"unterminated\n#\n=\n")
	f.Fuzz(func(t *testing.T, config string) {
		home := t.TempDir()
		if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(home, ".ssh", "config"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := NewResolver(ResolverOptions{Home: home, ConfigPath: filepath.Join(home, "none.yaml"), SSHBinary: "none",
			Env: func(string) (string, bool) { return "", false }, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		tg, err := r.Resolve(ctx, Request{Host: "web1"})
		if err == nil && (tg.HostName == "" || tg.Port < 1 || tg.Port > 65535) {
			t.Errorf("Resolve gave %s with no error", tg.Key())
		}
	})
}

// FuzzParseConfig: any bytes give a Config or a *ResolveError, never a
// panic, and a literal secret is never accepted.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(goodConfig))
	f.Add([]byte("hosts:\n  - match: a\n    password: x\n"))
	f.Add([]byte("defaults: &a\n  history: *a\n"))
	f.Add([]byte("hosts: [{match: [a, [b]]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, h := range c.Hosts {
			for _, ref := range []*SecretRef{h.Password, h.KeyPassphrase, h.SudoPassword, h.EnableSecret} {
				if ref != nil && (ref.Env == "") == (ref.Command == "") {
					t.Errorf("accepted a secret reference with neither or both of env and command: %+v", ref)
				}
			}
		}
	})
}
