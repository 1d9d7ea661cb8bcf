// Package devices owns everything between a resolved host and a live
// channel: authenticating, verifying host keys, keeping one connection per
// (user, host, port) alive and healing it, and opening shells, exec
// channels and SFTP on it. It is also where a device profile drives an
// expect.Expecter over a real shell channel, and where commands run, queue
// and are remembered per session.
//
// All exported methods are safe for concurrent use unless their doc says
// otherwise. Every call that may block takes a context and has a deadline;
// no dial holds a lock that other hosts wait on.
//
// It does not decide what a host name means (package hosts does), it does
// not format results for people or agents (package mcp does), and it never
// interrupts a command on its own initiative.
//
// Every command, input and file path is checked against the host's policy
// (package policy) before anything of it reaches the host.
//
// Layout: cmd → mcp → devices → profiles → expect. Below devices, hosts
// resolves names, policy decides what may run and cmdline reads command
// lines (hosts imports policy, policy imports cmdline, and none of them
// anything else of this module), devsim serves simulated devices, and
// devicetest is the test bed that only tests import.
package devices
