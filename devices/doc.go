// Package devices owns everything between a host name and a live channel:
// resolving a host the way OpenSSH does, authenticating, verifying host
// keys, keeping one connection per (user, host, port) alive and healing it,
// and opening shells, exec channels and SFTP on it. It is also where a
// device profile drives an expect.Expecter over a real shell channel.
//
// All exported methods are safe for concurrent use unless their doc says
// otherwise. Every call that may block takes a context and has a deadline;
// no dial holds a lock that other hosts wait on.
//
// It does not format results for people or agents (package mcp does), and
// it never interrupts a command on its own initiative.
package devices
