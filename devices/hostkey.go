package devices

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// ErrHostKey means the host key could not be verified; HostKeyError has
// the evidence.
var ErrHostKey = errors.New("devices: host key verification failed")

// HostKeyKind says why a host key was refused.
type HostKeyKind string

// Reasons for refusing a host key.
const (
	HostKeyUnknown HostKeyKind = "unknown" // not in known_hosts and StrictHostKeyChecking is yes
	HostKeyChanged HostKeyKind = "changed" // known_hosts holds other keys for this host
	HostKeyRevoked HostKeyKind = "revoked" // marked @revoked in known_hosts
)

// KnownKey is a key for the host found in a known_hosts file.
type KnownKey struct {
	File        string
	Line        int
	Type        string // e.g. ssh-ed25519
	Fingerprint string // SHA256:...
}

// HostKeyError is a refused host key with what was offered and what is
// known. It matches ErrHostKey.
type HostKeyError struct {
	Host    string // as written in known_hosts: host, or [host]:port
	Kind    HostKeyKind
	KeyType string     // type of the key the server offered
	Got     string     // its SHA256 fingerprint
	Want    []KnownKey // the known keys (changed, revoked)
	Files   []string   // known_hosts files consulted
	AddLine string     // the exact line that would make this key known
	Err     error      // a local failure (e.g. writing known_hosts), if that is the cause
}

func (e *HostKeyError) Error() string {
	switch e.Kind {
	case HostKeyChanged:
		var known []string
		for _, k := range e.Want {
			known = append(known, fmt.Sprintf("%s %s at %s:%d", k.Type, k.Fingerprint, k.File, k.Line))
		}
		return fmt.Sprintf("host key for %s has CHANGED: the server offered %s %s but known_hosts has %s; "+
			"if the host was reinstalled, remove the old line and connect again, otherwise someone may be intercepting",
			e.Host, e.KeyType, e.Got, strings.Join(known, ", "))
	case HostKeyRevoked:
		return fmt.Sprintf("host key %s %s for %s is marked @revoked in known_hosts", e.KeyType, e.Got, e.Host)
	}
	if e.Err != nil {
		return fmt.Sprintf("host key %s %s for %s is not accepted: %v", e.KeyType, e.Got, e.Host, e.Err)
	}
	return fmt.Sprintf("host key for %s is unknown (%s %s) and StrictHostKeyChecking is yes: "+
		"after checking the fingerprint, add this line to %s: %s",
		e.Host, e.KeyType, e.Got, firstOr(e.Files, "~/.ssh/known_hosts"), e.AddLine)
}

// Unwrap exposes ErrHostKey and any local cause.
func (e *HostKeyError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrHostKey}
	}
	return []error{ErrHostKey, e.Err}
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// hostKeys verifies one dial's host key against the target's known_hosts
// files and applies StrictHostKeyChecking.
type hostKeys struct {
	ctx    context.Context
	t      hosts.Target
	files  []string // the known_hosts files (user's, then global) that exist
	db     *knownHostsDB
	mode   string
	logger *slog.Logger
	ok     atomic.Bool
}

func newHostKeys(ctx context.Context, t hosts.Target, logger *slog.Logger) (*hostKeys, error) {
	h := &hostKeys{ctx: ctx, t: t, logger: logger}
	switch strings.ToLower(t.StrictHostKeyChecking) {
	case "", "accept-new":
		h.mode = "accept-new"
	case "yes", "ask":
		h.mode = "yes"
	case "no", "off":
		h.mode = "no"
	default:
		return nil, fmt.Errorf("StrictHostKeyChecking %q for %s is not one of yes, accept-new, no",
			t.StrictHostKeyChecking, t.Alias)
	}
	for _, f := range slices.Concat(t.KnownHostsFiles, t.GlobalKnownHostsFiles) {
		f = expandHome(f)
		switch fi, err := os.Stat(f); {
		case err != nil:
		case fi.Mode().IsRegular() || f == os.DevNull:
			h.files = append(h.files, f)
		default:
			// A FIFO would block the dial for ever.
			logger.Warn("skipping a known_hosts file that is not a regular file", "file", f, "type", fi.Mode().Type().String())
		}
	}
	if len(h.files) > 0 {
		db, err := loadKnownHosts(h.files, logger)
		if err != nil {
			return nil, fmt.Errorf("%w: cannot read known_hosts: %v", ErrHostKey, err)
		}
		h.db = db
	}
	return h, nil
}

// keyName is the address host keys are looked up and recorded under:
// addr (host:port, written [host]:port unless the port is 22), or, with
// HostKeyAlias, the alias alone, as OpenSSH does.
func (h *hostKeys) keyName(addr string) string {
	if h.t.HostKeyAlias != "" {
		return net.JoinHostPort(h.t.HostKeyAlias, "22")
	}
	return addr
}

// accepted reports whether the host key was verified, which tells a
// handshake failure apart from an authentication failure.
func (h *hostKeys) accepted() bool { return h.ok.Load() }

// probeKey is a key no known_hosts entry holds: checking it lists the
// keys that are known for a host.
var probeKey = sync.OnceValue(func() ssh.PublicKey {
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil
	}
	key, _ := ssh.NewPublicKey(pub)
	return key
})

// known returns the keys known_hosts holds for addr.
func (h *hostKeys) known(addr string) []knownhosts.KnownKey {
	if h.db == nil || probeKey() == nil {
		return nil
	}
	var ke *knownhosts.KeyError
	if errors.As(h.db.check(h.keyName(addr), &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, probeKey()), &ke) {
		return ke.Want
	}
	return nil
}

