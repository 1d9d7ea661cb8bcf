package cmdline

import (
	"strings"
	"testing"
)

// TestShellLaunch: which command lines start an interactive POSIX
// shell; anything else is never typed into.
func TestShellLaunch(t *testing.T) {
	yes := []string{"sudo -i", "sudo -s", "sudo su -", "sudo su", "sudo -iu postgres", "sudo -u postgres -i", "sudo -u postgres bash",
		"sudo --login", "su", "su -", "su - postgres", "su -l admin", "bash", "bash -l", "sh", "zsh", "exec zsh", "exec bash --norc --noprofile",
		"/bin/bash", "busybox sh", "exec sh", "sudo bash"}
	no := []string{"sudo -i whoami", "sudo systemctl restart x", "su -c id", "su - postgres -c psql", "bash script.sh", "bash -c 'id'",
		"sh -c id", "ssh router", "python3", "sudo", "exec", "echo bash", "bash; id", "sudo -u", "zsh $(x)", "fish", "vtysh", "sudo -s id"}
	for _, c := range yes {
		if _, ok := ShellLaunch(c); !ok {
			t.Errorf("%q: not recognized as starting a shell", c)
		}
	}
	for _, c := range no {
		if _, ok := ShellLaunch(c); ok {
			t.Errorf("%q: taken for starting an interactive shell", c)
		}
	}
	if l, _ := ShellLaunch("exec zsh"); !l.Replace {
		t.Error("exec zsh does not replace the shell")
	}
	if l, _ := ShellLaunch("su - postgres"); !l.Su {
		t.Error("su - postgres is not su")
	}
}

func TestSudoReadsStdin(t *testing.T) {
	for args, want := range map[string]bool{
		"sudo -S true": true, "sudo -kS true": true, "sudo --stdin id": true, "sudo -u root -S id": true,
		"sudo -u S id": false, "sudo -uS id": false, "sudo id -S": false, "sudo -k true": false, "sudo -- -S": false,
		"sudo --user S id": false, "sudo -p x -S id": true,
	} {
		if got := SudoReadsStdin(strings.Fields(args)); got != want {
			t.Errorf("%q: reads stdin %v, want %v", args, got, want)
		}
	}
}
