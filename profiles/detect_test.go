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

// TestDetectLogin: the login text decides; the SSH version only breaks a
// tie, or names a profile whose prompt ends a login nothing else claimed.
func TestDetectLogin(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "zz_lab_cli.yaml", `description: a lab router CLI behind a Debian OpenSSH
completion: prompt
login_patterns:
  - {name: greeting, regex: '^Hello, this is LabOS'}
modes:
  - name: exec
    prompt: {regex: '^(?P<host>[\w.-]+)#\s*$'}
`)
	s, errs := Load(dir)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	const debian = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"
	tests := []struct{ name, version, login, want string }{
		{"greeting behind debian", debian, "Hello, this is LabOS 1.0.\n\nr1# ", "zz_lab_cli"},
		{"bash behind debian", debian, "Linux web1 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC\nalice@web1:~$ ", "linux"},
		{"version and a shell prompt", debian, "$ ", "linux"},
		{"version alone decides nothing", debian, "", ""},
		{"version and no prompt", debian, "Welcome\nplease wait", ""},
		{"cisco version and prompt", "SSH-2.0-Cisco-1.25", "\nbanner\n\nR1>", "cisco_ios"},
		{"cisco version and a pager", "SSH-2.0-Cisco-1.25", "\nbanner line 1\n --More-- ", "cisco_ios"},
		{"a bare prompt is not claimed", "SSH-2.0-OpenSSH_7.5", "R1>", ""},
		{"junos banner", "SSH-2.0-OpenSSH_7.5", "--- JUNOS 21.4R3.15 built 2023-02-01\nadmin@r1> ", "junos"},
	}
	for _, tc := range tests {
		if got := s.DetectLogin(tc.version, tc.login); got != tc.want {
			t.Errorf("%s: DetectLogin(%q, %q) = %q, want %q", tc.name, tc.version, tc.login, got, tc.want)
		}
	}
	var zero *Set
	if got := zero.DetectLogin(debian, "$ "); got != "" {
		t.Errorf("nil Set: %q", got)
	}
}
