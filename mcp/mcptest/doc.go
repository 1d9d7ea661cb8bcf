// Package mcptest is the test bed for the mcp-ssh-session server binary.
// It builds cmd/mcp-ssh-session once per test process, writes an
// ssh_config for the hosts a test names, and starts the binary as an MCP
// stdio server with its own HOME, no SSH agent and a log file, connected
// to mcp-go's client.
//
// The end-to-end tests of package mcp and the benchmarks of package bench
// both drive the server through it, so that what they measure and what
// they check is the same program started the same way. It holds no
// assertions of its own: each caller decides what a result must say.
//
// It is for tests only; no program code imports it. A test package that
// uses it removes the built binaries in its TestMain:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		mcptest.RemoveBinaries()
//		os.Exit(code)
//	}
package mcptest
