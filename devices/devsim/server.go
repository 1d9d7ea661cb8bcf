package devsim

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// Options configure a simulated network device. The zero value of
// each field is documented beside it; options are copied, never changed.
type Options struct {
	Platform     string // one of Platforms() ("ios", "eos" ...) or its profile's name ("cisco_ios"); required
	Hostname     string // zero means the platform's: "R1" for ios, "vmx1" for junos ...
	Username     string // zero means "admin"
	Password     string // zero means "admin"
	EnableSecret string // platforms with enable (AsksEnableSecret); zero means "enablepw"
	// Enable says how "enable" answers on ios; zero asks for the secret.
	Enable EnableStyle
	// LoginPrivileged starts ios sessions at the privileged prompt, as for
	// a user with privilege 15; zero starts at the user exec prompt.
	LoginPrivileged bool
	Listen          string // zero means "127.0.0.1:0"
	// AllowRemote permits a non-loopback listen address (devsim
	// --allow-remote); without it such an address is refused.
	AllowRemote bool
	// CharEcho echoes typed input one byte per write; zero echoes each
	// received chunk in one write.
	CharEcho bool
	// ChunkSize splits every output write into pieces of at most this
	// many bytes (7 splits prompts); zero writes naturally (about 1 KiB).
	ChunkSize int
	// StallAt, when set, holds output back for StallFor right after each
	// occurrence of this text that more output follows in the same write:
	// a line that looks like a prompt then ends a packet, and the rest
	// comes later, as over a slow or loaded link. Zero never holds.
	StallAt  string
	StallFor time.Duration
	// AfterPrompt, when set, is a line the device prints right after the
	// prompt that follows a command starting with AfterPromptFor, on the
	// prompt's line, without drawing the prompt again: a CLI's own message
	// such as vtysh's STARVATION warning after a long command. Zero prints
	// nothing.
	AfterPrompt, AfterPromptFor string
	// NoticeAfterAnswer prints AfterPrompt instead as a device notice (a
	// fresh line, the text, the prompt again, as an IOS rollback or a
	// syslog message to the terminal) right after the prompt that answers
	// an empty line typed after such a command, in the same write.
	NoticeAfterAnswer bool
	// DualRE makes a Junos device print {master:0} above its prompts and
	// per-RE lines on commit.
	DualRE bool
	// Banner is the login MOTD; zero means a default containing '#', '>'
	// and '%'.
	Banner string
	// PagedBanner sends the login banner through the pager like command
	// output, as devices that page their MOTD do: a Banner longer than
	// the terminal length stops at the pager prompt until a key is
	// pressed. Zero prints it at once (ios only).
	PagedBanner bool
	// ServerVersion is the SSH identification string; zero means the
	// platform's ("SSH-2.0-Cisco-1.25" for ios). A router CLI can be the
	// login shell behind any SSH server.
	ServerVersion string
	// AuthorizedKeys are public keys accepted for Username, in addition
	// to the password; nil accepts none.
	AuthorizedKeys []ssh.PublicKey
	// Logf receives server events (never secrets); nil is silent.
	Logf func(format string, args ...any)
	// MinuteLength is how long one of the device's minutes lasts, for
	// timers measured in minutes (a confirmed commit, a revert timer);
	// zero means a real minute.
	MinuteLength time.Duration
}

// EnableStyle is how a simulated IOS answers "enable".
type EnableStyle int

const (
	// EnableAsk asks "Password: " for the enable secret (three tries).
	EnableAsk EnableStyle = iota
	// EnableDirect goes to the privileged prompt without a question.
	EnableDirect
	// EnableNoPassword refuses with "% No password set", as a device
	// without an enable secret does on a vty, and stays unprivileged.
	EnableNoPassword
)

