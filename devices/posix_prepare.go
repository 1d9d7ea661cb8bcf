package devices

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// markerStart begins every marker the prepared shell prints (ASCII RS).
const markerStart = '\x1e'

// privateSudoPrefix begins the sudo prompt the prepared shell sets; the
// random text after it tells this session's sudo from anything else.
const privateSudoPrefix = "[mcpssh-sudo:"

// posixMarkers are the per-session random texts the prepared shell prints
// and the regexes that recognize them. The preparation text never contains
// any of them verbatim: the control bytes \x1e and \x1f are produced from
// octal escapes (by printf, or by $'...' quoting in bash, which saves
// forking a subshell for each) and the sudo prompt is quoted in pieces, so
// the terminal's echo of the preparation cannot match.
type posixMarkers struct {
	token string // random hex, unique per shell
	sudo  string // random hex in SUDO_PROMPT

	done       *regexp.Regexp // printed before each prompt: groups status, cwd
	sudoPrompt *regexp.Regexp // sudo asking for a password: group user
}

func newPosixMarkers() posixMarkers {
	m := posixMarkers{token: randomHex(8), sudo: randomHex(6)}
	m.done = regexp.MustCompile(string(markerStart) + m.token + `:(\d{1,3}):([^\x1e\x1f\n]*)\x1f`)
	// sudo expands %p to the user whose password it wants; the environment
	// only ever holds the unexpanded "%p", so `env` output cannot match.
	m.sudoPrompt = regexp.MustCompile(regexp.QuoteMeta(privateSudoPrefix) + m.sudo + `:([^\]\n]*)\] ?\z`)
	return m
}

// ready returns the pattern of the marker that ends attempt n of the
// preparation: groups user, shell name and the shell's process ID. Each attempt has its own, so
// that a late marker of an earlier attempt is never taken for the last.
func (m posixMarkers) ready(n int) expect.Pattern {
	return expect.Pattern{Name: "ready marker", Regexp: regexp.MustCompile(string(markerStart) + m.token +
		":ready" + strconv.Itoa(n) + `:([^\x1e\x1f:\n]*):-?([^\x1e\x1f:\n]*):(\d+)\x1f`)}
}

