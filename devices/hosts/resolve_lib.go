package hosts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/kevinburke/ssh_config"
)

// The library fallback, used when no ssh binary is available, reads
// ssh_config with kevinburke/ssh_config and covers what that library leaves
// to its caller:
//
//   - Include is resolved here: relative paths against Home's .ssh
//     directory (the library uses the passwd home and parses included files
//     itself, where the next point would not apply);
//   - Match lines are evaluated here with OpenSSH's rules (host against the
//     HostName known so far, originalhost, user, localuser, all, final,
//     negation); a criterion that cannot be evaluated without running
//     something (exec) or that is unknown skips its block with a warning
//     instead of failing the whole file;
//   - values are taken first-obtained-wins in file order, as OpenSSH does,
//     with "~", ${VAR} and the %-tokens expanded where OpenSSH expands them.
//
// The library parses each file after Match and Include lines have been
// replaced, line for line, by placeholders it understands, so positions in
// its nodes are still the lines of the real file.

// maxIncludeDepth is OpenSSH's own limit on nested Include.
const maxIncludeDepth = 16

// libFile is one ssh_config file as the library parsed it, with the Match
// conditions and Include arguments taken out.
type libFile struct {
	path     string
	cfg      *ssh_config.Config
	matches  map[int]matchCond // placeholder id → condition
	includes map[int][]string  // placeholder id → Include arguments
}

type matchCond struct {
	line     int
	criteria string
}

const (
	matchPlaceholder   = "!mcpssh-match-" // a negated-only pattern: inert if ever evaluated as a Host
	includePlaceholder = "McpsshInclude"
)

// directiveLine splits a line into keyword and arguments ("Key value",
// "Key=value", "Key = value").
var directiveLine = regexp.MustCompile(`^(\s*)([A-Za-z]+)(?:\s*=\s*|\s+|$)(.*)$`)

// loadLibFile reads and parses one file. A missing file is (nil, nil).
// Parsed files are kept by content hash: the library's lexer allocates per
// byte, and every Resolve reads the files again.
func (r *Resolver) loadLibFile(path string) (*libFile, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &ResolveError{File: path, Msg: "cannot read: " + err.Error(), Hint: "fix its permissions", Err: err}
	}
	if err := checkConfigPerms(path); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	key := path + "\x00" + hex.EncodeToString(sum[:])
	if f, ok := r.libFiles.get(key); ok {
		return f, nil
	}
	f, err := parseLibFile(path, data)
	if err != nil {
		return nil, err
	}
	r.libFiles.put(key, f)
	return f, nil
}

// checkConfigPerms refuses a file that someone else could have written,
// as ssh does for its user configuration: owned by the user or root, not
// writable by others, and writable by its group only when that group is
// the user's own (the rule of Debian's OpenSSH, whose users have private
// groups).
func checkConfigPerms(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return &ResolveError{File: path, Msg: "cannot read: " + err.Error(), Err: err}
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	uid := uint32(os.Getuid())
	mode := fi.Mode().Perm()
	if (st.Uid != uid && st.Uid != 0) || mode&0o002 != 0 || (mode&0o020 != 0 && st.Gid != uint32(os.Getgid())) {
		return &ResolveError{File: path, Msg: "bad owner or permissions: others could change how hosts are reached",
			Hint: "chmod go-w " + path + " (ssh refuses it too)"}
	}
	return nil
}

// parseLibFile takes Match and Include lines out of data, replacing them
// line for line with placeholders, and lets the library parse the rest.
// The result is read-only and may be shared.
func parseLibFile(path string, data []byte) (*libFile, error) {
	f := &libFile{path: path, matches: map[int]matchCond{}, includes: map[int][]string{}}
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		m := directiveLine.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		args := stripComment(m[3])
		switch strings.ToLower(m[2]) {
		case "match":
			f.matches[i] = matchCond{line: i + 1, criteria: args}
			lines[i] = fmt.Sprintf("%sHost %s%d", m[1], matchPlaceholder, i)
		case "include":
			f.includes[i] = splitArgs(args)
			lines[i] = fmt.Sprintf("%s%s %d", m[1], includePlaceholder, i)
		}
	}
	cfg, err := decodeSSHConfig([]byte(strings.Join(lines, "\n")))
	if err != nil {
		return nil, &ResolveError{File: path, Msg: "cannot parse: " + err.Error(), Hint: "check the syntax with `ssh -G`", Err: err}
	}
	f.cfg = cfg
	return f, nil
}

