package hosts

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is our own config file: what ssh_config cannot hold. Its zero
// value (no file) changes nothing about resolution.
//
//	defaults:
//	  command_timeout: 30s
//	  max_wait: 50s
//	  output_limit: 64KiB
//	  history: 1000
//	  strict_host_key_checking: accept-new
//	hosts:
//	  - match: ["core-*", "edge-?"]
//	    profile: cisco_ios
//	    user: netops
//	    password: {env: LAB_SSH_PASS}
//	    enable_secret: {command: "pass show lab/enable"}
//	    secrets: {tacacs_password: {env: TACACS_PASS}}
//	    command_timeout: 60s
//	audit:
//	  file: /var/log/mcp-ssh-session/audit.jsonl
//	  fail_closed: true
//	    read_only: true
//	    policy: {default: allow, ask: ['^reload'], deny: ['^format']}
//
// Secrets are references only: a literal secret in the file is refused so
// that config files can be shared and committed without leaking.
type Config struct {
	Path     string // the file read; "" when there was none
	Defaults Defaults
	Hosts    []HostConfig // in file order; for each field the first match that sets it wins
	Audit    Audit
}

// Audit is the audit log's section. Its zero value means no audit log.
type Audit struct {
	File       string // absolute path of the log; "" means none
	FailClosed bool   // refuse a tool call whose record cannot be written; false: log the failure and go on
	Line       int    // where the section starts in Config.Path; zero when absent
}

// Defaults apply to every host. A zero field means the tool's own default.
type Defaults struct {
	CommandTimeout        time.Duration // zero means the execute_command default (30 s)
	MaxWait               time.Duration // longest wait of one call without progress; zero means the server's default (50 s)
	OutputLimit           int64         // bytes per response; zero means the tool's default
	History               int           // finished commands kept; zero means the tool's default
	StrictHostKeyChecking string        // "yes", "no" or "accept-new"; "" means accept-new
	// Policy applies to every host, after the rules of its entries; nil
	// means none (see Config.Policy).
	Policy *PolicyConfig
	// ReadOnly applies to hosts whose entries do not set read_only; nil
	// means not set (not read-only).
	ReadOnly *ReadOnlyConfig

	strictSource string
}

// HostConfig is one entry of hosts: settings for the aliases its Match
// globs select (path.Match syntax on the alias as the caller wrote it).
type HostConfig struct {
	Match          []string
	Line           int // where the entry starts in Config.Path
	Profile        string
	User           string
	Password       *SecretRef // login password; nil means none
	KeyPassphrase  *SecretRef
	SudoPassword   *SecretRef
	SuPassword     *SecretRef // answers su's prompt for a command that is su
	EnableSecret   *SecretRef
	CommandTimeout time.Duration // zero means Defaults.CommandTimeout
	// Secrets are extra secrets by name (secrets:), typed at a prompt on
	// request (send_input's secret); nil means none.
	Secrets map[string]*SecretRef
	// Policy are the entry's command and file rules; nil means none.
	Policy *PolicyConfig
	// ReadOnly is the entry's read_only:; nil means not set.
	ReadOnly *ReadOnlyConfig

	lines map[string]int // YAML key → line, for Sources and errors
}

// DefaultConfigPath is $XDG_CONFIG_HOME/mcp-ssh-session/config.yaml, or
// ~/.config/mcp-ssh-session/config.yaml when XDG_CONFIG_HOME is unset or
// relative (the XDG rules ignore relative values).
func DefaultConfigPath() string {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "~"
	}
	return configPathUnder(os.LookupEnv, home)
}

// configPathUnder is DefaultConfigPath for a given environment and home,
// so that a Resolver with its own Home and Env never reads the real
// account's file.
func configPathUnder(env func(string) (string, bool), home string) string {
	dir, _ := env("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "mcp-ssh-session", "config.yaml")
}

// LoadConfig reads and validates our config file. A missing file gives an
// empty Config; any other problem is a *ResolveError naming file, line and
// field.
//
// The file runs its {command: ...} references, so, as ssh does with
// ssh_config, it is refused when anyone but its user (or root) could have
// changed it: see checkConfigOwner.
func LoadConfig(file string) (*Config, error) {
	data, err := readConfigFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseConfig(file, data)
}

// ParseConfig decodes data as our config file named file (used in errors).
// Unknown keys are errors, so that a typo never silently drops a setting.
func ParseConfig(file string, data []byte) (*Config, error) {
	c := &Config{Path: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &ResolveError{File: file, Msg: "not valid YAML: " + err.Error(), Hint: "fix the syntax", Err: err}
	}
	if len(doc.Content) == 0 {
		return c, nil
	}
	d := decoder{file: file}
	d.mapping(doc.Content[0], "", map[string]func(*yaml.Node, string){
		"defaults": func(n *yaml.Node, f string) { d.defaults(n, f, &c.Defaults) },
		"audit":    func(n *yaml.Node, f string) { c.Audit = d.audit(n, f) },
		"hosts": func(n *yaml.Node, f string) {
			for i, h := range d.seq(n, f) {
				c.Hosts = append(c.Hosts, d.host(h, fmt.Sprintf("%s[%d]", f, i)))
			}
		},
	})
	if d.err != nil {
		return nil, d.err
	}
	return c, nil
}

// decoder keeps the first error; later calls become no-ops.
type decoder struct {
	file    string
	err     error
	keyLine int // line of the key whose value is being decoded
}

func (d *decoder) fail(n *yaml.Node, field, msg, hint string) {
	if d.err == nil {
		d.err = &ResolveError{File: d.file, Line: n.Line, Setting: field, Msg: msg, Hint: hint}
	}
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// mapping calls fields[key] for each key of n and refuses unknown keys.
func (d *decoder) mapping(n *yaml.Node, where string, fields map[string]func(*yaml.Node, string)) {
	n = deref(n)
	if d.err != nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, where, "expected a mapping of keys to values", "")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		field := k.Value
		if where != "" {
			field = where + "." + k.Value
		}
		fn, ok := fields[k.Value]
		if !ok {
			d.fail(k, field, "unknown key", "known keys: "+strings.Join(sortedKeys(fields), ", "))
			return
		}
		d.keyLine = k.Line
		fn(v, field)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (d *decoder) seq(n *yaml.Node, field string) []*yaml.Node {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, field, "expected a list", "")
		return nil
	}
	return n.Content
}

