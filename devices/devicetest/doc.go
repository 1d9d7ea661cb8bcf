// Package devicetest is the test bed: a real OpenSSH sshd started on
// loopback for each test that asks, test accounts with real shells and
// sudo, simulated network devices (Cisco IOS, Juniper Junos) served over
// in-process SSH, and a fault proxy that pauses, black-holes, drops and
// refuses connections.
//
// It serves tests and the devsim command, never production paths. Helpers
// take testing.TB, clean up with t.Cleanup and wait for what they started.
// Servers listen on 127.0.0.1 only unless a caller explicitly allows more.
package devicetest
