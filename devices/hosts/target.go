package hosts

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/policy"
)

// Request is what a caller (an agent's tool call, the exec command) asks to
// connect to. Only Host is required; a zero field means "not given", and
// resolution fills it from ~/.ssh/config, our config file, the OVRD_
// environment overrides and OpenSSH's defaults, in that order after the
// explicit value.
type Request struct {
	Host        string // ssh_config alias, hostname or IP
	Username    string
	Port        int
	KeyFilename string // "~" is expanded
	Password    string // login password; never disables keys
	Profile     string // force a device profile by name
}

// Secrets are the secrets that belong to one target. A zero field means
// none is known. Values never appear in logs: Secrets implements
// slog.LogValuer and fmt.Formatter to redact itself.
type Secrets struct {
	Password      string // login password (caller, OVRD_<alias>_PASS or config reference)
	KeyPassphrase string // passphrase of encrypted identity files
	Sudo          string // sudo password
	Enable        string // enable secret of a network device
	Su            string // the password su asks for (config su_password)
	// Named are the extra secrets of the host's config entry (secrets:),
	// fetched only when typed; nil means none.
	Named *NamedSecrets

	// ConfigBound says the config file gives this host secrets (whether
	// or not this call overrides them). The user bound them to the hosts
	// that entry names, so such a host must have a known key: accept-new
	// never takes one on trust, or a call with a password of its own
	// could record a rogue key that a later call would then send the
	// config's secrets to.
	ConfigBound bool

	// Unavailable lists the config references that gave nothing (an
	// unset variable, a failing command), for the calls that need them
	// to report; the secret itself is then "". nil means none failed.
	// A pointer keeps Secrets comparable.
	Unavailable *SecretErrors
}

// SecretErrors are config references that gave no secret.
type SecretErrors struct{ List []*SecretError }

// ErrSecret means a secret the config file refers to could not be had;
// a *SecretError says which and why.
var ErrSecret = errors.New("hosts: a secret of the config file is unavailable")

// SecretError is a config reference that gave no secret. It names the
// reference (file, line, setting, variable or command), never a value.
type SecretError struct {
	Ref *SecretRef
	Err error
}

func (e *SecretError) Error() string {
	return fmt.Sprintf("%s (%s:%d %s) is unavailable: %v", e.Ref.Field, shortenHome(e.Ref.File), e.Ref.Line, e.Ref, e.Err)
}

// Unwrap exposes ErrSecret and the cause.
func (e *SecretError) Unwrap() []error { return []error{ErrSecret, e.Err} }

// Missing returns why the config's secret for field ("password",
// "key_passphrase", "sudo_password", "enable_secret") is unavailable, or
// nil when it was not referred to or was found.
func (s Secrets) Missing(field string) *SecretError {
	if s.Unavailable == nil {
		return nil
	}
	for _, e := range s.Unavailable.List {
		if e.Ref.Field == field || strings.HasSuffix(e.Ref.Field, "."+field) {
			return e
		}
	}
	return nil
}

// LogValue keeps secret values out of structured logs.
func (s Secrets) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("password", s.Password != ""),
		slog.Bool("key_passphrase", s.KeyPassphrase != ""),
		slog.Bool("sudo", s.Sudo != ""),
		slog.Bool("enable", s.Enable != ""),
		slog.Bool("su", s.Su != ""),
	)
}

// Format keeps secret values out of fmt output (%v, %+v, %s ...).
func (s Secrets) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "{password:%t key_passphrase:%t sudo:%t enable:%t su:%t}",
		s.Password != "", s.KeyPassphrase != "", s.Sudo != "", s.Enable != "", s.Su != "")
}

// Target is a fully resolved host: everything needed to dial, authenticate
// and verify it, as OpenSSH would have decided. Durations of zero mean the
// documented default of the field.
type Target struct {
	Alias    string // what the caller named (the ssh_config Host alias or the name given)
	HostName string // what is dialed
	Port     int
	User     string

	IdentityFiles  []string // in order, "~" and tokens expanded; missing files are skipped at dial
	IdentitiesOnly bool
	IdentityAgent  string // socket path; "" means SSH_AUTH_SOCK; "none" disables the agent

	// ProxyJump is the chain of jump hosts, first hop first, each resolved
	// like a target of its own.
	ProxyJump []Target

	// KnownHostsFiles are the user's files (UserKnownHostsFile); a new
	// key is recorded in the first. Empty (UserKnownHostsFile none) means
	// a new key cannot be recorded, so accept-new refuses it as OpenSSH
	// does.
	KnownHostsFiles []string
	// GlobalKnownHostsFiles are consulted after KnownHostsFiles but never
	// written (GlobalKnownHostsFile).
	GlobalKnownHostsFiles []string
	// HostKeyAlias is the name host keys are looked up and recorded under
	// instead of HostName (and port); "" means HostName.
	HostKeyAlias string
	// StrictHostKeyChecking is "yes", "accept-new" or "no" ("ask" is
	// treated as "yes": there is no person to ask). Default "accept-new".
	StrictHostKeyChecking string

	ConnectTimeout      time.Duration // TCP connect plus handshake and auth; zero means 15 s
	ServerAliveInterval time.Duration // zero means 15 s
	ServerAliveCountMax int           // zero means 3

	HostKeyAlgorithms []string // nil means x/crypto's defaults narrowed by known_hosts
	Ciphers           []string // nil means x/crypto's defaults
	KexAlgorithms     []string
	MACs              []string

	Profile string // device profile chosen by the caller or our config; "" means detect

	// Defaults from our config file for this host pattern; zero means the
	// tool's own default.
	CommandTimeout time.Duration

	// Policy are the command and file rules and the read-only setting of
	// our config file for this alias (Config.Policy); the zero value
	// allows everything.
	Policy policy.Policy

	Secrets Secrets

	// Sources says where each setting came from ("ssh -G", "~/.ssh/config:12",
	// "config.yaml:4", "OVRD_web_HOST"), for error messages.
	Sources map[string]string
}

// Key identifies the connection a target shares: one per (user, host, port).
func (t Target) Key() string {
	return fmt.Sprintf("%s@%s:%d", t.User, t.HostName, t.Port)
}
