// Package hosts turns what an agent names (an ssh_config alias,
// user@host, a hostname or an IP) into a Target the way OpenSSH would:
// through `ssh -G` when the client is installed, or by reading ssh_config
// itself (Include, Match, tokens, ProxyJump chains) when it is not. On top
// of that it layers our config.yaml (profiles, timeouts, secrets by
// reference, command and file policies, read-only mode) and the OVRD_
// environment overrides, and answers why a host
// resolved the way it did: every error names the file, line and setting.
//
// A Resolver is safe for concurrent use; it caches `ssh -G` answers keyed
// by the content of every config file read, and bounds concurrent runs of
// ssh. Resolving reads files and may run ssh or a secret's command, never
// touches the network, and needs no SSH server to be tested.
//
// It does not dial, authenticate or check host keys (package devices does),
// and it never logs a secret: Secrets redacts itself in logs and formats.
package hosts
