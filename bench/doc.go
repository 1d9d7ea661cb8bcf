// Package bench holds the benchmarks that answer "how fast" with numbers
// anyone can reproduce. It has no code of its own outside tests: every
// benchmark builds the real mcp-ssh-session binary, starts it as an MCP
// stdio server, and drives it with mcp-go's client against
// devices/devicetest's real OpenSSH sshd on loopback and its simulated
// network devices. Where a comparison helps (a raw exec channel, OpenSSH's
// ssh through a ControlMaster socket, OpenSSH's sftp) it runs as a sibling
// sub-benchmark in the same run, so ratios come from one machine state.
//
// Each benchmark records the latency of every operation and reports the
// median and 95th percentile ("p50-ms", "p95-ms"), and where it matters
// the server's resident memory read from /proc ("rss-MiB", "peak-rss-MiB").
// BENCHMARKS.md lists each figure with the command that reproduces it.
//
// TestBenchmarksRun runs every benchmark body a few times in short mode
// and checks that it produced correct output and sane counts; it never
// checks speed. Benchmarks are not safe to run in parallel with each
// other: they share the machine they measure.
package bench
