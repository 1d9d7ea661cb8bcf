package devicetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// AccountPassword is the login and sudo password of every test account.
// A fixed value is acceptable because these accounts can log in only
// through test sshds on loopback (the system's own sshd, if any, is not
// touched), and a fixed value lets a person reproduce a failure by hand.
const AccountPassword = "mcpt-Secret-7x"

// Account is a local user created for tests.
type Account struct {
	Name     string // login name, "mcpt-" + kind
	Password string // AccountPassword; also the sudo password
	Shell    string // login shell, an absolute path
	Home     string // home directory, created
	Sudo     bool   // may run anything with sudo after giving Password
}

// accountKind describes one kind of account: the login shell's candidate
// paths, the package that provides it, and whether it gets the sudo rule.
type accountKind struct {
	shells    []string
	pkg       string
	sudo      bool
	busybox   bool     // the shell is a link named "ash" to busybox
	groups    []string // supplementary groups the account joins
	listShell bool     // the shell is added to /etc/shells when missing
	// pagedLogin replaces the shell with a script that shows a long
	// notice through more(1) and then execs it, as a site's login
	// wrapper may.
	pagedLogin bool
}

var accountKinds = map[string]accountKind{
	"bash":    {shells: []string{"/bin/bash", "/usr/bin/bash"}, pkg: "bash", sudo: true},
	"nosudo":  {shells: []string{"/bin/bash", "/usr/bin/bash"}, pkg: "bash"},
	"dash":    {shells: []string{"/bin/dash", "/usr/bin/dash"}, pkg: "dash", sudo: true},
	"zsh":     {shells: []string{"/bin/zsh", "/usr/bin/zsh"}, pkg: "zsh", sudo: true},
	"busybox": {shells: []string{"/bin/busybox", "/usr/bin/busybox"}, pkg: "busybox", sudo: true, busybox: true},
	// vtysh logs in straight to FRRouting's shell; frrvty lets it open
	// the routing daemons' vty sockets.
	"vtysh": {shells: []string{"/usr/bin/vtysh"}, pkg: "frr", groups: []string{"frrvty"}, listShell: true},
	// vtyshpaged is vtysh behind a notice paged by more at login.
	"vtyshpaged": {shells: []string{"/usr/bin/vtysh"}, pkg: "frr", groups: []string{"frrvty"}, listShell: true, pagedLogin: true},
}

const (
	sudoersPath  = "/etc/sudoers.d/mcp-ssh-session-test"
	ashLinkDir   = "/usr/local/lib/mcp-ssh-session-test"
	accountsLock = "mcp-ssh-session-test-accounts.lock"
	setupTimeout = 60 * time.Second
)

// accountResult is the outcome of setting up one kind, kept for the life
// of the process so that each kind is set up at most once per process.
type accountResult struct {
	acct        Account
	unavailable string // reason for Require; "" when available
	err         error
}

var (
	accountsMu   sync.Mutex
	accountsDone = map[string]accountResult{}
)

