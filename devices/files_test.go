package devices

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

// accountConn logs in as a test account with the test bed's client key.
func accountConn(t *testing.T, kind string) (*Conn, devicetest.Account) {
	t.Helper()
	acct := devicetest.TestAccount(t, kind)
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	tg := keyTarget(s)
	tg.User = acct.Name
	return mustConn(t, newTestPool(t, PoolOptions{}), tg), acct
}

// sharedDir makes a root-owned directory other users can traverse but not
// write, removed when the test ends.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "mcpt-files-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// noLeftovers fails when dir holds temporary files of ours. A test
// account's home is shared with the other packages' tests, which run at
// the same time and may be in the middle of an upload there: a file
// counts as left over only when it is still there a few seconds later.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatalf("read dir %q: %v", dir, err)
		}
		var left []string
		for _, e := range entries {
			if strings.Contains(e.Name(), ".mcpssh-") {
				left = append(left, e.Name())
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("temporary files %q left in %q", left, dir)
			return
		}
		time.Sleep(100 * time.Millisecond) // polling with a deadline
	}
}

func statOf(t *testing.T, path string) (os.FileMode, uint32, uint32) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat %q: %v", path, err)
	}
	sys := st.Sys().(*syscall.Stat_t)
	return st.Mode().Perm(), sys.Uid, sys.Gid
}

func TestFilesRoundTrip(t *testing.T) {
	c, acct := accountConn(t, "nosudo")
	ctx := testCtx(t, 60*time.Second)
	text := bytes.Repeat([]byte("two mebibytes of text, line after line\n"), (2<<20)/39+1)[:2<<20]
	binary := randomBytes(t, 2<<20)
	for name, data := range map[string][]byte{"text.txt": text, "blob.bin": binary} {
		remote := "~/mcpt-rt/" + name
		w, err := c.WriteFile(ctx, remote, data, WriteOptions{MakeDirs: true})
		if err != nil || w.Written != int64(len(data)) || w.Path != acct.Home+"/mcpt-rt/"+name {
			t.Fatalf("WriteFile(%q) = %+v, %v", remote, w, err)
		}
		r, err := c.ReadFile(ctx, remote, ReadOptions{})
		if err != nil || r.Truncated || r.Size != int64(len(data)) || !bytes.Equal(r.Data, data) {
			t.Fatalf("ReadFile(%q): %d bytes, size %d, truncated %v, err %v; want the %d bytes written",
				remote, len(r.Data), r.Size, r.Truncated, err, len(data))
		}
		local, err := os.ReadFile(filepath.Join(acct.Home, "mcpt-rt", name))
		if err != nil || !bytes.Equal(local, data) {
			t.Fatalf("the file on disk differs from what was written (%d bytes, %v)", len(local), err)
		}
		if mode, uid, _ := statOf(t, filepath.Join(acct.Home, "mcpt-rt", name)); mode != 0o644 || uid == 0 {
			t.Fatalf("new file mode %v uid %d, want 0644 owned by %s", mode, uid, acct.Name)
		}
	}
	noLeftovers(t, filepath.Join(acct.Home, "mcpt-rt"))
	t.Cleanup(func() { os.RemoveAll(filepath.Join(acct.Home, "mcpt-rt")) })

	r, err := c.ReadFile(ctx, "mcpt-rt/text.txt", ReadOptions{MaxBytes: 1000})
	if err != nil || len(r.Data) != 1000 || !r.Truncated || r.Size != 2<<20 || !bytes.Equal(r.Data, text[:1000]) {
		t.Fatalf("ReadFile with MaxBytes 1000: %d bytes, truncated %v, size %d, %v", len(r.Data), r.Truncated, r.Size, err)
	}
	if _, err := c.ReadFile(ctx, "~/mcpt-rt/x", ReadOptions{MaxBytes: -1}); err == nil {
		t.Fatalf("ReadFile with a negative MaxBytes should fail")
	}
	if _, err := c.WriteFile(ctx, "~/mcpt-rt/big", make([]byte, 11), WriteOptions{MaxBytes: 10}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("WriteFile over MaxBytes: err = %v, want ErrTooLarge", err)
	}
}

