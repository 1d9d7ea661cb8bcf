package devices

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// posixMarkers are the per-session random texts the prepared shell prints
// and the regexes that recognize them. The preparation text never contains
// any of them verbatim: the control bytes \x1e and \x1f are produced by
// printf from octal escapes and the sudo prompt is quoted in pieces, so the
// terminal's echo of the preparation cannot match.
type posixMarkers struct {
	token string // random hex, unique per shell
	sudo  string // random hex in SUDO_PROMPT

	ready      *regexp.Regexp // printed once, at the end of the preparation
	done       *regexp.Regexp // printed before each prompt: groups status, cwd
	sudoPrompt *regexp.Regexp // sudo asking for a password: group user
}

func newPosixMarkers() posixMarkers {
	m := posixMarkers{token: randomHex(8), sudo: randomHex(6)}
	m.ready = regexp.MustCompile("\x1e" + m.token + ":ready\x1f")
	m.done = regexp.MustCompile("\x1e" + m.token + `:(\d{1,3}):([^\x1e\x1f\n]*)\x1f`)
	// sudo expands %p to the user whose password it wants; the environment
	// only ever holds the unexpanded "%p", so `env` output cannot match.
	m.sudoPrompt = regexp.MustCompile(`\[mcpssh-sudo:` + m.sudo + `:([^\]\n]*)\] ?\z`)
	return m
}

// randomHex returns n random bytes as hex. crypto/rand does not fail on
// the platforms Go supports.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// posixPreparation builds the single line typed into a new shell. It is one
// line so that a shell that reads it early or late sees the same thing, and
// POSIX sh syntax throughout (zsh-only syntax hides inside eval) so that
// every shell can parse every branch:
//
//   - stty -echo: typed commands are not echoed, so output needs no echo
//     removal;
//   - env from the profile (pagers off) and SUDO_PROMPT with the session's
//     random text, so every sudo asks with a prompt nothing else prints;
//   - PS2 empty so multi-line commands and heredocs add no prompts;
//   - bash: the line is dropped from history when HISTCONTROL would have
//     kept it, and later internal lines (they start with a space) stay out;
//     line editing off, so the terminal stays in canonical mode between
//     commands: input or Ctrl+C sent right after a command can never reach
//     readline instead of the program (nor be echoed by it), and there is
//     no bracketed paste; PROMPT_COMMAND reads $? first and prints the
//     marker, and is exported so that an interactive bash started from
//     this one (`bash`, `exec bash`) still prints it; it empties PS1 each
//     time, so a prompt set by such a bash or by a script (a virtualenv's
//     activate) never trails the marker into the next command's output;
//   - zsh: the line editor off (it echoes by itself even with -echo),
//     precmd prints the marker, no PROMPT_SP, RPROMPT or EOL mark, and
//     comments allowed as in the other shells;
//   - dash and busybox ash: PS1 expands $? and $PWD into the marker;
//   - finally the ready marker, after which the next marker is the first
//     prompt.
func posixPreparation(m posixMarkers, env map[string]string) string {
	var b strings.Builder
	b.WriteString(" stty -echo 2>/dev/null; __mcpssh_t=" + m.token + "; ")
	b.WriteString("export SUDO_PROMPT='[mcpssh-sudo:''" + m.sudo + ":%p] '")
	keys := make([]string, 0, len(env))
	for k := range env {
		if validEnvName(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(" " + k + "=" + shellQuote(env[k]))
	}
	b.WriteString("; PS2=''; ")
	b.WriteString(`if [ -n "$BASH_VERSION" ]; then ` +
		`case $HISTCONTROL in *ignorespace*|*ignoreboth*) ;; ` +
		`*) history -d -1 2>/dev/null; HISTCONTROL="${HISTCONTROL:+$HISTCONTROL:}ignorespace";; esac; ` +
		`set +o emacs +o vi 2>/dev/null; unset PROMPT_COMMAND; PS1=''; ` +
		`PROMPT_COMMAND='__mcpssh_s=$?; PS1=; printf "\036%s:%s:%s\037" "$__mcpssh_t" "$__mcpssh_s" "$PWD"'; ` +
		`export __mcpssh_t PROMPT_COMMAND; `)
	b.WriteString(`elif [ -n "$ZSH_VERSION" ]; then ` +
		`eval 'precmd_functions=(); precmd() { printf "\036%s:%s:%s\037" "$__mcpssh_t" "$?" "$PWD"; }; ` +
		`unsetopt PROMPT_SP PROMPT_CR ZLE; setopt HIST_IGNORE_SPACE INTERACTIVE_COMMENTS; PROMPT_EOL_MARK=""; RPROMPT=""; RPS1=""; PS1=""'; `)
	b.WriteString(`else PS1="$(printf '\036')$__mcpssh_t:\$?:\$PWD$(printf '\037')"; fi; `)
	b.WriteString(`printf '\036%s%s\037' "$__mcpssh_t" ':ready'` + "\n")
	return b.String()
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
