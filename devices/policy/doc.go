// Package policy decides whether a command line, the input typed into a
// running command, or a file path may reach a host: it checks the text
// against the deny, ask and allow rules of the host's config entry and,
// in read-only mode, against the read-only patterns of the host's device
// profile, and says which rule decided and where that rule was written.
//
// A POSIX command line is checked one simple command at a time (see
// cmdline.SplitPOSIX), a device command one line at a time; the strictest
// decision of all its segments is the line's. An ask decision goes to an
// Approver: a person, never the agent whose call it is.
//
// Its functions are pure and safe for concurrent use; a Policy is not
// modified after it is built. It does not run, type or log anything, and
// it does not parse the config file (package hosts does, into Rules).
package policy