// decodeSSHConfig is the library's decoder with its runtime panics (which
// it re-raises) turned into errors: a strange file must not take the
// server down.
func decodeSSHConfig(data []byte) (cfg *ssh_config.Config, err error) {
	defer func() {
		if p := recover(); p != nil {
			cfg, err = nil, fmt.Errorf("the ssh_config parser failed: %v", p)
		}
	}()
	return ssh_config.DecodeBytes(data)
}

// stripComment drops a trailing "# comment" (OpenSSH ends arguments at an
// unquoted '#').
func stripComment(s string) string {
	inQuote := false
	for i, c := range s {
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '#' && !inQuote:
			return strings.TrimSpace(s[:i])
		}
	}
	return strings.TrimSpace(s)
}

// splitArgs splits on white space, keeping double-quoted words together.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote, have := false, false
	for _, c := range s {
		switch {
		case c == '"':
			inQuote, have = !inQuote, true
		case (c == ' ' || c == '\t') && !inQuote:
			if have {
				out = append(out, cur.String())
			}
			cur.Reset()
			have = false
		default:
			cur.WriteRune(c)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// libSettings evaluates ssh_config for in with the library.
func (r *Resolver) libSettings(in layer) (sshSettings, error) {
	s := newLibState(r, in)
	root, err := r.loadLibFile(r.sshConfig)
	if err != nil {
		return sshSettings{}, withAlias(err, in.alias)
	}
	if root != nil {
		if err := s.walk(root, 0); err != nil {
			return sshSettings{}, withAlias(err, in.alias)
		}
		if s.wantFinal {
			// Like ssh, read everything again for "Match final"; values
			// already obtained keep precedence.
			s.final = true
			if err := s.walk(root, 0); err != nil {
				return sshSettings{}, withAlias(err, in.alias)
			}
		}
	}
	return s.settings()
}

func withAlias(err error, alias string) error {
	var re *ResolveError
	if errors.As(err, &re) && re.Alias == "" {
		re.Alias = alias
	}
	return err
}

// walk applies the active blocks of f in order.
func (s *libState) walk(f *libFile, depth int) error {
	if depth > maxIncludeDepth {
		return &ResolveError{File: f.path, Setting: "Include", Msg: fmt.Sprintf("nested deeper than %d files", maxIncludeDepth),
			Hint: "an Include probably includes itself"}
	}
	for _, h := range f.cfg.Hosts {
		if !s.blockActive(f, h) {
			continue
		}
		for _, n := range h.Nodes {
			kv, ok := n.(*ssh_config.KV)
			if !ok {
				continue
			}
			line := kv.Pos().Line
			if kv.Key == includePlaceholder {
				id, _ := strconv.Atoi(kv.Value)
				if err := s.include(f, f.includes[id], line, depth); err != nil {
					return err
				}
				continue
			}
			if err := s.apply(strings.ToLower(kv.Key), kv.Value, f.path, line); err != nil {
				return err
			}
		}
	}
	return nil
}

// blockActive decides a Host or Match block for the current state.
func (s *libState) blockActive(f *libFile, h *ssh_config.Host) bool {
	if len(h.Patterns) == 1 {
		if rest, ok := strings.CutPrefix(h.Patterns[0].String(), matchPlaceholder); ok {
			id, _ := strconv.Atoi(rest)
			return s.matchActive(f.path, f.matches[id])
		}
	}
	// ssh's final pass matches Host lines against the HostName it has
	// settled on, not the alias.
	if s.final && s.hostRaw != "" {
		return h.Matches(strings.ToLower(s.matchHost()))
	}
	return h.Matches(s.in.alias)
}

// include reads the files an Include names, in OpenSSH's order (arguments
// in order, each glob's matches sorted), inside the current active block.
func (s *libState) include(parent *libFile, args []string, line, depth int) error {
	for _, arg := range args {
		p := expandTilde(arg, s.r.home)
		if !filepath.IsAbs(p) {
			p = filepath.Join(s.r.home, ".ssh", p)
		}
		paths, err := filepath.Glob(p)
		if err != nil {
			return &ResolveError{File: parent.path, Line: line, Setting: "Include", Msg: fmt.Sprintf("bad pattern %q: %v", arg, err)}
		}
		for _, path := range paths {
			f, err := s.r.loadLibFile(path)
			if err != nil {
				return err
			}
			if f == nil {
				continue
			}
			if err := s.walk(f, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}
