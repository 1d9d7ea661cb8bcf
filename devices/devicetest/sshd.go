package devicetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// startTimeout bounds how long one sshd start may take to answer with our
// host key (generous: parallel test packages can load the machine heavily);
// restartTimeout bounds how long Start keeps retrying a port
// that the previous instance has not released yet.
const (
	startTimeout   = 30 * time.Second
	restartTimeout = 5 * time.Second
)

// SSHDOptions adjusts a test sshd. The zero value gives the defaults
// described at StartSSHD.
type SSHDOptions struct {
	// ExtraConfig holds sshd_config lines. sshd keeps the first value it
	// reads for most keywords, so plain options here are written before
	// the defaults and win over them; a Match line and everything after
	// it is written at the end, where Match blocks must be. "" adds nothing.
	ExtraConfig string
	// AuthorizedKeys are authorized for every account beside ClientKey.
	// nil adds none.
	AuthorizedKeys []ssh.PublicKey
	// PAM runs sshd with UsePAM yes and the system's PAM stack for sshd.
	// Only then does OpenSSH offer keyboard-interactive on Linux (password
	// prompts answered by the client). It needs root. False means UsePAM
	// no: passwords are checked against /etc/shadow directly.
	PAM bool
	// Wrapper, when set, is a command line that sshd's own command line
	// is appended to: the wrapper prepares something (namespaces, mounts,
	// daemons) and then execs its arguments, so that sshd ends up as its
	// process or its descendant. It runs again at every Start. Its
	// standard output and error go to the log returned by Log. nil runs
	// sshd directly.
	Wrapper []string
}

// SSHD is a real OpenSSH server running as a child process on 127.0.0.1.
// Its exported fields do not change after StartSSHD returns; its methods
// are safe for concurrent use.
type SSHD struct {
	Host           string        // always "127.0.0.1"
	Port           int           // chosen free port; kept across Restart
	Addr           string        // Host:Port
	HostKey        ssh.PublicKey // ed25519 host key; kept across Restart
	HostKeyPath    string        // private host key file
	ClientKey      KeyPair       // authorized for every account, including User
	KnownHostsPath string        // one plain line "[127.0.0.1]:port ssh-ed25519 ..."
	Dir            string        // sshd_config, keys, logs; traversable by all (sshd reads authorized_keys as the user), private files 0600
	User           string        // the account tests log in as by default, with ClientKey: see StartSSHD

	t       testing.TB
	bin     string
	wrapper []string // SSHDOptions.Wrapper
	cfgPath string
	logPath string // sshd's -E log
	outPath string // sshd's stdout and stderr, for errors before -E takes over

	mu   sync.Mutex // serializes Start and Stop
	proc *exec.Cmd
	done chan struct{} // closed when proc has been waited for
}

var errAddrInUse = errors.New("address already in use")

