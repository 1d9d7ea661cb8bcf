// Package devsim simulates network devices (Cisco IOS, Juniper Junos,
// Arista EOS, Cisco NX-OS, IOS XR and ASA, VyOS, MikroTik RouterOS,
// Huawei VRP, Dell OS10, HPE Aruba AOS-CX; see Platforms) over SSH, for `mcp-ssh-session devsim` and for the tests: a
// CLI with modes, an enable dialogue, a pager, completion on space, `?`
// help, Ctrl+C and Ctrl+Z, configuration that persists across sessions,
// and a reload that drops the connection.
//
// Each platform is a data table (modes, commands, outputs) read by one
// generic interpreter. A Server is safe for concurrent use: the device's
// hostname and configuration are shared by its connections, and each SSH
// session has CLI state of its own. Serve returns once every connection
// it accepted has ended.
//
// It is no device's firmware: only the commands in its tables exist, and
// their output is fixed text shaped like the real platform's. It listens
// on loopback only unless the caller sets Options.AllowRemote.
package devsim
