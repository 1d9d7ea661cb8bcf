package profiles

import (
	"path"
	"strings"
)

// Detect picks a profile for a host and returns its name, or "" when none
// fits. Host patterns decide first: the first profile (in name order) with
// a glob matching alias or hostname wins. Otherwise each profile's login
// patterns are tried against loginText (the login banner and first prompt,
// ideally preceded by the server's SSH identification line) and the
// profile with the most matching patterns wins, ties going to the first
// name. Only the profiles' anchored regexps count, never loose words in a
// message of the day. Safe for concurrent use.
func (s *Set) Detect(alias, hostname, loginText string) string {
	if s == nil {
		return ""
	}
	if name := s.DetectHost(alias, hostname); name != "" || loginText == "" {
		return name
	}
	best, bestN := "", 0
	for _, name := range s.names {
		if n := s.loginMatches(name, loginText); n > bestN {
			best, bestN = name, n
		}
	}
	return best
}

// DetectHost returns the first profile (in name order) with a host pattern
// matching alias or hostname, or "" when none does. It needs nothing from
// the host itself, so it may decide before a shell is opened. Safe for
// concurrent use.
func (s *Set) DetectHost(alias, hostname string) string {
	if s == nil {
		return ""
	}
	for _, name := range s.names {
		for _, glob := range s.byName[name].HostPatterns {
			if globMatch(glob, alias) || globMatch(glob, hostname) {
				return name
			}
		}
	}
	return ""
}

// DetectLogin picks a profile from what a login showed, or returns "" when
// none fits. version is the server's SSH identification string; login is
// what the shell printed up to its first prompt (banner, MOTD, prompt), or
// up to where it stopped.
//
// The login text decides: the profile with the most login patterns
// matching it wins, ties going to the one whose patterns also match the
// version, then to the one whose prompt stands at the end of the login,
// then to the first name. The version never decides alone, since one SSH
// server fronts many kinds of shell (a router CLI as the login shell of a
// Debian host): a profile that only matches the version is chosen only
// when nothing matched the login text and the login ends in one of its
// mode prompts or pagers. Safe for concurrent use.
func (s *Set) DetectLogin(version, login string) string {
	if s == nil {
		return ""
	}
	last := lastLine(login)
	type score struct{ login, version int }
	best, bestScore, bestFits := "", score{}, false
	for _, name := range s.names {
		sc := score{s.loginMatches(name, login), s.loginMatches(name, version)}
		fits := s.byName[name].endsInPrompt(last)
		if sc.login == 0 && (sc.version == 0 || !fits) {
			continue
		}
		if best == "" || sc.login > bestScore.login ||
			sc.login == bestScore.login && (sc.version > bestScore.version || sc.version == bestScore.version && fits && !bestFits) {
			best, bestScore, bestFits = name, sc, fits
		}
	}
	return best
}

// loginMatches counts the login patterns of profile name matching text.
func (s *Set) loginMatches(name, text string) int {
	if text == "" {
		return 0
	}
	n := 0
	for _, pat := range s.byName[name].LoginPatterns {
		if pat.Regexp.MatchString(text) {
			n++
		}
	}
	return n
}

// endsInPrompt reports whether line, the last line of a login, is one of
// the profile's mode prompts or pagers.
func (p *Profile) endsInPrompt(line string) bool {
	if line == "" {
		return false
	}
	for _, m := range p.Modes {
		if m.Prompt.Regexp != nil && m.Prompt.Regexp.MatchString(line) {
			return true
		}
	}
	for _, pg := range p.Pagers {
		if pg.Pattern.Regexp != nil && pg.Pattern.Regexp.MatchString(line) {
			return true
		}
	}
	return false
}

// lastLine returns the last line of s that is not empty.
func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func globMatch(glob, s string) bool {
	if s == "" {
		return false
	}
	ok, err := path.Match(glob, s)
	return err == nil && ok // globs were checked at load
}