// StartSSHD starts an sshd on 127.0.0.1 and a free port, with its own
// directory, ed25519 host key, client key and known_hosts file, and
// returns once it has answered an SSH handshake with its host key. When no
// sshd binary is found (PATH, then /usr/sbin/sshd) it reports that through
// Require. Other failures are fatal and quote sshd's log. The server is
// stopped by t.Cleanup, and its log is printed when the test failed.
//
// The configuration allows public key and password logins (passwords are
// checked against /etc/shadow, which needs root), keyboard-interactive
// when opts.PAM is set, root login, TCP forwarding (jump hosts), the
// internal sftp subsystem and many concurrent connections, and turns off
// per-source penalties where sshd knows them, because tests log in wrongly
// on purpose. Run as root, every local account with a usable password or
// ClientKey can log in; not root, only the current user, by key.
//
// User is the current user, except under root: then it is the unprivileged
// test account mcpt-nosudo. Tests run commands as a user the test bed made,
// not as root, whose dotfiles belong to the machine (a login's .bashrc
// there may print or wait); a test that needs root asks for "root".
func StartSSHD(t testing.TB, opts SSHDOptions) *SSHD {
	t.Helper()
	bin, err := findSSHD()
	Require(t, err == nil, fmt.Sprint(err))
	me, err := user.Current()
	if err != nil {
		t.Fatalf("current user: %v", err)
	}
	if os.Geteuid() == 0 {
		// Privilege separation needs this directory; a container may lack it.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("create sshd privilege separation directory: %v", err)
		}
	}
	s := &SSHD{Host: "127.0.0.1", User: me.Username, t: t, bin: bin, wrapper: append([]string(nil), opts.Wrapper...)}
	if os.Geteuid() == 0 {
		s.User = TestAccount(t, "nosudo").Name
	}
	s.Dir = sharedTempDir(t, "mcpt-sshd-")
	s.cfgPath = filepath.Join(s.Dir, "sshd_config")
	s.logPath = filepath.Join(s.Dir, "sshd.log")
	s.outPath = filepath.Join(s.Dir, "sshd.out")
	s.HostKeyPath = filepath.Join(s.Dir, "ssh_host_ed25519_key")
	s.HostKey = writeHostKey(t, s.HostKeyPath)
	s.ClientKey = NewKeyPair(t, s.Dir, "")
	s.KnownHostsPath = filepath.Join(s.Dir, "known_hosts")
	s.writeAuthorizedKeys(opts.AuthorizedKeys)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of sshd on %s:\n%s", s.Addr, s.Log())
		}
	})
	t.Cleanup(s.Stop)

	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		s.Port, err = freePort()
		if err != nil {
			t.Fatalf("find a free port on 127.0.0.1: %v", err)
		}
		s.Addr = net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
		if err := s.writeConfig(opts.ExtraConfig, opts.PAM); err != nil {
			t.Fatalf("%v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		lastErr = s.launch(ctx)
		cancel()
		if lastErr == nil {
			writeKnownHosts(t, s.KnownHostsPath, s.Addr, s.HostKey)
			return s
		}
		if !errors.Is(lastErr, errAddrInUse) {
			break
		}
	}
	t.Fatalf("start sshd: %v\nlog:\n%s", lastErr, s.Log())
	return nil
}

// findSSHD returns the absolute path of sshd: sshd re-executes itself and
// refuses to run from a relative path.
func findSSHD() (string, error) {
	if p, err := exec.LookPath("sshd"); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs, nil
		}
	}
	if _, err := os.Stat("/usr/sbin/sshd"); err == nil {
		return "/usr/sbin/sshd", nil
	}
	return "", errors.New("sshd not found in PATH or /usr/sbin: install openssh-server")
}

// sharedTempDir makes a directory that other local users can traverse:
// sshd reads AuthorizedKeysFile with the logged-in user's identity, so the
// 0700 directories of t.TempDir would lock test accounts out. Files that
// must stay private are written 0600.
func sharedTempDir(t testing.TB, prefix string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatalf("create temp dir: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("chmod %q: %v", dir, err)
	}
	return dir
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *SSHD) writeAuthorizedKeys(extra []ssh.PublicKey) {
	s.t.Helper()
	var b strings.Builder
	b.WriteString(s.ClientKey.AuthorizedLine + "\n")
	for _, k := range extra {
		b.Write(ssh.MarshalAuthorizedKey(k))
	}
	path := filepath.Join(s.Dir, "authorized_keys")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		s.t.Fatalf("write authorized_keys: %v", err)
	}
}

// Start starts sshd again after Stop, with the same configuration, host
// key and port, retrying for a few seconds while the port is still taken.
// It does nothing when sshd is running. Failures are fatal, so call it
// from the test's goroutine.
func (s *SSHD) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), restartTimeout+startTimeout)
	defer cancel()
	deadline := time.Now().Add(restartTimeout)
	for {
		err := s.launchLocked(ctx)
		if err == nil {
			return
		}
		if !errors.Is(err, errAddrInUse) || time.Now().After(deadline) {
			s.t.Fatalf("restart sshd on %s: %v\nlog:\n%s", s.Addr, err, s.Log())
		}
		time.Sleep(50 * time.Millisecond) // the port is released asynchronously
	}
}

