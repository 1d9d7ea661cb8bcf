package devices

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The sudo file tests log in as the zsh account: the commands that stage
// and move files must work under a login shell other than bash, and the
// mcp tests, which may run beside these, stage their sudo uploads in the
// bash account's home, where this file looks for left-over temporary
// files.

// rootFile writes a 0640 root:root file in a directory the test accounts
// can traverse.
func rootFile(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(sharedDir(t), "root-owned.conf")
	if err := os.WriteFile(path, data, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 0, 0); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSudoReadRootFile(t *testing.T) {
	c, acct := accountConn(t, "zsh")
	ctx := testCtx(t, 60*time.Second)
	data := randomBytes(t, 2<<20)
	path := rootFile(t, data)

	if _, err := c.ReadFile(ctx, path, ReadOptions{}); !errors.Is(err, ErrPermission) {
		t.Fatalf("ReadFile of a 0640 root file without sudo: err = %v, want ErrPermission", err)
	}
	r, err := c.ReadFile(ctx, path, ReadOptions{SudoPassword: acct.Password})
	if err != nil || !r.ViaSudo || r.Truncated || r.Size != int64(len(data)) || !bytes.Equal(r.Data, data) {
		t.Fatalf("sudo ReadFile: %d bytes, size %d, via sudo %v, truncated %v, %v; want the %d bytes exactly",
			len(r.Data), r.Size, r.ViaSudo, r.Truncated, err, len(data))
	}
	r, err = c.ReadFile(ctx, path, ReadOptions{SudoPassword: acct.Password, UseSudo: true, MaxBytes: 100})
	if err != nil || !r.Truncated || !bytes.Equal(r.Data, data[:100]) || r.Size != int64(len(data)) {
		t.Fatalf("sudo ReadFile with MaxBytes 100: %d bytes, truncated %v, size %d, %v", len(r.Data), r.Truncated, r.Size, err)
	}
	if _, err := c.ReadFile(ctx, filepath.Dir(path)+"/missing", ReadOptions{SudoPassword: acct.Password, UseSudo: true}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("sudo ReadFile of a missing file: err = %v, want ErrNotFound", err)
	}
	noLeftovers(t, acct.Home)
}

func TestSudoWriteRootFile(t *testing.T) {
	c, acct := accountConn(t, "zsh")
	ctx := testCtx(t, 60*time.Second)
	path := rootFile(t, []byte("old\n"))

	// 60 KB of binary through sudo must arrive byte for byte.
	data := randomBytes(t, 60*1000)
	w, err := c.WriteFile(ctx, path, data, WriteOptions{SudoPassword: acct.Password})
	if err != nil || !w.ViaSudo || w.Written != int64(len(data)) {
		t.Fatalf("sudo WriteFile = %+v, %v", w, err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatalf("after a sudo write the file holds %d bytes, want the %d written", len(got), len(data))
	}
	if mode, uid, gid := statOf(t, path); mode != 0o640 || uid != 0 || gid != 0 {
		t.Fatalf("sudo replace changed the file to mode %v owner %d:%d; want 0640 root:root", mode, uid, gid)
	}
	if _, err := c.WriteFile(ctx, path, []byte("tail\n"), WriteOptions{SudoPassword: acct.Password, Append: true}); err != nil {
		t.Fatalf("sudo append: %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, append(data, "tail\n"...)) {
		t.Fatalf("sudo append did not add exactly its data")
	}
	created := filepath.Join(filepath.Dir(path), "sub", "new.conf")
	if _, err := c.WriteFile(ctx, created, []byte("n"), WriteOptions{UseSudo: true, SudoPassword: acct.Password,
		MakeDirs: true, Mode: 0o600, ModeSet: true}); err != nil {
		t.Fatalf("sudo write of a new file: %v", err)
	}
	if mode, uid, _ := statOf(t, created); mode != 0o600 || uid != 0 {
		t.Fatalf("sudo-created file mode %v uid %d, want 0600 root", mode, uid)
	}
	// Paths reach the remote shell quoted: a quote, spaces and $(...)
	// in a name stay literal.
	odd := filepath.Join(filepath.Dir(path), "it's a $(touch pwned) name")
	if _, err := c.WriteFile(ctx, odd, []byte("odd"), WriteOptions{UseSudo: true, SudoPassword: acct.Password}); err != nil {
		t.Fatalf("sudo write of %q: %v", odd, err)
	}
	if got := readFile(t, odd); got != "odd" {
		t.Fatalf("file %q holds %q", odd, got)
	}
	if r, err := c.ReadFile(ctx, odd, ReadOptions{UseSudo: true, SudoPassword: acct.Password}); err != nil || string(r.Data) != "odd" {
		t.Fatalf("sudo read of %q = %q, %v", odd, r.Data, err)
	}
	for _, dir := range []string{filepath.Dir(path), acct.Home} {
		if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
			t.Fatalf("a $(...) in a path was executed: %s/pwned exists", dir)
		}
	}
	noLeftovers(t, filepath.Dir(path))
	noLeftovers(t, acct.Home)
}

func TestSudoWrongPasswordLeavesFileIntact(t *testing.T) {
	c, acct := accountConn(t, "zsh")
	ctx := testCtx(t, 60*time.Second)
	path := rootFile(t, []byte("precious\n"))
	const wrong = "Wrong-Sudo-Pass-5"
	_, err := c.WriteFile(ctx, path, []byte("clobbered"), WriteOptions{SudoPassword: wrong})
	if !errors.Is(err, ErrSudo) || !strings.Contains(err.Error(), "sudo rejected the password") {
		t.Fatalf("sudo write with a wrong password: err = %v, want ErrSudo saying the password was rejected", err)
	}
	if strings.Contains(err.Error(), wrong) {
		t.Fatalf("the error carries the password: %q", err.Error())
	}
	if got := readFile(t, path); got != "precious\n" {
		t.Fatalf("file after a refused sudo write = %q, want it untouched", got)
	}
	if _, err := c.ReadFile(ctx, path, ReadOptions{SudoPassword: wrong}); !errors.Is(err, ErrSudo) {
		t.Fatalf("sudo read with a wrong password: err = %v, want ErrSudo", err)
	}
	if _, err := c.ReadFile(ctx, path, ReadOptions{UseSudo: true}); !errors.Is(err, ErrSudo) ||
		!strings.Contains(err.Error(), "needs a password") {
		t.Fatalf("sudo read without a password: err = %v, want ErrSudo saying a password is needed", err)
	}
	noLeftovers(t, acct.Home)
}

func TestSudoNotAllowed(t *testing.T) {
	c, acct := accountConn(t, "nosudo")
	path := rootFile(t, []byte("x"))
	_, err := c.ReadFile(testCtx(t, 60*time.Second), path, ReadOptions{SudoPassword: acct.Password})
	if !errors.Is(err, ErrSudo) || !strings.Contains(err.Error(), "may not use sudo") {
		t.Fatalf("sudo read by an account without sudo: err = %v, want ErrSudo saying so", err)
	}
}