func TestFilesErrors(t *testing.T) {
	c, _ := accountConn(t, "nosudo")
	ctx := testCtx(t, 60*time.Second)
	dir := sharedDir(t)
	for _, tc := range []struct {
		path string
		want error
	}{
		{"~", ErrIsDir},
		{dir, ErrIsDir},
		{dir + "/missing", ErrNotFound},
		{"/etc/shadow", ErrPermission},
	} {
		if _, err := c.ReadFile(ctx, tc.path, ReadOptions{}); !errors.Is(err, tc.want) {
			t.Errorf("ReadFile(%q): err = %v, want %v", tc.path, err, tc.want)
		}
	}
	if _, err := c.WriteFile(ctx, dir, []byte("x"), WriteOptions{}); !errors.Is(err, ErrIsDir) {
		t.Errorf("WriteFile over a directory: err = %v, want ErrIsDir", err)
	}
	if _, err := c.WriteFile(ctx, "~/mcpt-no-such-dir/f", []byte("x"), WriteOptions{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("WriteFile into a missing directory without MakeDirs: err = %v, want ErrNotFound", err)
	}
	if _, err := c.ReadFile(ctx, "~root/x", ReadOptions{}); err == nil || !strings.Contains(err.Error(), "~user") {
		t.Errorf("ReadFile(~root/x): err = %v, want it to say ~user is not supported", err)
	}
}

// A replace that cannot complete leaves the old file as it was: here the
// file is writable but its directory is not, so an in-place truncate would
// have worked while the atomic path refuses.
func TestFilesFailedReplaceKeepsOldContent(t *testing.T) {
	c, _ := accountConn(t, "nosudo")
	dir := sharedDir(t)
	target := filepath.Join(dir, "keep.txt")
	writeFile(t, target, "old content\n")
	if err := os.Chmod(target, 0o666); err != nil {
		t.Fatal(err)
	}
	_, err := c.WriteFile(testCtx(t, 60*time.Second), target, []byte("new"), WriteOptions{})
	if !errors.Is(err, ErrPermission) {
		t.Fatalf("WriteFile into a read-only directory: err = %v, want ErrPermission", err)
	}
	if got := readFile(t, target); got != "old content\n" {
		t.Fatalf("after a failed replace the file holds %q, want the old content", got)
	}
	noLeftovers(t, dir)
}

func TestFilesModesAndAppend(t *testing.T) {
	c, acct := accountConn(t, "nosudo")
	ctx := testCtx(t, 60*time.Second)
	dir := filepath.Join(acct.Home, "mcpt-modes")
	t.Cleanup(func() { os.RemoveAll(dir) })
	secret := dir + "/secret"
	if _, err := c.WriteFile(ctx, secret, []byte("a"), WriteOptions{MakeDirs: true, Mode: 0o600, ModeSet: true}); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if _, err := c.WriteFile(ctx, secret, []byte("b"), WriteOptions{}); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if mode, _, _ := statOf(t, secret); mode != 0o600 {
		t.Fatalf("a replaced 0600 file became %v; it must keep its mode", mode)
	}
	if _, err := c.WriteFile(ctx, secret, []byte("c\n"), WriteOptions{Append: true}); err != nil {
		t.Fatalf("append: %v", err)
	}
	if got := readFile(t, secret); got != "bc\n" {
		t.Fatalf("after append the file holds %q, want %q", got, "bc\n")
	}
	if _, err := c.WriteFile(ctx, dir+"/new-log", []byte("x"), WriteOptions{Append: true, Mode: 0o640, ModeSet: true}); err != nil {
		t.Fatalf("append to a new file: %v", err)
	}
	if mode, _, _ := statOf(t, dir+"/new-log"); mode != 0o640 {
		t.Fatalf("append-created file mode %v, want 0640", mode)
	}
	noLeftovers(t, dir)
}

// Root replacing another user's file hands the new file back to them.
func TestFilesReplaceKeepsOwner(t *testing.T) {
	acct := devicetest.TestAccount(t, "nosudo")
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	root := keyTarget(s)
	root.User = "root" // TestAccount has made sure this test runs as root
	c := mustConn(t, newTestPool(t, PoolOptions{}), root)
	path := filepath.Join(sharedDir(t), "theirs.txt")
	writeFile(t, path, "old")
	_, uid, gid := statOf(t, acct.Home)
	if err := os.Chown(path, int(uid), int(gid)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WriteFile(testCtx(t, 60*time.Second), path, []byte("new"), WriteOptions{}); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if mode, u, g := statOf(t, path); u != uid || g != gid || mode != 0o600 {
		t.Fatalf("after root's replace: mode %v owner %d:%d; want 0600 %d:%d", mode, u, g, uid, gid)
	}
	if got := readFile(t, path); got != "new" {
		t.Fatalf("file holds %q, want %q", got, "new")
	}
}