// randomHex returns n random bytes as hex. crypto/rand does not fail on
// the platforms Go supports.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// posixPreparation builds the lines typed into a new shell, all at once
// (the shell reads typed-ahead input when it is ready). Each line stays
// under posixLineMax bytes, because busybox's line editor cuts longer
// lines. Every line starts with a space, and the text is POSIX sh
// throughout (zsh-only syntax hides inside eval) so that every shell can
// parse every branch:
//
//   - first, what changes how the following lines are read: stty -echo
//     (typed commands are not echoed, so output needs no echo removal);
//     PS2 empty so multi-line commands and heredocs add no prompts; bash
//     drops this line from history when HISTCONTROL would have kept it and
//     keeps later lines starting with a space out, and turns line editing
//     off, so the terminal stays in canonical mode between commands (input
//     or Ctrl+C sent right after a command can never reach readline
//     instead of the program, and there is no bracketed paste); zsh turns
//     its line editor off (it echoes by itself even with -echo), keeps
//     lines starting with a space out of history and allows comments as
//     the other shells do;
//   - env from the profile (pagers off) and SUDO_PROMPT with the session's
//     random text, so every sudo asks with a prompt nothing else prints;
//   - the marker: in bash, PROMPT_COMMAND reads $? first (a $? read in
//     PS1 can be wrong in bash 5.2) and puts the marker back into PS1 each
//     time, so a prompt set by a script (a virtualenv's activate) never
//     trails it into the next command's output; neither is exported, so
//     no program the session runs can learn the marker's text from its
//     environment and forge a command's end (a shell started inside the
//     session is prepared on its own: posix_nested.go); PROMPT_COMMAND is
//     read-only so a command that sets it fails with the shell's own
//     message instead of silently never completing; in zsh a function of
//     ours is the only entry of a read-only precmd_functions (a precmd
//     defined later runs beside it, and cannot replace it) and empties PS1
//     and RPROMPT each time, with no PROMPT_SP or EOL mark; dash and
//     busybox ash expand $? and $PWD in a read-only PS1;
//   - finally the ready marker of this attempt, with the user and the
//     shell's name, after which the next marker is the first prompt.
//
// The lines after the first act only if the first one ran, so that a
// login that swallows a line leaves the shell as it was for the fallback.
// Typing the preparation again (attempt n+1, when a shell lost what was
// typed ahead while it started) is harmless whatever part of an earlier
// attempt ran: a line that lost bytes is a syntax error and runs nothing,
// and the marker line, whose read-only settings a second run would trip
// over, runs once; the ready marker comes only once it has.
func posixPreparation(m posixMarkers, env map[string]string, attempt int) string {
	var b strings.Builder
	// an earlier attempt that lost bytes left its garbled lines in bash's
	// history (they no longer start with a space): drop them
	forget := ""
	if attempt > 1 {
		forget = `for __mcpssh_i in 1 2 3 4 5 6 7 8; do case $(history 1) in *mcpssh*|*ignorespace*|*_VERSION*|*PAGER*) ` +
			`history -d -1 2>/dev/null || break;; *) break;; esac; done; `
	}
	// allexport (set -a in a startup file) would put the marker's text
	// into every program's environment: off while preparing, back after
	b.WriteString(" case $- in *a*) set +a; __mcpssh_a=1;; esac; stty -echo 2>/dev/null; __mcpssh_t=" + m.token + "; PS2=''; " +
		`if [ -n "$BASH_VERSION" ]; then case $HISTCONTROL in *ignorespace*|*ignoreboth*) ;; ` +
		`*) history -d -1 2>/dev/null; HISTCONTROL="${HISTCONTROL:+$HISTCONTROL:}ignorespace";; esac; ` +
		forget + `set +o emacs +o vi 2>/dev/null; ` +
		`elif [ -n "$ZSH_VERSION" ]; then eval 'unsetopt ZLE; setopt HIST_IGNORE_SPACE INTERACTIVE_COMMENTS'; fi` + "\n")
	// the later lines act only if the first one ran: a login that
	// swallows it (a menu reading a line) is then left as it was, for the
	// prompt-matching fallback
	guard := `[ "$__mcpssh_t" = ` + m.token + ` ]`
	for _, line := range exportLines(m, env) {
		b.WriteString(" " + guard + " &&" + line + "\n")
	}
	prepared := `[ "$__mcpssh_p" = ` + m.token + ` ]`
	b.WriteString(` if ! ` + guard + `; then :; elif ` + prepared + `; then :; elif [ -n "$BASH_VERSION" ]; then ` +
		`__mcpssh_ps1=$'\036'"$__mcpssh_t:\${__mcpssh_s:-\$?}:\$PWD"$'\037'; PS1=$__mcpssh_ps1; __mcpssh_p=$__mcpssh_t; ` +
		`export -n __mcpssh_ps1 PS1 2>/dev/null; unset PROMPT_COMMAND 2>/dev/null; ` +
		`PROMPT_COMMAND='__mcpssh_s=$?; PS1=$__mcpssh_ps1; export -n __mcpssh_s PS1'; export -n PROMPT_COMMAND; readonly PROMPT_COMMAND; fi` + "\n")
	// one line per family of shells: each stays under posixLineMax
	b.WriteString(` if ! ` + guard + `; then :; elif ` + prepared + `; then :; elif [ -n "$ZSH_VERSION" ]; then ` +
		`eval '__mcpssh_precmd() { printf "\036%s:%s:%s\037" "$__mcpssh_t" "$?" "$PWD"; PS1=""; RPROMPT=""; }; ` +
		`unfunction precmd 2>/dev/null; precmd_functions=(__mcpssh_precmd); __mcpssh_p=$__mcpssh_t; typeset -r precmd_functions; ` +
		`unsetopt PROMPT_SP PROMPT_CR; PROMPT_EOL_MARK=""; RPROMPT=""; RPS1=""; PS1=""'; ` +
		`else PS1="$(printf '\036')$__mcpssh_t:\$?:\$PWD$(printf '\037')"; __mcpssh_p=$__mcpssh_t; readonly PS1; fi` + "\n")
	b.WriteString(` ` + prepared + ` && printf '\036%s:ready%s:%s:%s:%s\037' "$__mcpssh_t" ` + strconv.Itoa(attempt) +
		` "$(id -un 2>/dev/null)" "${0##*/}" "$$"; [ "$__mcpssh_a" != 1 ] || set -a` + "\n")
	return b.String()
}

// posixLineMax is the longest line the preparation types: busybox's line
// editor keeps 1024 bytes of a line by default.
const posixLineMax = 850

// posixGuardLen is room left on each export line for the guard in front.
const posixGuardLen = 64

// exportLines exports SUDO_PROMPT and the profile's environment in lines
// that each fit posixLineMax. Invalid names are left out; a single value
// too long for a line is left out too (and would be a strange pager
// setting).
func exportLines(m posixMarkers, env map[string]string) []string {
	assigns := []string{"SUDO_PROMPT='[mcpssh-sudo:''" + m.sudo + ":%p] '"}
	keys := make([]string, 0, len(env))
	for k := range env {
		if validEnvName(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		assigns = append(assigns, k+"="+shellQuote(env[k]))
	}
	var lines []string
	line := ""
	for _, a := range assigns {
		if len(" export ")+len(a) > posixLineMax-posixGuardLen {
			continue
		}
		if line != "" && len(line)+1+len(a) > posixLineMax-posixGuardLen {
			lines = append(lines, line)
			line = ""
		}
		if line == "" {
			line = " export " + a
		} else {
			line += " " + a
		}
	}
	return append(lines, line)
}

// envName is what a shell accepts as a variable name.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func validEnvName(s string) bool { return envName.MatchString(s) }

// shellQuote quotes s for a POSIX shell: inside single quotes, where each
// single quote of s ends the quoting, is escaped with a backslash, and the
// quoting resumes.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// cdLine is the internal command that restores a working directory; the
// leading space keeps it out of history.
func cdLine(dir string) string {
	return fmt.Sprintf(" cd -- %s", shellQuote(dir))
}
