package devices

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/pkg/sftp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

// linkTo makes a symbolic link at link pointing to target.
func linkTo(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// wantLinkTo fails unless link is still a symbolic link to target.
func wantLinkTo(t *testing.T, link, target string) {
	t.Helper()
	got, err := os.Readlink(link)
	if err != nil || got != target {
		st, _ := os.Lstat(link)
		t.Fatalf("%s is no longer a link to %s: readlink = %q, %v; now %v", link, target, got, err, st.Mode())
	}
}

// A write onto a symbolic link writes the file the link points to, keeps
// the link, and keeps the file's owner and mode; nothing ends up world
// writable. Both through sudo and over SFTP.
func TestWriteThroughSymlink(t *testing.T) {
	t.Run("sudo", func(t *testing.T) {
		c, acct := accountConn(t, "zsh")
		ctx := testCtx(t, 60*time.Second)
		dir := sharedDir(t)
		real := filepath.Join(dir, "real.conf")
		if err := os.WriteFile(real, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "resolv.conf")
		linkTo(t, "real.conf", link)
		if _, err := c.WriteFile(ctx, link, []byte("new\n"), WriteOptions{UseSudo: true, SudoPassword: acct.Password}); err != nil {
			t.Fatalf("sudo write onto a link: %v", err)
		}
		wantLinkTo(t, link, "real.conf")
		if got := readFile(t, real); got != "new\n" {
			t.Fatalf("the link's target holds %q, want the new data", got)
		}
		if mode, uid, _ := statOf(t, real); mode != 0o644 || uid != 0 {
			t.Fatalf("the link's target is now mode %v uid %d, want 0644 root", mode, uid)
		}
		// A dangling link: the file it names is created.
		dangling := filepath.Join(dir, "alt")
		linkTo(t, filepath.Join(dir, "made.conf"), dangling)
		if _, err := c.WriteFile(ctx, dangling, []byte("made\n"), WriteOptions{UseSudo: true, SudoPassword: acct.Password}); err != nil {
			t.Fatalf("sudo write onto a dangling link: %v", err)
		}
		wantLinkTo(t, dangling, filepath.Join(dir, "made.conf"))
		if mode, _, _ := statOf(t, filepath.Join(dir, "made.conf")); mode&0o002 != 0 {
			t.Fatalf("created file is world writable: %v", mode)
		}
		// Appending follows the link too.
		if _, err := c.WriteFile(ctx, link, []byte("more\n"), WriteOptions{UseSudo: true, SudoPassword: acct.Password, Append: true}); err != nil {
			t.Fatalf("sudo append onto a link: %v", err)
		}
		wantLinkTo(t, link, "real.conf")
		if got := readFile(t, real); got != "new\nmore\n" {
			t.Fatalf("after the append the target holds %q", got)
		}
		noLeftovers(t, dir)
	})
	t.Run("sftp", func(t *testing.T) {
		c, acct := accountConn(t, "nosudo")
		ctx := testCtx(t, 60*time.Second)
		dir := ownedDir(t, acct, 0o755)
		real := filepath.Join(dir, "real.conf")
		if _, err := c.WriteFile(ctx, real, []byte("old\n"), WriteOptions{Mode: 0o640, ModeSet: true}); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "site.conf")
		linkTo(t, "real.conf", link)
		if _, err := c.WriteFile(ctx, link, []byte("new\n"), WriteOptions{}); err != nil {
			t.Fatalf("write onto a link: %v", err)
		}
		wantLinkTo(t, link, "real.conf")
		if got := readFile(t, real); got != "new\n" {
			t.Fatalf("the link's target holds %q, want the new data", got)
		}
		if mode, _, _ := statOf(t, real); mode != 0o640 {
			t.Fatalf("the link's target is now mode %v, want 0640", mode)
		}
		// Another user's link is not followed: it could lead anywhere.
		foreign := filepath.Join(dir, "foreign.conf")
		linkTo(t, "real.conf", foreign)
		if err := os.Lchown(foreign, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if _, err := c.WriteFile(ctx, foreign, []byte("via foreign\n"), WriteOptions{}); !errors.Is(err, ErrForeignLink) {
			t.Fatalf("write onto another user's link: err = %v, want ErrForeignLink", err)
		}
		if got := readFile(t, real); got != "new\n" {
			t.Fatalf("the target of another user's link now holds %q", got)
		}
		noLeftovers(t, dir)
	})
}

// A user who may write the target directory swaps our temporary file for a
// link to a file of root's the moment it appears: root must neither write
// nor give away that file.
func TestSudoWriteTempSwapRefused(t *testing.T) {
	c, acct := accountConn(t, "zsh")
	evil := devicetest.TestAccount(t, "nosudo")
	ctx := testCtx(t, 120*time.Second)
	dir := ownedDir(t, evil, 0o755)
	victim := filepath.Join(sharedDir(t), "shadow")
	if err := os.WriteFile(victim, []byte("root only\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := watch(t, evil, dir, func(a *attacker, p string) {
		if os.Remove(p) == nil && os.Symlink(victim, p) == nil {
			a.record(p)
		}
	})
	dst := filepath.Join(dir, "app.conf")
	for range 10 {
		c.WriteFile(ctx, dst, []byte("attacker wins\n"), WriteOptions{UseSudo: true, SudoPassword: acct.Password})
	}
	if got := readFile(t, victim); got != "root only\n" {
		t.Errorf("root's file was overwritten through the swapped temporary file: %q", got)
	}
	if mode, uid, gid := statOf(t, victim); mode != 0o600 || uid != 0 || gid != 0 {
		t.Errorf("root's file became mode %v owner %d:%d", mode, uid, gid)
	}
	t.Logf("the attacker swapped %d temporary files", len(a.results()))
	// A link the other user planted at the target is not followed.
	os.Remove(dst)
	linkTo(t, victim, dst)
	uid, gid := accountIDs(t, evil)
	if err := os.Lchown(dst, uid, gid); err != nil {
		t.Fatal(err)
	}
	_, err := c.WriteFile(ctx, dst, []byte("attacker wins\n"), WriteOptions{UseSudo: true, SudoPassword: acct.Password})
	if !errors.Is(err, ErrForeignLink) {
		t.Errorf("sudo write onto another user's link: err = %v, want ErrForeignLink", err)
	}
	if got := readFile(t, victim); got != "root only\n" {
		t.Errorf("root's file was overwritten through another user's link: %q", got)
	}
}

// The same over SFTP: the writer's own private file must keep its mode.
func TestSFTPWriteTempSwapRefused(t *testing.T) {
	c, acct := accountConn(t, "zsh")
	evil := devicetest.TestAccount(t, "nosudo")
	ctx := testCtx(t, 120*time.Second)
	dir := ownedDir(t, evil, 0o777)
	victim := filepath.Join(acct.Home, ".mcpt-private")
	if _, err := c.WriteFile(ctx, victim, []byte("private\n"), WriteOptions{Mode: 0o600, ModeSet: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(victim) })
	a := watch(t, evil, dir, func(a *attacker, p string) {
		if os.Remove(p) == nil && os.Symlink(victim, p) == nil {
			a.record(p)
		}
	})
	for range 20 {
		c.WriteFile(ctx, filepath.Join(dir, "app.conf"), []byte("data\n"), WriteOptions{Mode: 0o666, ModeSet: true})
	}
	if mode, _, _ := statOf(t, victim); mode != 0o600 {
		t.Errorf("the writer's private file became mode %v through a swapped temporary file", mode)
	}
	if got := readFile(t, victim); got != "private\n" {
		t.Errorf("the writer's private file now holds %q", got)
	}
	t.Logf("the attacker swapped %d temporary files", len(a.results()))
}

// Another local user opens each temporary file the moment it appears and
// reads it once the write is over: nothing of the content may leak.
func TestWriteTempNotReadableByOthers(t *testing.T) {
	secret := bytes.Repeat([]byte("SECRET-CONTENT "), 1<<16)
	snoop := func(a *attacker, p string) {
		f, err := os.Open(p)
		if err != nil {
			return
		}
		go func() {
			defer f.Close()
			time.Sleep(500 * time.Millisecond)
			if b, _ := io.ReadAll(f); bytes.Contains(b, []byte("SECRET-CONTENT")) {
				a.record(p)
			}
		}()
	}
	evil := devicetest.TestAccount(t, "nosudo")
	t.Run("sftp", func(t *testing.T) {
		c, acct := accountConn(t, "zsh")
		ctx := testCtx(t, 120*time.Second)
		dir := ownedDir(t, acct, 0o755)
		a := watch(t, evil, dir, snoop)
		for range 10 {
			if _, err := c.WriteFile(ctx, filepath.Join(dir, "secret.conf"), secret, WriteOptions{Mode: 0o600, ModeSet: true}); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(time.Second)
		if hits := a.results(); len(hits) > 0 {
			t.Errorf("another user read the content of %d of 10 temporary files, e.g. %s", len(hits), hits[0])
		}
	})
	t.Run("sudo", func(t *testing.T) {
		c, acct := accountConn(t, "dash")
		ctx := testCtx(t, 120*time.Second)
		a := watch(t, evil, acct.Home, snoop)
		dst := rootFile(t, []byte("old\n"))
		for range 10 {
			if _, err := c.WriteFile(ctx, dst, secret, WriteOptions{UseSudo: true, SudoPassword: acct.Password}); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(time.Second)
		if hits := a.results(); len(hits) > 0 {
			t.Errorf("another user read the content of %d of 10 uploads, e.g. %s", len(hits), hits[0])
		}
	})
}

// Only regular files are read: a FIFO (or a device) would block the SFTP
// server, and with it every file call to the host.
func TestReadRefusesNonRegular(t *testing.T) {
	c, acct := accountConn(t, "zsh")
	dir := ownedDir(t, acct, 0o755)
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, o := range []ReadOptions{{}, {UseSudo: true, SudoPassword: acct.Password}} {
		done := make(chan error, 1)
		go func() {
			_, err := c.ReadFile(testCtx(t, 20*time.Second), fifo, o)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Fatalf("ReadFile(FIFO, sudo %v): err = %v, want ErrNotRegular", o.UseSudo, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("ReadFile(FIFO, sudo %v) still blocked after 10 s", o.UseSudo)
		}
	}
	if _, err := c.ReadFile(testCtx(t, 20*time.Second), "/dev/zero", ReadOptions{}); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("ReadFile(/dev/zero): err = %v, want ErrNotRegular", err)
	}
}

// A file call whose context ends while the SFTP server is stuck closes its
// channel: the call returns and the next one works.
func TestCancelledFileCallClosesChannel(t *testing.T) {
	c, acct := accountConn(t, "zsh")
	dir := ownedDir(t, acct, 0o755)
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- c.withSFTP(testCtx(t, 2*time.Second), func(cl *sftp.Client) error {
			f, err := cl.Open(fifo) // blocks the server: nobody writes the FIFO
			if err == nil {
				f.Close()
			}
			return err
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Log(string(buf[:n]))
		t.Fatal("a file call stuck on the server did not return 8 s after its context ended")
	}
	file := filepath.Join(dir, "plain")
	if _, err := c.WriteFile(testCtx(t, 20*time.Second), file, []byte("ok"), WriteOptions{}); err != nil {
		t.Fatalf("the next file call failed: %v", err)
	}
}
