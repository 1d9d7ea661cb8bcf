package profiles

import "path"

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
	for _, name := range s.names {
		for _, glob := range s.byName[name].HostPatterns {
			if globMatch(glob, alias) || globMatch(glob, hostname) {
				return name
			}
		}
	}
	if loginText == "" {
		return ""
	}
	best, bestN := "", 0
	for _, name := range s.names {
		n := 0
		for _, pat := range s.byName[name].LoginPatterns {
			if pat.Regexp.MatchString(loginText) {
				n++
			}
		}
		if n > bestN {
			best, bestN = name, n
		}
	}
	return best
}

func globMatch(glob, s string) bool {
	if s == "" {
		return false
	}
	ok, err := path.Match(glob, s)
	return err == nil && ok // globs were checked at load
}