// withDefaults returns a copy with zero fields filled.
func (o Options) withDefaults(p *simPlatform) Options {
	if o.Hostname == "" {
		o.Hostname = p.DefaultHostname
	}
	if o.Username == "" {
		o.Username = "admin"
	}
	if o.Password == "" {
		o.Password = "admin"
	}
	if o.EnableSecret == "" {
		o.EnableSecret = "enablepw"
	}
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	if o.Banner == "" {
		o.Banner = p.DefaultBanner
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return o
}

// platforms holds the known platforms by Options.Platform name.
var platforms = map[string]*simPlatform{}

// Platforms returns the names Options.Platform accepts, sorted.
func Platforms() []string {
	return slices.Sorted(maps.Keys(platforms))
}

// lookupPlatform finds a platform by its name or by its profile's.
func lookupPlatform(name string) (*simPlatform, bool) {
	if p, ok := platforms[name]; ok {
		return p, true
	}
	for _, p := range platforms {
		if p.Profile == name {
			return p, true
		}
	}
	return nil, false
}

// ProfileFor returns the built-in profile that drives a platform, "" for
// an unknown one.
func ProfileFor(platform string) string {
	if p, ok := lookupPlatform(platform); ok {
		return p.Profile
	}
	return ""
}

// AsksEnableSecret reports whether the platform's enable dialogue asks
// for Options.EnableSecret; false for an unknown platform.
func AsksEnableSecret(platform string) bool {
	p, ok := lookupPlatform(platform)
	return ok && p.EnableSecret
}

// Server serves one simulated device over SSH. Its hostname and
// configuration are shared by all connections; each SSH session has its
// own CLI state. It is safe for concurrent use.
type Server struct {
	opts     Options
	platform *simPlatform
	signer   ssh.Signer
	config   *ssh.ServerConfig
	dev      *simDevice
	trees    map[string]*cmdNode // command tree per mode, read-only
}

// NewServer prepares a simulated device with a fresh ed25519 host key.
// It does not listen; call Serve.
func NewServer(opts Options) (*Server, error) {
	p, ok := lookupPlatform(opts.Platform)
	if !ok {
		return nil, fmt.Errorf("devsim: unknown platform %q: use one of %s", opts.Platform, strings.Join(Platforms(), ", "))
	}
	opts = opts.withDefaults(p)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("devsim: generating host key: %w", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, fmt.Errorf("devsim: host key: %w", err)
	}
	s := &Server{opts: opts, platform: p, signer: signer, trees: map[string]*cmdNode{}}
	s.dev = newSimDevice(opts.Hostname)
	if p.Setup != nil {
		p.Setup(s.dev)
	}
	for name := range p.Modes {
		s.trees[name] = buildTree(p.Commands, name, p.WordHelp)
	}
	s.config = &ssh.ServerConfig{
		PasswordCallback:            s.checkPassword,
		KeyboardInteractiveCallback: s.checkKeyboard,
		PublicKeyCallback:           s.checkKey,
		ServerVersion:               cmp.Or(opts.ServerVersion, p.ServerVersion),
	}
	s.config.AddHostKey(signer)
	return s, nil
}

// HostKey returns the server's public host key.
func (s *Server) HostKey() ssh.PublicKey { return s.signer.PublicKey() }

// Hostname returns the device's current hostname, which changes when a
// session configures a new one.
func (s *Server) Hostname() string { return s.dev.hostname() }

var errAuth = errors.New("devsim: authentication failed")

func (s *Server) checkPassword(md ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
	if s.credentialsMatch(md.User(), string(pw)) {
		return nil, nil
	}
	s.opts.Logf("sim %s: password rejected for %q", s.opts.Platform, md.User())
	return nil, errAuth
}

func (s *Server) checkKeyboard(md ssh.ConnMetadata, client ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
	answers, err := client("", "", []string{"Password: "}, []bool{false})
	if err != nil {
		return nil, err
	}
	if len(answers) == 1 && s.credentialsMatch(md.User(), answers[0]) {
		return nil, nil
	}
	s.opts.Logf("sim %s: keyboard-interactive rejected for %q", s.opts.Platform, md.User())
	return nil, errAuth
}

func (s *Server) checkKey(md ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	if s.loginUser(md.User()) == s.opts.Username {
		for _, k := range s.opts.AuthorizedKeys {
			if subtle.ConstantTimeCompare(k.Marshal(), key.Marshal()) == 1 {
				return nil, nil
			}
		}
	}
	return nil, errAuth
}

// loginUser is the user a login name stands for: without its console
// options on platforms that take them.
func (s *Server) loginUser(name string) string {
	if s.platform.UserOptions {
		name, _, _ = strings.Cut(name, "+")
	}
	return name
}

func (s *Server) credentialsMatch(user, pw string) bool {
	user = s.loginUser(user)
	u := subtle.ConstantTimeCompare([]byte(user), []byte(s.opts.Username))
	p := subtle.ConstantTimeCompare([]byte(pw), []byte(s.opts.Password))
	return u&p == 1
}

// Serve accepts connections on ln until ctx is done, then closes ln and
// every connection and waits for all goroutines it started. It refuses a
// non-loopback listener unless AllowRemote is set. It returns nil when
// stopped by ctx, otherwise the error that stopped it.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if err := checkLoopback(ln.Addr().String(), s.opts.AllowRemote); err != nil {
		ln.Close()
		return err
	}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		wg.Wait()
		s.dev.stopTimers()
	}()
	wg.Go(func() {
		<-ctx.Done()
		ln.Close()
	})
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("devsim: accept: %w", err)
		}
		wg.Go(func() { s.serveConn(ctx, conn) })
	}
}

// serveConn runs one SSH connection until the client leaves or ctx ends.
func (s *Server) serveConn(ctx context.Context, nc net.Conn) {
	defer nc.Close()
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()
	// The handshake gets its own deadline so a silent client cannot pin
	// a goroutine.
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	conn, chans, reqs, err := ssh.NewServerConn(nc, s.config)
	if err != nil {
		s.opts.Logf("sim %s: handshake from %s: %v", s.opts.Platform, nc.RemoteAddr(), err)
		return
	}
	nc.SetDeadline(time.Time{})
	s.opts.Logf("sim %s: %s logged in from %s", s.opts.Platform, conn.User(), nc.RemoteAddr())
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { ssh.DiscardRequests(reqs) })
	for nch := range chans {
		if nch.ChannelType() != "session" {
			nch.Reject(ssh.UnknownChannelType, "only session channels are supported")
			continue
		}
		ch, chReqs, err := nch.Accept()
		if err != nil {
			continue
		}
		wg.Go(func() { s.serveChannel(ctx, conn, ch, chReqs) })
	}
}

// checkLoopback refuses an address that is not on 127.0.0.0/8 or ::1
// unless remote access was allowed explicitly.
func checkLoopback(addr string, allowRemote bool) error {
	if allowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("devsim: listen address %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("devsim: refusing to listen on %q: not a loopback address; use 127.0.0.1 (or allow remote access explicitly)", addr)
	}
	return nil
}

// Listen opens the listener Options.Listen names, refusing a
// non-loopback address unless AllowRemote is set.
func Listen(opts Options) (net.Listener, error) {
	addr := opts.Listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := checkLoopback(addr, opts.AllowRemote); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("devsim: listen on %q: %w", addr, err)
	}
	return ln, nil
}
