package devices

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// ErrAuth means the server refused every credential we had; AuthError says
// what each method answered.
var ErrAuth = errors.New("devices: authentication failed")

// MethodResult is what happened to one credential during authentication.
type MethodResult struct {
	Method  string // "agent key ED25519 SHA256:...", "key ~/.ssh/id_ed25519", "password", "keyboard-interactive"
	Outcome string // "server refused the key", "server rejected the password", "not offered: ..."
}

// AuthError reports a failed authentication with the outcome of every
// method, in the order they were tried. It matches ErrAuth.
type AuthError struct {
	User    string
	Addr    string
	Allowed []string // methods the server said it accepts
	Methods []MethodResult
	Err     error // x/crypto's own error
}

func (e *AuthError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ssh %s@%s: authentication failed (server accepts: %s)", e.User, e.Addr,
		strings.Join(e.Allowed, ", "))
	if len(e.Methods) == 0 {
		b.WriteString("; no credentials to try: set a password, an IdentityFile or an agent")
	}
	for _, m := range e.Methods {
		if strings.HasPrefix(m.Outcome, m.Method) { // already names itself
			fmt.Fprintf(&b, "; %s", m.Outcome)
			continue
		}
		fmt.Fprintf(&b, "; %s: %s", m.Method, m.Outcome)
	}
	return b.String()
}

// Unwrap exposes ErrAuth and x/crypto's error.
func (e *AuthError) Unwrap() []error { return []error{ErrAuth, e.Err} }

// agentFunc connects to an SSH agent; nil results mean "no agent".
type agentFunc func(ctx context.Context, t hosts.Target) (agent.ExtendedAgent, io.Closer, error)

// recordedSigner is one public key we may offer, with what became of it.
type recordedSigner struct {
	label  string
	signer ssh.Signer
	signed bool // the server accepted the key and we sent a signature
}

// authPlan builds the auth methods for one dial in OpenSSH's order (agent
// keys, key files, password, keyboard-interactive) and records what the
// server answered to each, so a failure can say why.
type authPlan struct {
	ctx   context.Context
	t     hosts.Target
	env   dialEnv
	agent io.Closer

	keys       []*recordedSigner
	notes      []MethodResult // keys that could not be used at all
	keysAsked  bool
	pwAsked    bool
	kbdAsked   bool
	kbdUnknown []string // keyboard-interactive questions we could not answer
	allowed    []string
	called     bool
}

func newAuthPlan(ctx context.Context, t hosts.Target, env dialEnv) *authPlan {
	return &authPlan{ctx: ctx, t: t, env: env}
}

// close releases the agent connection: it is only needed while signing.
func (p *authPlan) close() {
	if p.agent != nil {
		p.agent.Close()
	}
}

func (p *authPlan) methods() []ssh.AuthMethod {
	// One publickey method only: x/crypto tries each method name once, so
	// agent keys and key files must come from the same callback.
	ms := []ssh.AuthMethod{ssh.PublicKeysCallback(p.signers)}
	if p.t.Secrets.Password != "" {
		ms = append(ms,
			ssh.PasswordCallback(func() (string, error) {
				p.pwAsked = true
				return p.t.Secrets.Password, nil
			}),
			ssh.KeyboardInteractive(p.answer))
	}
	return ms
}

// observe keeps the server's list of allowed methods for the error report.
func (p *authPlan) observe(ac *ssh.ClientAuthContext) (ssh.AuthMethod, error) {
	p.called = true
	p.allowed = slices.Clone(ac.AllowedMethods)
	return nil, nil
}

// attempted reports whether authentication got past the "none" probe,
// which tells an auth failure apart from a connection lost earlier.
func (p *authPlan) attempted() bool { return p.called }

// answer replies to keyboard-interactive prompts. Only hidden prompts that
// ask for a password get the password; anything else (an OTP, a question)
// cannot be answered without a person.
func (p *authPlan) answer(_, _ string, questions []string, echos []bool) ([]string, error) {
	p.kbdAsked = true
	answers := make([]string, len(questions))
	for i, q := range questions {
		if echos[i] || !strings.Contains(strings.ToLower(q), "password") {
			p.kbdUnknown = append(p.kbdUnknown, q)
			return nil, fmt.Errorf("cannot answer prompt %q", q)
		}
		answers[i] = p.t.Secrets.Password
	}
	return answers, nil
}

