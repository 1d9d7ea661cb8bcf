package hosts

import (
	"strings"
	"testing"
)

// HostKeyAlias reaches the Target, KnownHostsCommand is refused, and
// `UserKnownHostsFile none` leaves no file to record keys in while the
// global files stay apart, with both ssh -G and the library.
func TestResolveHostKeySettings(t *testing.T) {
	b := newResolveBed(t)
	b.write(t, ".ssh/config", "Host aliased\n  HostKeyAlias Lab-Key\n  UserKnownHostsFile none\n  GlobalKnownHostsFile /etc/ssh/g1\n"+
		"Host cmd\n  KnownHostsCommand /bin/echo %H\n")
	for _, backend := range backends {
		r := b.resolver(t, backend)
		tg := resolveOK(t, r, Request{Host: "aliased"})
		if tg.HostKeyAlias != "lab-key" || len(tg.KnownHostsFiles) != 0 || len(tg.GlobalKnownHostsFiles) != 1 || tg.GlobalKnownHostsFiles[0] != "/etc/ssh/g1" {
			t.Errorf("%s: alias %q user files %q global %q; want lab-key (lower case, as ssh has it), none, [/etc/ssh/g1]", backend, tg.HostKeyAlias, tg.KnownHostsFiles, tg.GlobalKnownHostsFiles)
		}
		if e := resolveErr(t, r, Request{Host: "cmd"}); e.Setting != "KnownHostsCommand" || !strings.Contains(e.Hint, "known_hosts") {
			t.Errorf("%s: KnownHostsCommand gave %v, want it refused with a hint", backend, e)
		}
	}
}
