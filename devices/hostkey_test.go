package devices

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// hostKeyErr dials tg and returns the HostKeyError it must fail with.
func hostKeyErr(t *testing.T, tg hosts.Target) *HostKeyError {
	t.Helper()
	_, _, err := newTestPool(t, PoolOptions{}).Conn(testCtx(t, 20*time.Second), tg)
	var he *HostKeyError
	if !errors.As(err, &he) || !errors.Is(err, ErrHostKey) {
		t.Fatalf("dial %q: err = %v, want a HostKeyError matching ErrHostKey", tg.Key(), err)
	}
	t.Logf("dial %q: %v", tg.Key(), err)
	return he
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatalf("write %q: %v", path, err)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %q: %v", path, err)
	}
	return string(data)
}

func randomHostKey(t *testing.T) ssh.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestHostKeyUnknownStrict(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	tg := keyTarget(s)
	kh := filepath.Join(t.TempDir(), "known_hosts")
	writeFile(t, kh, "# nothing known yet\n")
	tg.KnownHostsFiles = []string{kh}
	for _, mode := range []string{"yes", "ask"} {
		tg.StrictHostKeyChecking = mode
		he := hostKeyErr(t, tg)
		wantLine := knownhosts.Line([]string{s.Addr}, s.HostKey)
		if he.Kind != HostKeyUnknown || he.Got != ssh.FingerprintSHA256(s.HostKey) || he.AddLine != wantLine {
			t.Fatalf("mode %s: got kind %q fingerprint %q line %q; want %q %q %q", mode,
				he.Kind, he.Got, he.AddLine, HostKeyUnknown, ssh.FingerprintSHA256(s.HostKey), wantLine)
		}
		if !strings.Contains(he.Error(), he.AddLine) || !strings.Contains(he.Error(), he.Got) {
			t.Fatalf("error text %q should carry the fingerprint and the line to add", he.Error())
		}
	}
	if got := readFile(t, kh); got != "# nothing known yet\n" {
		t.Fatalf("StrictHostKeyChecking yes changed known_hosts to %q", got)
	}
	// The line the error proposes is exactly what makes the host known.
	writeFile(t, kh, "# nothing known yet\n"+knownhosts.Line([]string{s.Addr}, s.HostKey)+"\n")
	mustConn(t, newTestPool(t, PoolOptions{}), tg)
}

func TestHostKeyAcceptNew(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	tg := keyTarget(s)
	dir := filepath.Join(t.TempDir(), "fresh", ".ssh")
	kh := filepath.Join(dir, "known_hosts")
	tg.KnownHostsFiles = []string{kh, "/nonexistent/global_known_hosts"}
	tg.StrictHostKeyChecking = "" // accept-new is the default

	// Processes (here pools) learning at once must write the line once.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := NewPool(PoolOptions{})
			defer p.Close()
			_, _, err := p.Conn(testCtx(t, 30*time.Second), tg)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("accept-new dial: %v", err)
		}
	}
	want := knownhosts.Line([]string{s.Addr}, s.HostKey) + "\n"
	if got := readFile(t, kh); got != want {
		t.Fatalf("known_hosts after 8 concurrent accept-new dials = %q, want exactly %q", got, want)
	}
	for path, mode := range map[string]os.FileMode{dir: 0o700, kh: 0o600} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != mode {
			t.Fatalf("stat %q: %v, mode %v; want %v", path, err, st.Mode().Perm(), mode)
		}
	}
	tg.StrictHostKeyChecking = "yes"
	mustConn(t, newTestPool(t, PoolOptions{}), tg)
}

func TestHostKeyAcceptNewAppendsAfterUnterminatedLine(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	tg := keyTarget(s)
	kh := filepath.Join(t.TempDir(), "known_hosts")
	other := knownhosts.Line([]string{"other.example:2200"}, randomHostKey(t))
	writeFile(t, kh, other) // no final newline
	tg.KnownHostsFiles = []string{kh}
	tg.StrictHostKeyChecking = "accept-new"
	mustConn(t, newTestPool(t, PoolOptions{}), tg)
	want := other + "\n" + knownhosts.Line([]string{s.Addr}, s.HostKey) + "\n"
	if got := readFile(t, kh); got != want {
		t.Fatalf("known_hosts = %q, want %q", got, want)
	}
}