func (d *decoder) scalar(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, field, "expected a single value", "")
		return ""
	}
	return n.Value
}

func (d *decoder) defaults(n *yaml.Node, where string, df *Defaults) {
	d.mapping(n, where, map[string]func(*yaml.Node, string){
		"command_timeout": func(v *yaml.Node, f string) { df.CommandTimeout = d.duration(v, f) },
		"max_wait":        func(v *yaml.Node, f string) { df.MaxWait = d.duration(v, f) },
		"output_limit":    func(v *yaml.Node, f string) { df.OutputLimit = d.size(v, f) },
		"history":         func(v *yaml.Node, f string) { df.History = int(d.count(v, f)) },
		"strict_host_key_checking": func(v *yaml.Node, f string) {
			df.StrictHostKeyChecking = d.strict(v, f)
			df.strictSource = fmt.Sprintf("%s:%d", d.file, d.keyLine)
		},
		"policy":    func(v *yaml.Node, f string) { df.Policy = d.policy(v, f) },
		"read_only": func(v *yaml.Node, f string) { df.ReadOnly = d.readOnly(v, f) },
	})
}

func (d *decoder) audit(n *yaml.Node, where string) Audit {
	a := Audit{Line: d.keyLine}
	d.mapping(n, where, map[string]func(*yaml.Node, string){
		"file": func(v *yaml.Node, f string) {
			a.File = d.scalar(v, f)
			if d.err == nil && !filepath.IsAbs(a.File) {
				d.fail(v, f, fmt.Sprintf("%q is not an absolute path", a.File),
					"write the full path, such as /var/log/mcp-ssh-session/audit.jsonl: the server's working directory is whatever its client chose")
			}
		},
		"fail_closed": func(v *yaml.Node, f string) { a.FailClosed = d.boolean(v, f) },
	})
	if d.err == nil && a.File == "" && a.FailClosed {
		d.fail(n, where+".file", "missing", "fail_closed needs a log to fail on: add file: /path/to/audit.jsonl")
	}
	return a
}

func (d *decoder) boolean(n *yaml.Node, field string) bool {
	s := d.scalar(n, field)
	v, err := strconv.ParseBool(s)
	if d.err == nil && (err != nil || n.Tag != "!!bool") {
		d.fail(n, field, fmt.Sprintf("%q is not true or false", s), "write true or false")
	}
	return v
}

func (d *decoder) host(n *yaml.Node, where string) HostConfig {
	h := HostConfig{Line: n.Line, lines: map[string]int{}}
	set := func(key string) { h.lines[key] = d.keyLine }
	d.mapping(n, where, map[string]func(*yaml.Node, string){
		"match":           func(v *yaml.Node, f string) { set("match"); h.Match = d.globs(v, f) },
		"profile":         func(v *yaml.Node, f string) { set("profile"); h.Profile = d.scalar(v, f) },
		"user":            func(v *yaml.Node, f string) { set("user"); h.User = d.user(v, f) },
		"password":        func(v *yaml.Node, f string) { set("password"); h.Password = d.secret(v, f) },
		"key_passphrase":  func(v *yaml.Node, f string) { set("key_passphrase"); h.KeyPassphrase = d.secret(v, f) },
		"sudo_password":   func(v *yaml.Node, f string) { set("sudo_password"); h.SudoPassword = d.secret(v, f) },
		"su_password":     func(v *yaml.Node, f string) { set("su_password"); h.SuPassword = d.secret(v, f) },
		"enable_secret":   func(v *yaml.Node, f string) { set("enable_secret"); h.EnableSecret = d.secret(v, f) },
		"command_timeout": func(v *yaml.Node, f string) { set("command_timeout"); h.CommandTimeout = d.duration(v, f) },
		"secrets":         func(v *yaml.Node, f string) { h.Secrets = d.namedSecrets(v, f) },
		"policy":          func(v *yaml.Node, f string) { h.Policy = d.policy(v, f) },
		"read_only":       func(v *yaml.Node, f string) { h.ReadOnly = d.readOnly(v, f) },
	})
	if d.err == nil && len(h.Match) == 0 {
		d.fail(n, where+".match", "missing", `every host entry needs match: "<glob on the alias>"`)
	}
	return h
}

