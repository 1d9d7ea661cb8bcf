// Package audit writes and verifies a tamper-evident log of what an MCP
// client asked the server to do: one JSON object per line (JSON Lines),
// each chained to the line before it by SHA-256.
//
// Every line holds prev, the hex SHA-256 of the previous line's bytes
// (64 zeros for a file's first line), and ends with hash, the hex SHA-256
// of the line as it reads without its hash field. Changing, deleting,
// inserting or reordering lines, or cutting one short, breaks either a
// hash or the run of sequence numbers, and Verify names the first line
// that does not fit. The chain has no key: whoever can write the file can
// rewrite it from the edited line on, and removing whole lines from the
// end leaves a valid shorter log. Keeping a copy of the last hash
// elsewhere closes both gaps; this package does not.
//
// A Log is safe for concurrent use: writes are serialized (across
// processes too, by an exclusive flock, so that two servers may share one
// file), each record is synced to disk before Write returns, and after a failed write every
// later one fails with the same error (the chain must not continue past a
// line that may be half written). The package knows nothing of MCP or of
// secrets: callers decide what goes into a Record, and must keep secrets
// out of it.
package audit
