package cmdline

import (
	"path"
	"regexp"
	"strings"
)

// Launch is what a command line that starts an interactive shell does.
type Launch struct {
	Replace bool // exec: the new shell replaces the current one
	Su      bool // su asks for the target user's password
}

// posixShells are the shells a nested session is prepared for, by the
// name they are started with.
var posixShells = map[string]bool{"bash": true, "sh": true, "zsh": true, "dash": true, "ash": true, "ksh": true, "mksh": true}

// launchWord is a word of a command line that starts a shell: nothing a
// shell would expand, redirect or chain.
var launchWord = regexp.MustCompile(`^[A-Za-z0-9_./=@%+:,-]+$`)

// ShellLaunch recognizes a command line that starts an interactive
// POSIX shell and does nothing else: `[exec] SHELL [flags]`, `sudo
// [options] -i|-s`, `sudo [options] SHELL|su ...`, `su [-|-l] [user]`.
// A shell given a script or -c is no interactive shell.
func ShellLaunch(cmd string) (Launch, bool) {
	words := strings.Fields(cmd)
	for _, w := range words {
		if !launchWord.MatchString(w) {
			return Launch{}, false
		}
	}
	var l Launch
	if len(words) > 0 && words[0] == "exec" {
		l.Replace, words = true, words[1:]
	}
	if len(words) == 0 {
		return l, false
	}
	switch path.Base(words[0]) {
	case "sudo":
		return l, sudoLaunch(words[1:])
	case "su":
		l.Su = true
		return l, suLaunch(words[1:])
	}
	return l, shellOnly(words)
}

// shellOnly: SHELL followed by flags that keep it interactive.
func shellOnly(words []string) bool {
	if len(words) == 0 {
		return false
	}
	name := path.Base(words[0])
	if name == "busybox" && len(words) > 1 {
		name, words = words[1], words[1:]
	}
	if !posixShells[name] {
		return false
	}
	for _, w := range words[1:] {
		switch w {
		case "-l", "--login", "-i", "--norc", "--noprofile", "-f", "-d", "--posix", "-il", "-li":
		default:
			return false
		}
	}
	return true
}

// sudoLaunch: sudo's options, then nothing (with -i or -s), a shell, or su.
func sudoLaunch(words []string) bool {
	shell := false
	for len(words) > 0 && strings.HasPrefix(words[0], "-") {
		w := words[0]
		words = words[1:]
		switch {
		case w == "--login" || w == "--shell":
			shell = true
		case strings.HasPrefix(w, "--user=") || w == "-H" || w == "-E" || w == "-n":
		case w == "-u" || w == "--user":
			if len(words) == 0 {
				return false
			}
			words = words[1:]
		case !strings.HasPrefix(w, "--"):
			sh, more, ok := sudoCluster(w[1:], words)
			if !ok {
				return false
			}
			shell, words = shell || sh, more
		default:
			return false
		}
	}
	switch {
	case len(words) == 0:
		return shell
	case path.Base(words[0]) == "su":
		return !shell && suLaunch(words[1:])
	}
	return !shell && shellOnly(words)
}

// sudoCluster reads a cluster of sudo's one-letter options (such as "iu"),
// where a u ends the cluster and takes the rest, or the next word, as the
// user. It returns the words left and whether a shell was asked for.
func sudoCluster(flags string, words []string) (shell bool, rest []string, ok bool) {
	for i := 0; i < len(flags); i++ {
		switch flags[i] {
		case 'i', 's':
			shell = true
		case 'H', 'E', 'n':
		case 'u':
			if i < len(flags)-1 {
				return shell, words, true // -uUSER
			}
			if len(words) == 0 {
				return false, nil, false
			}
			return shell, words[1:], true
		default:
			return false, nil, false
		}
	}
	return shell, words, true
}

// suLaunch: su's login flag and at most one user.
func suLaunch(words []string) bool {
	users := 0
	for _, w := range words {
		switch {
		case w == "-" || w == "-l" || w == "--login" || w == "-p" || w == "-m":
		case strings.HasPrefix(w, "-"):
			return false
		default:
			users++
		}
	}
	return users <= 1
}

// sudoArgTaking are sudo's one-letter options that take an argument.
const sudoArgTaking = "CDghpRrTtUu"

// SudoReadsStdin reports whether sudo's argument list (args[0] is sudo)
// asks it to read the password from standard input.
func SudoReadsStdin(args []string) bool {
	for i := 1; i < len(args); i++ {
		w := args[i]
		switch {
		case w == "--":
			return false
		case w == "--stdin":
			return true
		case strings.HasPrefix(w, "--"):
			if !strings.Contains(w, "=") && (w == "--user" || w == "--group" || w == "--prompt" || w == "--host" || w == "--chdir" || w == "--chroot" || w == "--close-from" || w == "--role" || w == "--type" || w == "--command-timeout" || w == "--other-user") {
				i++
			}
		case strings.HasPrefix(w, "-") && len(w) > 1:
			for j := 1; j < len(w); j++ {
				if w[j] == 'S' {
					return true
				}
				if strings.IndexByte(sudoArgTaking, w[j]) >= 0 {
					if j == len(w)-1 {
						i++ // the argument is the next word
					}
					break // the rest of the word is the argument
				}
			}
		default:
			return false // the command sudo runs
		}
	}
	return false
}