// algorithms lists the host key algorithms to offer: only those known_hosts
// has for the host, so that a host known by one key type is not asked for
// another it also has. nil (x/crypto's defaults) for an unknown host.
func (h *hostKeys) algorithms(addr string) []string {
	var algs []string
	add := func(a ...string) {
		for _, x := range a {
			if !slices.Contains(algs, x) {
				algs = append(algs, x)
			}
		}
	}
	for _, k := range h.known(addr) {
		if typ := k.Key.Type(); typ == ssh.KeyAlgoRSA {
			add(ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, typ)
		} else {
			add(typ)
		}
	}
	return algs
}

// check is the ssh.HostKeyCallback.
func (h *hostKeys) check(hostname string, remote net.Addr, key ssh.PublicKey) error {
	err := h.verify(hostname, remote, key)
	if err == nil {
		h.ok.Store(true)
	}
	return err
}

func (h *hostKeys) verify(hostname string, remote net.Addr, key ssh.PublicKey) error {
	hostname = h.keyName(hostname)
	e := &HostKeyError{
		Host:    knownhosts.Normalize(hostname),
		KeyType: key.Type(),
		Got:     ssh.FingerprintSHA256(key),
		Files:   slices.Concat(h.t.KnownHostsFiles, h.t.GlobalKnownHostsFiles),
		AddLine: knownhosts.Line([]string{hostname}, key),
	}
	err := errors.New("no known_hosts file") // an unknown host when no file exists
	if h.db != nil {
		err = h.db.check(hostname, remote, key)
	}
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &re):
		e.Kind = HostKeyRevoked
		e.Want = []KnownKey{h.db.knownKey(re.Revoked)}
		return e
	case errors.As(err, &ke) && len(ke.Want) > 0:
		e.Kind = HostKeyChanged
		for _, k := range ke.Want {
			e.Want = append(e.Want, h.db.knownKey(k))
		}
		return e
	case h.db != nil && !errors.As(err, &ke):
		return fmt.Errorf("%w: %v", ErrHostKey, err)
	}
	e.Kind = HostKeyUnknown
	switch h.mode {
	case "no":
		if h.t.Secrets.ConfigBound {
			e.Err = errors.New("the config file gives this host secrets, which go only to a host whose key is already known, " +
				"and StrictHostKeyChecking is no; after checking the fingerprint, add the line " + e.AddLine + " to " + firstOr(h.t.KnownHostsFiles, "~/.ssh/known_hosts"))
			return e
		}
		h.logger.Warn("accepting an unknown host key without recording it (StrictHostKeyChecking no)",
			"host", e.Host, "type", e.KeyType, "fingerprint", e.Got)
		return nil
	case "accept-new":
		if h.t.Secrets.ConfigBound {
			e.Err = errors.New("the config file gives this host secrets, which go only to a host whose key is already known, not one accepted as new; " +
				"after checking the fingerprint, add the line " + e.AddLine + " to " + firstOr(h.t.KnownHostsFiles, "~/.ssh/known_hosts"))
			return e
		}
		if err := h.learn(hostname, remote, key, e); err != nil {
			return err
		}
		h.logger.Info("recorded a new host key", "host", e.Host, "type", e.KeyType,
			"fingerprint", e.Got, "file", h.t.KnownHostsFiles[0])
		return nil
	}
	return e
}

// knownKey describes k with the name of the user's file it is in.
func (db *knownHostsDB) knownKey(k knownhosts.KnownKey) KnownKey {
	return KnownKey{File: db.name(k.Filename), Line: k.Line, Type: k.Key.Type(), Fingerprint: ssh.FingerprintSHA256(k.Key)}
}

// learn appends the key to the first known_hosts file. An exclusive flock
// serialises processes that learn at the same time, and the file is read
// again under the lock so that a key another process just added is neither
// duplicated nor silently replaced.
func (h *hostKeys) learn(hostname string, remote net.Addr, key ssh.PublicKey, e *HostKeyError) error {
	if len(h.t.KnownHostsFiles) == 0 {
		// Never the global files: they are the administrator's.
		e.Err = errors.New("UserKnownHostsFile is none, so there is no file to record it in; " +
			"add the line " + e.AddLine + " to a known_hosts file, or set UserKnownHostsFile")
		return e
	}
	file := expandHome(h.t.KnownHostsFiles[0])
	if file == os.DevNull {
		return nil // recorded nowhere, on purpose, as with OpenSSH
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		e.Err = err
		return e
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE|os.O_APPEND|syscall.O_NONBLOCK, 0o600)
	if err != nil {
		e.Err = err
		return e
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		e.Err = fmt.Errorf("%s is not a regular file, so the key is not recorded there", file)
		return e
	}
	if err := lockFile(h.ctx, f); err != nil {
		e.Err = err
		return e
	}
	db, err := loadKnownHosts([]string{file}, h.logger)
	if err != nil {
		e.Err = err
		return e
	}
	var ke *knownhosts.KeyError
	switch err := db.check(hostname, remote, key); {
	case err == nil:
		return nil // another process recorded the same key meanwhile
	case errors.As(err, &ke) && len(ke.Want) > 0:
		e.Kind = HostKeyChanged
		for _, k := range ke.Want {
			e.Want = append(e.Want, db.knownKey(k))
		}
		return e
	}
	line := e.AddLine + "\n"
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			line = "\n" + line
		}
	}
	if _, err := f.WriteString(line); err != nil {
		e.Err = err
		return e
	}
	return nil
}

// lockFile takes an exclusive flock on f, polling so that the wait ends
// with ctx instead of hanging on a process that never lets go. The lock is
// released when f is closed.
func lockFile(ctx context.Context, f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("lock %s: another process holds it: %w", f.Name(), context.Cause(ctx))
		case <-time.After(10 * time.Millisecond):
		}
	}
}