// signers is called by x/crypto when the server accepts publickey. Keys
// are loaded lazily so that a server that only takes passwords does not
// cost a passphrase derivation.
func (p *authPlan) signers() ([]ssh.Signer, error) {
	if !p.keysAsked {
		p.keysAsked = true
		p.load()
	}
	out := make([]ssh.Signer, 0, len(p.keys))
	for _, k := range p.keys {
		out = append(out, wrapSigner(k))
	}
	return out, nil
}

func (p *authPlan) load() {
	files := p.loadFiles()
	agentKeys := p.loadAgent(files)
	seen := map[string]bool{}
	for _, k := range agentKeys {
		seen[string(k.signer.PublicKey().Marshal())] = true
	}
	p.keys = agentKeys
	for _, k := range files {
		if k.signer != nil && !seen[string(k.signer.PublicKey().Marshal())] {
			p.keys = append(p.keys, k.recordedSigner)
		}
	}
}

// fileKey is an identity file: its signer when it could be loaded, and its
// public key (from the key or the .pub beside it) for IdentitiesOnly.
type fileKey struct {
	*recordedSigner
	pub ssh.PublicKey
}

func (p *authPlan) loadFiles() []fileKey {
	var out []fileKey
	for _, path := range p.t.IdentityFiles {
		path = expandHome(path)
		label := "key " + tildePath(path)
		data, err := readKeyFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue // OpenSSH skips its default identity files when absent
		}
		if err != nil {
			p.notes = append(p.notes, MethodResult{label, "cannot read: " + err.Error()})
			continue
		}
		fk := fileKey{recordedSigner: &recordedSigner{label: label}}
		if pub, err := readPublicKey(path + ".pub"); err == nil {
			fk.pub = pub
		}
		signer, outcome := p.parseKey(data, path)
		if signer != nil {
			fk.signer = signer
			fk.pub = signer.PublicKey()
		} else {
			p.notes = append(p.notes, MethodResult{label, outcome})
		}
		out = append(out, fk)
	}
	return out
}

func (p *authPlan) parseKey(data []byte, path string) (ssh.Signer, string) {
	signer, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		if e := p.t.Secrets.Missing("key_passphrase"); e != nil && p.t.Secrets.KeyPassphrase == "" {
			return nil, fmt.Sprintf("key %s is encrypted, and its %v", tildePath(path), e)
		}
		if p.t.Secrets.KeyPassphrase == "" {
			return nil, fmt.Sprintf("key %s is encrypted: set key_passphrase in config.yaml (a secret reference)",
				tildePath(path))
		}
		signer, err = ssh.ParsePrivateKeyWithPassphrase(data, []byte(p.t.Secrets.KeyPassphrase))
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, fmt.Sprintf("key %s: the key_passphrase from config.yaml is wrong", tildePath(path))
		}
	}
	if err != nil {
		return nil, "cannot parse the key: " + err.Error()
	}
	return signer, ""
}

// loadAgent returns the agent's keys, limited to the identity files' keys
// when IdentitiesOnly is set.
func (p *authPlan) loadAgent(files []fileKey) []*recordedSigner {
	if p.env.agent == nil {
		return nil
	}
	ag, closer, err := p.env.agent(p.ctx, p.t)
	if err != nil {
		p.notes = append(p.notes, MethodResult{"agent", "not usable: " + err.Error()})
		return nil
	}
	if ag == nil {
		return nil
	}
	p.agent = closer
	signers, err := ag.Signers()
	if err != nil {
		p.notes = append(p.notes, MethodResult{"agent", "cannot list keys: " + err.Error()})
		return nil
	}
	var out []*recordedSigner
	for _, s := range signers {
		pub := s.PublicKey()
		if p.t.IdentitiesOnly && !slices.ContainsFunc(files, func(f fileKey) bool {
			return f.pub != nil && string(f.pub.Marshal()) == string(pub.Marshal())
		}) {
			continue
		}
		out = append(out, &recordedSigner{
			label:  fmt.Sprintf("agent key %s %s", pub.Type(), ssh.FingerprintSHA256(pub)),
			signer: s,
		})
	}
	return out
}

