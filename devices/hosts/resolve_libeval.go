package hosts

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// libState is ssh_config being evaluated for one host by the library
// fallback: the values obtained so far (first wins) and what Match needs.
type libState struct {
	r         *Resolver
	in        layer
	final     bool // in the final pass ("Match final")
	wantFinal bool

	seen      map[string]bool
	st        sshSettings
	hostRaw   string   // HostName as written, %h not yet expanded
	files     []string // IdentityFile as written
	knownRaw  []string // UserKnownHostsFile as written
	agentRaw  string
	proxyJump string
}

func newLibState(r *Resolver, in layer) *libState {
	s := &libState{r: r, in: in, seen: map[string]bool{}, st: sshSettings{Sources: map[string]string{}}}
	// The layers above ssh_config act as ssh's command-line options: they
	// are obtained first, so the file cannot override them, and Match user
	// sees them.
	if in.user != "" {
		s.st.User, s.seen["user"] = in.user, true
	}
	if in.port != 0 {
		s.st.Port, s.seen["port"] = in.port, true
	}
	if in.hostName != "" {
		s.hostRaw, s.seen["hostname"] = in.hostName, true
	}
	return s
}

// matchHost is the name "Match host" tests: HostName so far with %h
// expanded, else the alias, as OpenSSH's match_cfg_line does.
func (s *libState) matchHost() string {
	if s.hostRaw == "" {
		return s.in.alias
	}
	return expandHostName(s.hostRaw, s.in.alias)
}

// expandHostName applies the only tokens HostName accepts: %h and %%.
func expandHostName(raw, alias string) string {
	return tokens{host: alias}.expandOnly(raw, "h%")
}

// matchActive evaluates one Match line. Criteria are ANDed; "!" negates
// one. An unknown criterion, or exec (which would run a command from the
// config file), makes the block inactive with a warning.
func (s *libState) matchActive(file string, c matchCond) bool {
	words := splitArgs(c.criteria)
	skip := func(reason string) bool {
		s.r.warnOnce(file, c.line, "ssh_config Match skipped", reason)
		return false
	}
	if len(words) == 0 {
		return skip("Match without criteria")
	}
	ok := true
	for i := 0; i < len(words); i++ {
		word := strings.ToLower(words[i])
		negate := strings.HasPrefix(word, "!")
		word = strings.TrimPrefix(word, "!")
		var hit bool
		switch word {
		case "all":
			hit = true
		case "canonical":
			// Without canonicalization (never done here) ssh still
			// counts its final pass as canonical.
			hit = s.final
		case "final":
			s.wantFinal = true
			hit = s.final
		case "host", "originalhost", "user", "localuser":
			if i+1 == len(words) {
				return skip(fmt.Sprintf("%q needs an argument", word))
			}
			i++
			hit = matchPatternList(s.criterionSubject(word), words[i], word != "user" && word != "localuser")
		case "exec":
			return skip("Match exec is not evaluated without an ssh binary (it would run a command)")
		default:
			return skip(fmt.Sprintf("criterion %q is not supported without an ssh binary", word))
		}
		if hit == negate {
			ok = false
		}
	}
	return ok
}

func (s *libState) criterionSubject(word string) string {
	switch word {
	case "host":
		return s.matchHost()
	case "originalhost":
		return s.in.alias
	case "user":
		if s.st.User != "" {
			return s.st.User
		}
		return s.r.localUser
	}
	return s.r.localUser
}

// matchPatternList is OpenSSH's comma-separated pattern list: a matching
// negated entry ("!pat") wins over everything, otherwise any positive
// match. Host patterns compare case-insensitively.
func matchPatternList(subject, list string, fold bool) bool {
	if fold {
		subject, list = strings.ToLower(subject), strings.ToLower(list)
	}
	found := false
	for p := range strings.SplitSeq(list, ",") {
		neg := strings.HasPrefix(p, "!")
		if !globMatch(strings.TrimPrefix(p, "!"), subject) {
			continue
		}
		if neg {
			return false
		}
		found = true
	}
	return found
}

