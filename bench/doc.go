// Package bench holds the benchmarks that answer "how fast" with numbers
// anyone can reproduce. It has no code of its own outside tests.
//
// The product is measured whole: the real mcp-ssh-session binary, built
// once per run without the race detector, started as an MCP stdio server
// and driven with mcp-go's client against devices/devicetest's real
// OpenSSH sshd on loopback, its simulated network devices and its real
// FRRouting router. Where a comparison helps (a raw exec channel,
// OpenSSH's ssh through a ControlMaster socket, OpenSSH's sftp, an
// interactive "ssh -tt" to the same router) it runs as a sibling
// sub-benchmark in the same run, so that ratios come from one machine
// state.
//
// Each benchmark records the latency of every operation and reports the
// median and 95th percentile ("p50-ms", "p95-ms") beside Go's mean
// (ns/op), and where it matters the server's resident memory read from
// /proc ("rss-MiB", "peak-rss-MiB"). BENCHMARKS.md lists each figure with
// the command that reproduces it.
//
// TestBenchmarksRun runs every benchmark body a few times and checks that
// each operation produced the right output and every figure is sane; it
// never checks speed. Benchmarks must not run in parallel with each other:
// they share the machine they measure.
package bench
