package devicetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// penaltiesKnown caches, per sshd binary, whether it understands
// PerSourcePenalties (OpenSSH 9.8 and later). Those versions slow down a
// source after failed logins, and tests fail logins on purpose.
var penaltiesKnown sync.Map // binary path -> bool

// writeConfig writes sshd_config for the current port and checks it with
// `sshd -t` when it holds something not yet proven on this binary, so that
// a bad ExtraConfig fails with sshd's own words instead of a start that
// times out. The check costs a process start, so known-good configs skip it.
func (s *SSHD) writeConfig(extra string, pam bool) error {
	known, cached := penaltiesKnown.Load(s.bin)
	withPenalties := !cached || known.(bool)
	if err := s.writeConfigFile(extra, pam, withPenalties); err != nil {
		return err
	}
	if cached && strings.TrimSpace(extra) == "" {
		return nil
	}
	out, err := exec.Command(s.bin, "-t", "-f", s.cfgPath).CombinedOutput()
	if err == nil {
		penaltiesKnown.Store(s.bin, withPenalties)
		return nil
	}
	if withPenalties && strings.Contains(string(out), "PerSourcePenalties") {
		penaltiesKnown.Store(s.bin, false)
		return s.writeConfig(extra, pam)
	}
	return fmt.Errorf("sshd rejected the test configuration %s: %v\n%s", s.cfgPath, err, out)
}

func (s *SSHD) writeConfigFile(extra string, pam, withPenalties bool) error {
	options, matches := splitMatch(extra)
	var b strings.Builder
	if options != "" {
		b.WriteString("# Caller's options first: sshd keeps the first value it reads.\n")
		b.WriteString(options + "\n")
	}
	fmt.Fprintf(&b, `ListenAddress 127.0.0.1
Port %d
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
UsePAM %s
PermitRootLogin yes
AllowTcpForwarding yes
Subsystem sftp internal-sftp
MaxStartups 200
MaxSessions 100
ClientAliveInterval 0
LogLevel VERBOSE
`, s.Port, s.HostKeyPath, filepath.Join(s.Dir, "sshd.pid"), filepath.Join(s.Dir, "authorized_keys"), yesNo(pam))
	if withPenalties {
		b.WriteString("PerSourcePenalties no\n")
	}
	if matches != "" {
		b.WriteString(matches + "\n")
	}
	return os.WriteFile(s.cfgPath, []byte(b.String()), 0o600)
}

// splitMatch cuts extra before its first Match line: what follows a Match
// keyword belongs to that block and must come last in the file.
func splitMatch(extra string) (options, matches string) {
	lines := strings.Split(strings.TrimSpace(extra), "\n")
	for i, line := range lines {
		fields := strings.Fields(line)
		if len(fields) > 0 && strings.EqualFold(fields[0], "Match") {
			return strings.Join(lines[:i], "\n"), strings.Join(lines[i:], "\n")
		}
	}
	return strings.TrimSpace(extra), ""
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