// Restart stops sshd, ending every connection it serves, and starts it
// again on the same port with the same host key, as a rebooted host would
// come back. Failures are fatal.
func (s *SSHD) Restart() {
	s.t.Helper()
	s.Stop()
	s.Start()
}

// Stop ends sshd and everything it started (the per-connection processes
// and the shells under them, as when a host goes down) and waits until the
// listener has exited. It is idempotent.
func (s *SSHD) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	killTree(s.proc.Process)
	<-s.done
	s.proc, s.done = nil, nil
}

// Log returns what sshd wrote to its log file and to its standard error.
func (s *SSHD) Log() string {
	logText, _ := os.ReadFile(s.logPath)
	out, _ := os.ReadFile(s.outPath)
	return string(out) + string(logText)
}

// ClientConfig returns a client configuration for user that pins HostKey,
// offers only ed25519 host keys and has a 10 s connect timeout. With no
// auth methods it authenticates with ClientKey.
func (s *SSHD) ClientConfig(user string, auth ...ssh.AuthMethod) *ssh.ClientConfig {
	if len(auth) == 0 {
		auth = []ssh.AuthMethod{ssh.PublicKeys(s.ClientKey.Signer)}
	}
	return &ssh.ClientConfig{
		User:              user,
		Auth:              auth,
		HostKeyCallback:   ssh.FixedHostKey(s.HostKey),
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519},
		Timeout:           10 * time.Second,
	}
}

func (s *SSHD) launch(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.launchLocked(ctx)
}

// launchLocked runs sshd in the foreground (-D) and waits until it
// answers. s.mu must be held.
func (s *SSHD) launchLocked(ctx context.Context) error {
	out, err := os.OpenFile(s.outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer out.Close() // the child holds its own copy
	argv := append(append([]string(nil), s.wrapper...), s.bin, "-D", "-e", "-f", s.cfgPath, "-E", s.logPath)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	// Its own process group keeps terminal signals of the test run away;
	// Pdeathsig ends it if the test binary dies without cleaning up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run %s: %w", argv[0], err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	if err := s.waitReady(ctx, done); err != nil {
		killTree(cmd.Process)
		<-done
		return err
	}
	s.proc, s.done = cmd, done
	return nil
}

// waitReady polls until the server on s.Addr completes a key exchange with
// our host key, which proves the port is ours and not a stranger's.
func (s *SSHD) waitReady(ctx context.Context, exited <-chan struct{}) error {
	for {
		select {
		case <-exited:
			if strings.Contains(s.Log(), "Address already in use") {
				return fmt.Errorf("port %d: %w", s.Port, errAddrInUse)
			}
			return errors.New("sshd exited during start")
		default:
		}
		ready, err := probeHostKey(ctx, s.Addr, s.HostKey)
		if ready {
			return nil
		}
		if errors.Is(err, errStranger) {
			return fmt.Errorf("port %d answered by another server: %w", s.Port, errAddrInUse)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sshd did not answer on %s: %w (last attempt: %v)", s.Addr, ctx.Err(), err)
		case <-exited:
		case <-time.After(20 * time.Millisecond):
		}
	}
}

var (
	errProbeDone = errors.New("host key seen")
	errStranger  = errors.New("another host key")
)

// probeHostKey reports whether addr completes a key exchange presenting
// key. It stops right after the host key check and never authenticates.
// A connection, once accepted, may take until ctx's deadline: on a loaded
// machine a handshake can be slow, and retrying it would only add load.
func probeHostKey(ctx context.Context, addr string, key ssh.PublicKey) (bool, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	defer context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })()
	cfg := &ssh.ClientConfig{
		User:              "probe",
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519},
		HostKeyCallback: func(_ string, _ net.Addr, k ssh.PublicKey) error {
			if string(k.Marshal()) != string(key.Marshal()) {
				return errStranger
			}
			return errProbeDone
		},
	}
	_, _, _, err = ssh.NewClientConn(conn, addr, cfg)
	return errors.Is(err, errProbeDone), err
}
