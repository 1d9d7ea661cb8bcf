package devices

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"unsafe"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
)

// attacker is another local account watching a directory with inotify and
// acting on each file of ours (".mcpssh-" in its name) the moment it is
// created. It runs on an OS thread of its own whose file system identity
// (fsuid, fsgid) is the account's, so the kernel checks every step as it
// would for that user: root's file capabilities are dropped with it.
type attacker struct {
	t    testing.TB
	f    *os.File
	act  func(path string)
	wg   sync.WaitGroup
	mu   sync.Mutex
	hits []string
}

// watch starts an attacker acting as acct on files created in dir (and,
// one level down, in directories created there).
func watch(t testing.TB, acct devicetest.Account, dir string, act func(a *attacker, path string)) *attacker {
	t.Helper()
	uid, gid := accountIDs(t, acct)
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		t.Fatalf("inotify: %v", err)
	}
	// Non-blocking, so the runtime poller waits and Close ends the read.
	a := &attacker{t: t, f: os.NewFile(uintptr(fd), "inotify")}
	a.act = func(p string) { act(a, p) }
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_CREATE); err != nil {
		t.Fatalf("inotify watch %s: %v", dir, err)
	}
	a.wg.Add(1)
	go a.loop(fd, uid, gid, dir)
	t.Cleanup(func() {
		a.f.Close()
		a.wg.Wait()
	})
	return a
}

func (a *attacker) loop(fd, uid, gid int, dir string) {
	defer a.wg.Done()
	// The thread keeps the attacker's identity and dies with the
	// goroutine: it is never unlocked.
	runtime.LockOSThread()
	syscall.Setfsgid(gid)
	syscall.Setfsuid(uid)
	dirs := map[int32]string{}
	buf := make([]byte, 64<<10)
	for {
		n, err := a.f.Read(buf)
		if err != nil || n <= 0 {
			return
		}
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := string(bytes.TrimRight(buf[off+syscall.SizeofInotifyEvent:off+syscall.SizeofInotifyEvent+int(ev.Len)], "\x00"))
			off += syscall.SizeofInotifyEvent + int(ev.Len)
			parent := dir
			if d, ok := dirs[ev.Wd]; ok {
				parent = d
			}
			p := filepath.Join(parent, name)
			if !strings.Contains(p, ".mcpssh-") {
				continue
			}
			if ev.Mask&syscall.IN_ISDIR != 0 {
				if wd, err := syscall.InotifyAddWatch(fd, p, syscall.IN_CREATE); err == nil {
					dirs[int32(wd)] = p
				}
				continue
			}
			if st, err := os.Lstat(p); err == nil && st.Mode().IsRegular() {
				a.act(p) // not the links it made itself
			}
		}
	}
}

// record notes something the attacker achieved.
func (a *attacker) record(what string) {
	a.mu.Lock()
	a.hits = append(a.hits, what)
	a.mu.Unlock()
}

func (a *attacker) results() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.hits...)
}

func accountIDs(t testing.TB, acct devicetest.Account) (uid, gid int) {
	t.Helper()
	st, err := os.Stat(acct.Home)
	if err != nil {
		t.Fatalf("stat %s: %v", acct.Home, err)
	}
	sys := st.Sys().(*syscall.Stat_t)
	return int(sys.Uid), int(sys.Gid)
}

// ownedDir makes a directory owned by acct with the given mode, removed
// when the test ends.
func ownedDir(t *testing.T, acct devicetest.Account, mode os.FileMode) string {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	uid, gid := accountIDs(t, acct)
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
	return dir
}