func (d *decoder) globs(n *yaml.Node, field string) []string {
	var out []string
	nodes := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		nodes = n.Content
	}
	for _, g := range nodes {
		s := d.scalar(deref(g), field)
		if _, err := path.Match(s, ""); err != nil || s == "" {
			d.fail(g, field, fmt.Sprintf("%q is not a glob", s), `use * ? and [...] as in "core-*"`)
			return nil
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) user(n *yaml.Node, field string) string {
	s := d.scalar(n, field)
	if s == "" || strings.HasPrefix(s, "-") || strings.ContainsFunc(s, isSpaceOrControl) {
		d.fail(n, field, fmt.Sprintf("%q is not a user name", s), "give the remote login name")
	}
	return s
}

func (d *decoder) duration(n *yaml.Node, field string) time.Duration {
	s := d.scalar(n, field)
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil && n.Tag == "!!int" {
		s = strconv.FormatInt(secs, 10) + "s"
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		d.fail(n, field, fmt.Sprintf("%q is not a positive duration", n.Value), `write it like "30s", "2m" or a number of seconds`)
	}
	return v
}

func (d *decoder) count(n *yaml.Node, field string) int64 {
	v, err := strconv.ParseInt(d.scalar(n, field), 10, 64)
	if err != nil || v <= 0 || v > 1<<31-1 {
		d.fail(n, field, fmt.Sprintf("%q is not a positive whole number", n.Value), "")
	}
	return v
}

// sizeUnits are the suffixes output_limit accepts, longest first.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}

func (d *decoder) size(n *yaml.Node, field string) int64 {
	s, mult := strings.TrimSpace(d.scalar(n, field)), int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 || v > (1<<40)/mult {
		d.fail(n, field, fmt.Sprintf("%q is not a size", n.Value), `write bytes as a number or with a unit: "64KiB", "10MiB"`)
		return 0
	}
	return v * mult
}

func (d *decoder) strict(n *yaml.Node, field string) string {
	s, err := normalizeStrict(d.scalar(n, field))
	if err != nil {
		d.fail(n, field, err.Error(), "use yes, no or accept-new")
	}
	return s
}

// normalizeStrict maps OpenSSH's spellings of StrictHostKeyChecking onto
// yes, no and accept-new. "ask" becomes "yes": nobody is there to ask.
func normalizeStrict(s string) (string, error) {
	switch strings.ToLower(s) {
	case "yes", "true", "ask":
		return "yes", nil
	case "no", "false", "off":
		return "no", nil
	case "accept-new":
		return "accept-new", nil
	}
	return "", fmt.Errorf("%q is not a StrictHostKeyChecking value", s)
}

// hostMatch is the merge of every HostConfig entry that selects one alias.
type hostMatch struct {
	HostConfig
	from map[string]string // YAML key → "file:line"
}

// src is where a field of the merged entry came from ("config.yaml:7").
func (m hostMatch) src(key string) string { return m.from[key] }

// match merges the entries whose globs select alias; for each field the
// first entry that sets it wins, as in ssh_config.
func (c *Config) match(alias string) hostMatch {
	m := hostMatch{from: map[string]string{}}
	for _, h := range c.Hosts {
		if !globsMatch(h.Match, alias) {
			continue
		}
		take := func(key string, empty bool, assign func()) {
			if _, seen := m.from[key]; !seen && !empty {
				assign()
				m.from[key] = fmt.Sprintf("%s:%d", c.Path, h.lines[key])
			}
		}
		take("profile", h.Profile == "", func() { m.Profile = h.Profile })
		take("user", h.User == "", func() { m.User = h.User })
		take("password", h.Password == nil, func() { m.Password = h.Password })
		take("key_passphrase", h.KeyPassphrase == nil, func() { m.KeyPassphrase = h.KeyPassphrase })
		take("sudo_password", h.SudoPassword == nil, func() { m.SudoPassword = h.SudoPassword })
		take("su_password", h.SuPassword == nil, func() { m.SuPassword = h.SuPassword })
		take("enable_secret", h.EnableSecret == nil, func() { m.EnableSecret = h.EnableSecret })
		take("command_timeout", h.CommandTimeout == 0, func() { m.CommandTimeout = h.CommandTimeout })
		m.Secrets = mergeNamed(m.Secrets, h.Secrets)
	}
	return m
}

func globsMatch(globs []string, alias string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, alias); ok {
			return true
		}
	}
	return false
}
