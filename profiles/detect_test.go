package profiles

import "testing"

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "lab_routers.yaml", `description: lab routers by name
completion: prompt
host_patterns: ["*-rtr-*", "edge?.lab"]
modes:
  - name: exec
    prompt: {regex: '^(?P<host>[\w.-]+)>$'}
`)
	s, errs := Load(dir)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	tests := []struct {
		name, alias, hostname, login, want string
	}{
		{"host pattern on alias", "ber-rtr-01", "127.0.0.2", "", "lab_routers"},
		{"host pattern on hostname", "r1", "edge1.lab", "--- JUNOS 21.4R3.15 built 2023-02-01\nadmin@r1> ", "lab_routers"},
		{"junos banner", "r1", "127.0.0.1", "Last login: Tue Nov 24 05:00:00 2026\n--- JUNOS 21.4R3.15 built 2023-02-01 07:41:33 UTC\nadmin@r1> ", "junos"},
		{"cisco ssh server", "r1", "127.0.0.1", "SSH-2.0-Cisco-1.25\n\nR1>", "cisco_ios"},
		{"debian", "web1", "127.0.0.1", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\nLinux web1 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC\nalice@web1:~$ ", "linux"},
		{"rhel prompt", "db1", "127.0.0.1", "Last login: Tue Nov 24 05:00:00 2026\n[root@db1 ~]# ", "linux"},
		{"motd words are not enough", "x", "127.0.0.1", "Welcome! This lab has JUNOS, Cisco IOS and Linux boxes.\n###### > # ######\nswitch>", ""},
		{"banner quoted mid-line", "x", "127.0.0.1", "Note: --- JUNOS 22.1 arrives next week\nfoo>", ""},
		{"a bare > prompt is not claimed", "x", "127.0.0.1", "R1>", ""},
		{"junos root shell is not linux", "r1", "127.0.0.1", "--- JUNOS 21.4R3.15 built 2023-02-01\nroot@r1:~ # ", "junos"},
		{"nothing", "", "", "", ""},
	}
	for _, tc := range tests {
		if got := s.Detect(tc.alias, tc.hostname, tc.login); got != tc.want {
			t.Errorf("%s: Detect(%q, %q, %q) = %q, want %q", tc.name, tc.alias, tc.hostname, tc.login, got, tc.want)
		}
	}
	var zero *Set
	if got := zero.Detect("a", "b", "--- JUNOS 1"); got != "" {
		t.Errorf("nil Set: %q", got)
	}
}