func TestHostKeyChangedAlwaysRefused(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	tg := keyTarget(s)
	kh := filepath.Join(t.TempDir(), "known_hosts")
	old := randomHostKey(t)
	writeFile(t, kh, "# comment\n"+knownhosts.Line([]string{s.Addr}, old)+"\n")
	tg.KnownHostsFiles = []string{kh}
	for _, mode := range []string{"yes", "accept-new", "no"} {
		tg.StrictHostKeyChecking = mode
		he := hostKeyErr(t, tg)
		if he.Kind != HostKeyChanged || len(he.Want) != 1 {
			t.Fatalf("mode %s: kind %q want %+v; expected one known key, kind changed", mode, he.Kind, he.Want)
		}
		w := he.Want[0]
		if w.File != kh || w.Line != 2 || w.Fingerprint != ssh.FingerprintSHA256(old) || he.Got != ssh.FingerprintSHA256(s.HostKey) {
			t.Fatalf("mode %s: got %+v offered %q; want %s:2 %s offered %s", mode, w, he.Got,
				kh, ssh.FingerprintSHA256(old), ssh.FingerprintSHA256(s.HostKey))
		}
		msg := he.Error()
		if !strings.Contains(msg, w.Fingerprint) || !strings.Contains(msg, he.Got) || !strings.Contains(msg, kh+":2") {
			t.Fatalf("mode %s: message %q must carry both fingerprints and file:line", mode, msg)
		}
	}
}

func TestHostKeyHashedKnownHosts(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	devicetest.Require(t, err == nil, "ssh-keygen not found: install openssh-client")
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	kh := filepath.Join(t.TempDir(), "known_hosts")
	writeFile(t, kh, readFile(t, s.KnownHostsPath))
	if out, err := exec.Command(keygen, "-H", "-f", kh).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -H: %v\n%s", err, out)
	}
	if text := readFile(t, kh); !strings.HasPrefix(text, "|1|") {
		t.Fatalf("ssh-keygen -H did not hash the file: %q", text)
	}
	tg := keyTarget(s)
	tg.KnownHostsFiles = []string{kh}
	mustConn(t, newTestPool(t, PoolOptions{}), tg)

	// A hashed entry with another key is a changed key too.
	writeFile(t, kh, knownhosts.HashHostname(knownhosts.Normalize(s.Addr))+" "+
		string(ssh.MarshalAuthorizedKey(randomHostKey(t))))
	if he := hostKeyErr(t, tg); he.Kind != HostKeyChanged {
		t.Fatalf("hashed entry with another key: kind %q, want %q", he.Kind, HostKeyChanged)
	}
}

func TestHostKeyNoAcceptsWithoutRecording(t *testing.T) {
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	tg := keyTarget(s)
	kh := filepath.Join(t.TempDir(), "known_hosts")
	tg.KnownHostsFiles = []string{kh}
	tg.StrictHostKeyChecking = "no"
	mustConn(t, newTestPool(t, PoolOptions{}), tg)
	if _, err := os.Stat(kh); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("StrictHostKeyChecking no must not write known_hosts; stat: %v", err)
	}
	tg.StrictHostKeyChecking = "maybe"
	if _, _, err := newTestPool(t, PoolOptions{}).Conn(testCtx(t, 5*time.Second), tg); err == nil ||
		!strings.Contains(err.Error(), "yes, accept-new, no") {
		t.Fatalf("an invalid StrictHostKeyChecking should say which values work, got %v", err)
	}
}

// A host known by its ed25519 key alone must not be asked for the ECDSA
// key x/crypto prefers by default: that would look like a changed key.
func TestHostKeyAlgorithmsFollowKnownHosts(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	devicetest.Require(t, err == nil, "ssh-keygen not found: install openssh-client")
	ecdsaPath := filepath.Join(t.TempDir(), "ssh_host_ecdsa_key")
	if out, err := exec.Command(keygen, "-q", "-t", "ecdsa", "-N", "", "-f", ecdsaPath).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	s := devicetest.StartSSHD(t, devicetest.SSHDOptions{ExtraConfig: "HostKey " + ecdsaPath})
	tg := keyTarget(s) // its known_hosts has the ed25519 key only
	mustConn(t, newTestPool(t, PoolOptions{}), tg)

	// Forcing the algorithm shows the server would have offered ECDSA.
	tg.HostKeyAlgorithms = []string{ssh.KeyAlgoECDSA256}
	if he := hostKeyErr(t, tg); he.Kind != HostKeyChanged || he.KeyType != ssh.KeyAlgoECDSA256 {
		t.Fatalf("forced ecdsa: kind %q type %q, want changed ecdsa", he.Kind, he.KeyType)
	}
}
