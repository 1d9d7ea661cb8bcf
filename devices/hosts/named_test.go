package hosts

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestNamedSecrets: secrets: names extra secrets per host entry, fetched
// only when asked for, the first entry that names one winning; literal
// values and bad names are refused at load; a port from the call is
// refused for such a host, as for the other config secrets.
func TestNamedSecrets(t *testing.T) {
	b, runs := secretBed(t, `    secrets:
      tacacs_password: {command: "echo run >> RUNS; printf t4cacs"}
      other: {env: LAB_OTHER}
  - match: lab-1
    secrets:
      other: {env: IGNORED}
      extra: {env: LAB_EXTRA}
`)
	b.env["LAB_EXTRA"] = "x-value"
	r := b.resolver(t, "lib")
	tg := resolveOK(t, r, Request{Host: "lab-1"})
	if got := strings.Join(tg.Secrets.Named.Names(), ","); got != "extra,other,tacacs_password" || !tg.Secrets.ConfigBound {
		t.Fatalf("names %q, ConfigBound %v; want extra,other,tacacs_password and true", got, tg.Secrets.ConfigBound)
	}
	if n := countRuns(t, runs); n != 0 {
		t.Errorf("a named secret's command ran %d times before it was asked for", n)
	}
	ctx := context.Background()
	if v, err := tg.Secrets.Named.Value(ctx, "tacacs_password"); v != "t4cacs" || err != nil {
		t.Errorf("Value(tacacs_password) = %q, %v", v, err)
	}
	if v, err := tg.Secrets.Named.Value(ctx, "extra"); v != "x-value" || err != nil {
		t.Errorf("Value(extra) = %q, %v", v, err)
	}
	_, err := tg.Secrets.Named.Value(ctx, "other")
	if !errors.Is(err, ErrSecret) || !strings.Contains(err.Error(), "LAB_OTHER") {
		t.Errorf("Value(other) = %v; want ErrSecret naming LAB_OTHER (the first entry's)", err)
	}
	_, err = tg.Secrets.Named.Value(ctx, "nope")
	if !errors.Is(err, ErrUnknownSecret) || !strings.Contains(err.Error(), "extra, other, tacacs_password") {
		t.Errorf("Value(nope) = %v; want ErrUnknownSecret listing the names", err)
	}
	if _, err := resolveOKOrErr(r, Request{Host: "lab-1", Port: 2222}); err == nil || !strings.Contains(err.Error(), "secrets") {
		t.Errorf("a port from the call for a host with named secrets: %v; want refused", err)
	}
	var none *NamedSecrets
	if _, err := none.Value(ctx, "x"); !errors.Is(err, ErrUnknownSecret) || !strings.Contains(err.Error(), "names none") {
		t.Errorf("no secrets: %v", err)
	}

	for _, bad := range []string{
		"hosts:\n  - match: a\n    secrets:\n      pw: hunter2\n",
		"hosts:\n  - match: a\n    secrets:\n      'bad name': {env: X}\n",
		"hosts:\n  - match: a\n    secrets: [x]\n",
	} {
		if _, err := ParseConfig("c.yaml", []byte(bad)); err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseConfig(%q) = %v; want refused, without the value", bad, err)
		}
	}
}

func resolveOKOrErr(r *Resolver, req Request) (Target, error) {
	return r.Resolve(context.Background(), req)
}