// AccountKinds lists the kinds TestAccount accepts, sorted.
func AccountKinds() []string {
	kinds := make([]string, 0, len(accountKinds))
	for k := range accountKinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// TestAccount returns the test account of a kind: "bash" (bash, with the
// sudo rule), "nosudo" (bash, no sudo), "dash", "zsh" and "busybox"
// (busybox ash), all but nosudo with the sudo rule, "vtysh" (FRRouting's
// /usr/bin/vtysh as login shell, member of frrvty, no sudo) and
// "vtyshpaged" (the same behind a login script that pages a notice of
// PagedNoticeLines lines through more). The sudo rule allows everything
// but asks for Password every time.
//
// The account is created or repaired as root with useradd, usermod and
// chpasswd (the password goes through stdin, never argv), and the sudo
// rules are installed in /etc/sudoers.d after visudo accepts them. Each
// step is idempotent; test processes running at once are serialized by a
// file lock and each kind is set up once per process. Not root, a missing
// shell or a missing sudo is reported through Require. Safe for
// concurrent use.
func TestAccount(t testing.TB, kind string) Account {
	t.Helper()
	k, ok := accountKinds[kind]
	if !ok {
		t.Fatalf("TestAccount: unknown kind %q, want one of %q", kind, AccountKinds())
	}
	accountsMu.Lock()
	r, done := accountsDone[kind]
	if !done {
		r = setUpAccount(kind, k)
		accountsDone[kind] = r
	}
	accountsMu.Unlock()
	Require(t, r.unavailable == "", r.unavailable)
	if r.err != nil {
		t.Fatalf("set up test account %q: %v", "mcpt-"+kind, r.err)
	}
	return r.acct
}

func setUpAccount(kind string, k accountKind) accountResult {
	if os.Geteuid() != 0 {
		return accountResult{unavailable: "test accounts need root to create them; run the tests as root"}
	}
	shell := firstExisting(k.shells)
	if shell == "" {
		return accountResult{unavailable: fmt.Sprintf("%s not installed: apt-get install %s", k.pkg, k.pkg)}
	}
	if _, err := exec.LookPath("sudo"); err != nil && k.sudo {
		return accountResult{unavailable: "sudo not installed: apt-get install sudo"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	unlock, err := lockAccounts(ctx)
	if err != nil {
		return accountResult{err: err}
	}
	defer unlock()
	if k.busybox {
		if shell, err = ensureAshLink(shell); err != nil {
			return accountResult{err: err}
		}
	}
	if k.pagedLogin {
		if shell, err = ensurePagedLogin(shell); err != nil {
			return accountResult{err: err}
		}
	}
	acct := Account{Name: "mcpt-" + kind, Password: AccountPassword, Shell: shell, Sudo: k.sudo}
	if acct.Home, err = ensureUser(ctx, acct.Name, shell); err != nil {
		return accountResult{err: err}
	}
	for _, g := range k.groups {
		if err := runInput(ctx, "", "usermod", "-a", "-G", g, acct.Name); err != nil {
			return accountResult{err: err}
		}
	}
	if k.listShell {
		if err := ensureShellListed(shell); err != nil {
			return accountResult{err: err}
		}
	}
	if err := ensureZshrc(acct); err != nil {
		return accountResult{err: err}
	}
	if err := runInput(ctx, acct.Name+":"+acct.Password+"\n", "chpasswd"); err != nil {
		return accountResult{err: err}
	}
	if err := ensureSudoers(ctx); err != nil {
		return accountResult{err: err}
	}
	return accountResult{acct: acct}
}

func firstExisting(paths []string) string {
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// lockAccounts takes an exclusive lock shared by all test processes on
// the machine (go test runs packages in parallel), polling so that the
// wait has a deadline.
func lockAccounts(ctx context.Context) (unlock func(), err error) {
	// A fixed directory, not os.TempDir: processes with different TMPDIRs
	// must still meet on the same lock. O_NOFOLLOW keeps root from being
	// pointed elsewhere by a planted link.
	path := filepath.Join("/tmp", accountsLock)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for lock %s held by another test process: %w", path, ctx.Err())
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// PagedNoticeLines is how many lines the notice of the "vtyshpaged"
// account has: more than a 50-row terminal shows, so more pages it.
const PagedNoticeLines = 120

// ensurePagedLogin writes the login script of the "vtyshpaged" kind and
// its notice into ashLinkDir and returns the script's path.
func ensurePagedLogin(shell string) (string, error) {
	if err := os.MkdirAll(ashLinkDir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", ashLinkDir, err)
	}
	notice := filepath.Join(ashLinkDir, "login-notice.txt")
	var b strings.Builder
	for i := 1; i <= PagedNoticeLines; i++ {
		fmt.Fprintf(&b, "Notice line %d: this router is part of a test lab.\n", i)
	}
	script := filepath.Join(ashLinkDir, "vtysh-paged")
	body := "#!/bin/sh\n# Shows a notice through more, then becomes the router CLI.\nmore " + notice + "\nexec " + shell + " \"$@\"\n"
	for _, f := range []struct {
		path, text string
		mode       os.FileMode
	}{{notice, b.String(), 0o644}, {script, body, 0o755}} {
		if got, err := os.ReadFile(f.path); err == nil && string(got) == f.text {
			continue
		}
		tmp := f.path + ".tmp"
		if err := os.WriteFile(tmp, []byte(f.text), f.mode); err != nil {
			return "", fmt.Errorf("write %s: %w", tmp, err)
		}
		if err := os.Chmod(tmp, f.mode); err != nil {
			return "", err
		}
		if err := os.Rename(tmp, f.path); err != nil {
			return "", fmt.Errorf("install %s: %w", f.path, err)
		}
	}
	return script, nil
}

// ensureAshLink makes busybox run ash as a login shell: busybox picks its
// applet from the name it is started by, so the shell is a link named ash.
func ensureAshLink(busybox string) (string, error) {
	link := filepath.Join(ashLinkDir, "ash")
	if got, err := os.Readlink(link); err == nil && got == busybox {
		return link, nil
	}
	if err := os.MkdirAll(ashLinkDir, 0o755); err != nil {
		return "", err
	}
	tmp := link + ".new"
	os.Remove(tmp)
	if err := os.Symlink(busybox, tmp); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, link); err != nil {
		return "", err
	}
	return link, nil
}

// ensureUser creates name with a home directory and shell, or repairs the
// shell and home of an existing account, and returns the home directory.
func ensureUser(ctx context.Context, name, shell string) (string, error) {
	u, err := user.Lookup(name)
	if err != nil {
		if err := runInput(ctx, "", "useradd", "-m", "-s", shell, name); err != nil {
			return "", err
		}
		if u, err = user.Lookup(name); err != nil {
			return "", fmt.Errorf("account %q missing after useradd: %w", name, err)
		}
	}
	if err := runInput(ctx, "", "usermod", "-s", shell, name); err != nil {
		return "", err
	}
	if _, err := os.Stat(u.HomeDir); err != nil {
		if err := runInput(ctx, "", "mkhomedir_helper", name); err != nil {
			return "", fmt.Errorf("home %s of %q is missing and could not be created: %w", u.HomeDir, name, err)
		}
	}
	return u.HomeDir, nil
}

// ensureShellListed adds shell to /etc/shells when it is missing there:
// PAM's pam_shells and some daemons refuse logins whose shell is unlisted.
func ensureShellListed(shell string) error {
	const path = "/etc/shells"
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == shell {
			return nil
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	prefix := ""
	if len(b) > 0 && b[len(b)-1] != '\n' {
		prefix = "\n"
	}
	_, err = f.WriteString(prefix + shell + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ensureZshrc gives a zsh account a ~/.zshrc: without one, an interactive
// zsh starts its configuration wizard instead of a prompt, which no real
// user with a configured account sees.
func ensureZshrc(acct Account) error {
	if filepath.Base(acct.Shell) != "zsh" {
		return nil
	}
	path := filepath.Join(acct.Home, ".zshrc")
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.WriteFile(path, []byte("# test account\n"), 0o644); err != nil {
		return err
	}
	u, err := user.Lookup(acct.Name)
	if err != nil {
		return err
	}
	var uid, gid int
	fmt.Sscan(u.Uid, &uid)
	fmt.Sscan(u.Gid, &gid)
	return os.Chown(path, uid, gid)
}

// sudoersText is the rule file for every sudo kind: a password each time
// (timestamp_timeout=0), and no lecture, whose first-use text would make
// the first sudo of a run look different from the others.
func sudoersText() string {
	var b strings.Builder
	b.WriteString("# Test accounts of mcp-ssh-session; safe to delete.\n")
	for _, kind := range AccountKinds() {
		if !accountKinds[kind].sudo {
			continue
		}
		name := "mcpt-" + kind
		fmt.Fprintf(&b, "Defaults:%s timestamp_timeout=0, !lecture\n", name)
		fmt.Fprintf(&b, "%s ALL=(ALL:ALL) ALL\n", name)
	}
	return b.String()
}

// ensureSudoers installs sudoersText when the file differs, validating it
// with visudo first so that a broken rule can never lock sudo out.
func ensureSudoers(ctx context.Context) error {
	want := sudoersText()
	if got, err := os.ReadFile(sudoersPath); err == nil && string(got) == want {
		return nil
	}
	if _, err := exec.LookPath("visudo"); err != nil {
		return errors.New("visudo not found (it comes with sudo): apt-get install sudo")
	}
	tmp := filepath.Join(filepath.Dir(sudoersPath), ".mcp-ssh-session-test.new")
	if err := os.WriteFile(tmp, []byte(want), 0o440); err != nil {
		return err
	}
	if err := runInput(ctx, "", "visudo", "-cf", tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, sudoersPath)
}

// runInput runs a system command with input on stdin and reports its
// output on failure. Inputs may hold secrets; argv never does.
func runInput(ctx context.Context, input string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(input)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}
