// Package cmdline reads what a command line asks for from its text alone:
// the simple commands it runs (SplitPOSIX, SplitLines), whether it starts
// an interactive POSIX shell (sudo -i, su -, bash, exec zsh) and whether a
// sudo in it reads its password from standard input. The session layer
// uses the answers to decide what it may type into the terminal
// afterwards, and package policy to check each command a line runs.
//
// Its functions are pure and safe for concurrent use. It does not run or
// expand shell syntax: SplitPOSIX follows quoting, operators and
// substitutions only as far as needed to find command boundaries, and says
// when a line hides commands from it; a line with quoting, expansion or
// operators is never taken for a shell launch.
package cmdline
