// Package devicetest is the test bed: a real OpenSSH sshd started on
// loopback for each test that asks, test accounts with real shells and
// sudo, simulated network devices from devsim started per test with a
// known_hosts file that trusts them, a fault proxy that pauses,
// black-holes, drops and refuses connections, and process-tree kills.
//
// Tests import it; the binary never does. Helpers take testing.TB, clean
// up with t.Cleanup and wait for what they started, so they are safe to
// call from parallel tests. Servers listen on 127.0.0.1 only.
package devicetest
