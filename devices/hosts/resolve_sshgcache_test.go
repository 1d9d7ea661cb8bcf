package hosts

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// countingSSH writes a wrapper around the real ssh that records each run,
// and returns a Resolver using it and the file of runs.
func countingSSH(t *testing.T, b *resolveBed) (*Resolver, func() int) {
	t.Helper()
	sshPath := requireSSH(t)
	runs := filepath.Join(b.home, "ssh-runs")
	wrapper := b.write(t, "bin/ssh", fmt.Sprintf("#!/bin/sh\necho run >> %q\nexec %q \"$@\"\n", runs, sshPath))
	if err := os.Chmod(wrapper, 0o700); err != nil {
		t.Fatal(err)
	}
	r, err := NewResolver(ResolverOptions{Home: b.home, ConfigPath: filepath.Join(b.home, "none.yaml"), SSHBinary: wrapper,
		Env: func(string) (string, bool) { return "", false }, Logger: slog.New(slog.NewTextHandler(b.log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return r, func() int {
		data, _ := os.ReadFile(runs)
		return strings.Count(string(data), "run\n")
	}
}

func TestSSHGCacheFollowsFiles(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", "Include hosts/*.conf\n")
	b.write(t, ".ssh/hosts/web.conf", "Host web1\n  Port 2001\n")
	r, runs := countingSSH(t, b)
	for range 3 {
		if tg := resolveOK(t, r, Request{Host: "web1"}); tg.Port != 2001 {
			t.Fatalf("Port = %d, want 2001", tg.Port)
		}
	}
	if n := runs(); n != 2 { // the empty-config baseline once, web1 once
		t.Errorf("ssh ran %d times for three identical resolutions, want 2", n)
	}
	resolveOK(t, r, Request{Host: "web1", Username: "other"})
	if n := runs(); n != 3 {
		t.Errorf("ssh ran %d times after a different question, want 3", n)
	}
	b.write(t, ".ssh/hosts/web.conf", "Host web1\n  Port 2002\n")
	if tg := resolveOK(t, r, Request{Host: "web1"}); tg.Port != 2002 {
		t.Errorf("after editing an included file Port = %d, want 2002", tg.Port)
	}
	b.write(t, ".ssh/hosts/more.conf", "Host web1\n  User added\n")
	if tg := resolveOK(t, r, Request{Host: "web1"}); tg.User != "added" {
		t.Errorf("after adding a file the Include matches, User = %q, want added", tg.User)
	}
}

// Files that last changed before the racy window are not read again while
// their stat signature holds; a change that keeps the size and puts the
// old modification time back is still noticed (the change time moves, and
// a file changed just now is not trusted).
func TestSSHGCacheFollowsOldFiles(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", "Include hosts/*.conf\n")
	b.write(t, ".ssh/hosts/web.conf", "Host web1\n  Port 2001\n")
	old := time.Now().Add(-time.Hour)
	backdate := func() {
		t.Helper()
		for _, f := range []string{".ssh/config", ".ssh/hosts", ".ssh/hosts/web.conf", ".ssh/hosts/more.conf"} {
			if err := os.Chtimes(filepath.Join(b.home, f), old, old); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
	}
	backdate()
	time.Sleep(racyWindow + 100*time.Millisecond) // the change time ages too
	r, runs := countingSSH(t, b)
	for range 3 {
		if tg := resolveOK(t, r, Request{Host: "web1"}); tg.Port != 2001 {
			t.Fatalf("Port = %d, want 2001", tg.Port)
		}
	}
	if n := runs(); n != 2 {
		t.Errorf("ssh ran %d times for three identical resolutions, want 2", n)
	}
	b.write(t, ".ssh/hosts/web.conf", "Host web1\n  Port 2002\n")
	backdate()
	if tg := resolveOK(t, r, Request{Host: "web1"}); tg.Port != 2002 {
		t.Errorf("after an edit of the same size with the old times put back, Port = %d, want 2002", tg.Port)
	}
	b.write(t, ".ssh/hosts/more.conf", "Host web1\n  User added\n")
	backdate()
	if tg := resolveOK(t, r, Request{Host: "web1"}); tg.User != "added" {
		t.Errorf("after adding a file with the old times put back, User = %q, want added", tg.User)
	}
}

func TestSSHGCacheSkipsDynamicMatch(t *testing.T) {
	b := newResolveBed(t)
	flag := filepath.Join(b.home, "on-vpn")
	b.write(t, ".ssh/config", fmt.Sprintf("Match host web1 !exec \"test -e %s\"\n  Port 2001\n", flag))
	r, runs := countingSSH(t, b)
	if tg := resolveOK(t, r, Request{Host: "web1"}); tg.Port != 2001 {
		t.Fatalf("Port = %d, want 2001", tg.Port)
	}
	b.write(t, "on-vpn", "")
	if tg := resolveOK(t, r, Request{Host: "web1"}); tg.Port != 22 {
		t.Errorf("Port = %d after the Match exec answer changed, want 22", tg.Port)
	}
	if n := runs(); n != 3 {
		t.Errorf("ssh ran %d times, want 3: a Match exec configuration is never cached", n)
	}
}

// Warm reads OpenSSH's defaults once, ahead of the first resolution, which
// then runs ssh only for its own question.
func TestResolverWarm(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", "Host web1\n  Port 2001\n")
	r, runs := countingSSH(t, b)
	r.Warm(t.Context())
	if n := runs(); n != 1 {
		t.Fatalf("ssh ran %d times for Warm, want 1 (the empty-config baseline)", n)
	}
	if tg := resolveOK(t, r, Request{Host: "web1"}); tg.Port != 2001 {
		t.Fatalf("Port = %d, want 2001", tg.Port)
	}
	if n := runs(); n != 2 {
		t.Errorf("ssh ran %d times after Warm and one resolution, want 2", n)
	}
}
