package hosts

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// overrides are the OVRD_<alias>_* environment variables kept from the
// first version of this tool: they let a user keep a host's address and
// secrets out of an agent's view. A zero field means the variable is unset.
type overrides struct {
	Host, User, Key          string
	Port                     int
	Pass, SudoPass, EnablePw string
	names                    map[string]string // suffix (HOST...) → variable name found
}

// src names the variable a value came from, for Target.Sources.
func (o overrides) src(suffix string) string {
	return o.names[suffix]
}

// ovrdSuffixes are the settings an override may carry.
var ovrdSuffixes = []string{"HOST", "PORT", "USER", "PASS", "KEY", "SUDO_PASS", "ENABLE_PASS"}

// ovrdPrefixes lists the spellings of an alias in a variable name, in the
// order they are tried: as given (possible with env(1) or a process
// launcher), with non-alphanumerics as "_" (what a shell can export), and
// that upper-cased (the usual style of environment names).
func ovrdPrefixes(alias string) []string {
	clean := strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, alias)
	var out []string
	for _, a := range []string{alias, clean, strings.ToUpper(clean)} {
		p := "OVRD_" + a + "_"
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// overrides reads the OVRD_ variables for alias. Only a malformed PORT is
// an error; the error names the variable, never a value of a secret one.
func (r *Resolver) overrides(alias string) (overrides, error) {
	o := overrides{names: map[string]string{}}
	vals := map[string]string{}
	for _, suffix := range ovrdSuffixes {
		for _, p := range ovrdPrefixes(alias) {
			if v, ok := r.env(p + suffix); ok && v != "" {
				vals[suffix], o.names[suffix] = v, p+suffix
				break
			}
		}
	}
	o.Host, o.User, o.Key = vals["HOST"], vals["USER"], vals["KEY"]
	o.Pass, o.SudoPass, o.EnablePw = vals["PASS"], vals["SUDO_PASS"], vals["ENABLE_PASS"]
	if o.Host != "" && (strings.HasPrefix(o.Host, "-") || strings.ContainsFunc(o.Host, isSpaceOrControl)) {
		return o, &ResolveError{Alias: alias, Setting: o.names["HOST"],
			Msg: fmt.Sprintf("%q is not a host name", o.Host), Hint: "set it to a hostname or IP address"}
	}
	if o.User != "" && (strings.HasPrefix(o.User, "-") || strings.ContainsFunc(o.User, isSpaceOrControl)) {
		return o, &ResolveError{Alias: alias, Setting: o.names["USER"],
			Msg: fmt.Sprintf("%q is not a user name", o.User), Hint: "set it to the remote login name"}
	}
	if s, ok := vals["PORT"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 65535 {
			return o, &ResolveError{Alias: alias, Setting: o.names["PORT"],
				Msg: fmt.Sprintf("%q is not a port", s), Hint: "set it to a number from 1 to 65535"}
		}
		o.Port = n
	}
	return o, nil
}
