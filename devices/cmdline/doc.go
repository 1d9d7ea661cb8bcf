// Package cmdline reads what a command line asks for from its text alone:
// whether it starts an interactive POSIX shell (sudo -i, su -, bash, exec
// zsh) and whether a sudo in it reads its password from standard input.
// The session layer uses the answers to decide what it may type into the
// terminal afterwards.
//
// Its functions are pure and safe for concurrent use. It does not run,
// parse or expand shell syntax: a line with quoting, expansion or
// operators is never taken for a shell launch.
package cmdline