// failure builds the AuthError after x/crypto gave up.
func (p *authPlan) failure(addr string, err error) *AuthError {
	e := &AuthError{User: p.t.User, Addr: addr, Allowed: p.allowed, Err: err}
	allows := func(m string) bool { return slices.Contains(p.allowed, m) }
	for _, k := range p.keys {
		outcome := "server refused the key"
		switch {
		case k.signed:
			outcome = "server rejected the signature"
		case !p.keysAsked:
			outcome = "not offered: server does not accept publickey"
		}
		e.Methods = append(e.Methods, MethodResult{k.label, outcome})
	}
	e.Methods = append(e.Methods, p.notes...)
	if !p.keysAsked && len(p.t.IdentityFiles) > 0 && !allows("publickey") {
		e.Methods = append(e.Methods, MethodResult{"keys", "not offered: server does not accept publickey"})
	}
	if p.t.Secrets.Password == "" {
		if se := p.t.Secrets.Missing("password"); se != nil {
			e.Methods = append(e.Methods, MethodResult{"password", "not offered: " + se.Error()})
		}
		return e
	}
	switch {
	case p.pwAsked:
		e.Methods = append(e.Methods, MethodResult{"password", "server rejected the password"})
	case !allows("password"):
		e.Methods = append(e.Methods, MethodResult{"password", "not offered: server does not accept password"})
	}
	switch {
	case len(p.kbdUnknown) > 0:
		e.Methods = append(e.Methods, MethodResult{"keyboard-interactive",
			fmt.Sprintf("server asked %q, which only a person can answer", p.kbdUnknown[0])})
	case p.kbdAsked:
		e.Methods = append(e.Methods, MethodResult{"keyboard-interactive", "server rejected the password"})
	case !allows("keyboard-interactive") && !p.pwAsked:
		e.Methods = append(e.Methods, MethodResult{"keyboard-interactive", "not offered: server does not accept it"})
	}
	return e
}

// dialAgent connects to the agent socket named by the target (or
// SSH_AUTH_SOCK). "none" and an unset socket mean no agent.
func dialAgent(ctx context.Context, t hosts.Target) (agent.ExtendedAgent, io.Closer, error) {
	sock := t.IdentityAgent
	if sock == "" {
		sock = os.Getenv("SSH_AUTH_SOCK")
	}
	if sock == "" || strings.EqualFold(sock, "none") {
		return nil, nil, nil
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", expandHome(sock))
	if err != nil {
		return nil, nil, fmt.Errorf("cannot reach the agent at %s: %w", sock, err)
	}
	return agent.NewClient(conn), conn, nil
}

// expandHome replaces a leading "~" with the local home directory.
func expandHome(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	return filepath.Join(home, path[1:])
}

// tildePath shortens a path under the home directory to ~/..., as people
// write it in ~/.ssh/config.
func tildePath(path string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" || home == "/" {
		return path
	}
	if rest, ok := strings.CutPrefix(path, home+"/"); ok {
		return "~/" + rest
	}
	return path
}

// wrapSigner marks k as signed when x/crypto asks for a signature, which it
// does only after the server accepted the key. The wrapper keeps the
// algorithm interfaces of the signer it wraps so that RSA keys still sign
// with rsa-sha2-512/256.
func wrapSigner(k *recordedSigner) ssh.Signer {
	base := markSigner{k}
	switch s := k.signer.(type) {
	case ssh.MultiAlgorithmSigner:
		return markMultiSigner{markAlgSigner{base, s}, s}
	case ssh.AlgorithmSigner:
		return markAlgSigner{base, s}
	}
	return base
}

type markSigner struct{ k *recordedSigner }

func (m markSigner) PublicKey() ssh.PublicKey { return m.k.signer.PublicKey() }

func (m markSigner) Sign(r io.Reader, data []byte) (*ssh.Signature, error) {
	m.k.signed = true
	return m.k.signer.Sign(r, data)
}

type markAlgSigner struct {
	markSigner
	as ssh.AlgorithmSigner
}

func (m markAlgSigner) SignWithAlgorithm(r io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	m.k.signed = true
	return m.as.SignWithAlgorithm(r, data, algorithm)
}

type markMultiSigner struct {
	markAlgSigner
	ms ssh.MultiAlgorithmSigner
}

func (m markMultiSigner) Algorithms() []string { return m.ms.Algorithms() }