// globMatch matches OpenSSH wildcards: '*' any run, '?' one character.
func globMatch(pattern, s string) bool {
	px, sx, starP, starS := 0, 0, -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case px < len(pattern) && pattern[px] == '*':
			starP, starS = px, sx
			px++
		case starP >= 0:
			px, starS = starP+1, starS+1
			sx = starS
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}

// apply takes one key/value from an active block if the key has no value
// yet (IdentityFile accumulates). Bad values are errors with file:line.
func (s *libState) apply(key, value, file string, line int) error {
	setting, known := settingNames[key]
	if key == "proxycommand" || key == "proxyjump" {
		// OpenSSH keeps whichever of the two comes first.
		if s.seen["proxy"] {
			return nil
		}
		s.seen["proxy"] = true
	}
	if !known || (s.seen[key] && key != "identityfile") {
		return nil
	}
	s.seen[key] = true
	src := fmt.Sprintf("%s:%d", shortenHome(file), line)
	var err error
	switch key {
	case "identityfile":
		s.files = append(s.files, value)
		if s.st.Sources[setting] != "" {
			return nil
		}
	case "hostname":
		s.hostRaw = value
	case "identityagent":
		s.agentRaw = value
	case "proxyjump":
		s.proxyJump = value
	case "proxycommand":
		if !strings.EqualFold(value, "none") {
			s.st.ProxyCommand = value
		}
	case "userknownhostsfile":
		s.knownRaw = splitArgs(value)
	case "ciphers", "kexalgorithms", "macs", "hostkeyalgorithms":
		list, changed := openSSHAlgorithmList(key, value)
		if !changed {
			return nil
		}
		if err = s.st.setAlgorithms(key, list, src); err == nil {
			return nil // setAlgorithms records its own source
		}
		valueHint := "list at least one algorithm this client supports"
		return &ResolveError{File: file, Line: line, Setting: setting, Msg: err.Error(), Hint: valueHint}
	default:
		_, err = s.st.setScalar(key, value)
	}
	if err != nil {
		return &ResolveError{File: file, Line: line, Setting: setting, Msg: err.Error(), Hint: valueHints[key]}
	}
	s.st.Sources[setting] = src
	return nil
}

// convTime parses OpenSSH time values: "none" or "0" (no value), seconds,
// or units s, m, h, d, w, concatenated as in "1h30m".
func convTime(v string) (time.Duration, error) {
	if strings.EqualFold(v, "none") || v == "0" {
		return 0, nil
	}
	units := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	var total time.Duration
	rest := strings.ToLower(v)
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return 0, fmt.Errorf("%q is not a time", v)
		}
		unit := time.Second
		if i < len(rest) {
			u, ok := units[rest[i]]
			if !ok {
				return 0, fmt.Errorf("%q is not a time", v)
			}
			unit, i = u, i+1
		}
		total += time.Duration(n) * unit
		rest = rest[i:]
	}
	return total, nil
}

// settings finishes the evaluation: HostName's %h, then the tokens of the
// path settings, which depend on the final host, user and port.
func (s *libState) settings() (sshSettings, error) {
	st := s.st
	if s.hostRaw != "" {
		st.HostName = strings.ToLower(expandHostName(s.hostRaw, s.in.alias))
	}
	if st.HostName == "" {
		st.HostName, st.Sources["HostName"] = strings.ToLower(s.in.alias), "default"
	}
	st.IdentityAgent, st.ProxyJump = s.agentRaw, s.proxyJump
	st.finish(s.r, s.in, s.files)
	tk := st.tokens(s.r, s.in)
	for _, f := range s.knownRaw {
		st.UserKnownHosts = append(st.UserKnownHosts, s.r.expandPath(f, tk))
	}
	return st, nil
}
