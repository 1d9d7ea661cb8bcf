package profiles

import (
	"testing"
)

func mustMode(t testing.TB, p *Profile, name string) Mode {
	t.Helper()
	m, ok := p.Mode(name)
	if !ok {
		t.Fatalf("%s: no mode %q", p.Name, name)
	}
	return m
}

func TestPromptFor(t *testing.T) {
	s := loadDefaults(t)
	ios, junos := mustProfile(t, s, "cisco_ios"), mustProfile(t, s, "junos")
	tests := []struct {
		profile *Profile
		mode    string
		host    string
		match   []string
		noMatch []string
	}{
		{ios, "privileged", "R1",
			[]string{"R1#", "Building configuration...\n[OK]\nR1#", "R1# "},
			[]string{
				"R2#",        // another device's name
				"R1-backup#", // a longer name that starts the same
				"xR1#",       // and one that ends the same
				"hostname R1\n!\ninterface Loopback0\n description to SW1\n!\nSW1#", // show run trap
				"R1#\nshow clock",
				"R1>",
			}},
		{ios, "exec", "edge.lab/1:2", []string{"edge.lab/1:2>"}, []string{"edgeXlab/1:2>", "edge.lab>"}},
		{ios, "configuration", "R1", []string{"R1(config)#", "R1(config-if)#"}, []string{"R2(config)#", "R1#"}},
		{ios, "configuration", "very-long-hostname-01",
			[]string{"very-long-hostname-01(config)#", "very-long-(config-if)#", "very-long-host(config)#"},
			[]string{"very-long(config)#", "other-long-hostname(config)#", "very-long-hostname-011(config)#"}},
		{junos, "operational", "r1", []string{"admin@r1> ", "{master:0}\nroot@r1>"}, []string{"admin@r2> ", "admin@r1.lab> "}},
		{junos, "configuration", "r1", []string{"[edit]\nadmin@r1# "}, []string{"[edit]\nadmin@r11# "}},
		{junos, "shell", "r1", []string{"root@r1:~ # "}, []string{"root@r2:~ # "}},
	}
	for _, tc := range tests {
		m := mustMode(t, tc.profile, tc.mode)
		pat, err := m.PromptFor(tc.host)
		if err != nil {
			t.Fatalf("%s %s PromptFor(%q): %v", tc.profile.Name, tc.mode, tc.host, err)
		}
		if pat.Name != m.Prompt.Name {
			t.Errorf("name %q, want %q", pat.Name, m.Prompt.Name)
		}
		for _, s := range tc.match {
			g := pat.Regexp.FindStringSubmatch(s)
			if g == nil {
				t.Errorf("%s %s pinned to %q: %q does not match %q", tc.profile.Name, tc.mode, tc.host, pat.Regexp, s)
				continue
			}
			if host := g[pat.Regexp.SubexpIndex("host")]; host == "" || len(host) > len(tc.host) || tc.host[:len(host)] != host {
				t.Errorf("%s %s: host group %q in %q, want (a prefix of) %q", tc.profile.Name, tc.mode, host, s, tc.host)
			}
		}
		for _, s := range tc.noMatch {
			if pat.Regexp.MatchString(s) {
				t.Errorf("%s %s pinned to %q: %q matches %q", tc.profile.Name, tc.mode, tc.host, pat.Regexp, s)
			}
		}
		// The unpinned prompt accepts other hosts: pinning is what rejects them.
		if !m.Prompt.Regexp.MatchString(tc.noMatch[0]) {
			t.Errorf("%s %s: the unpinned prompt rejects %q too; the case proves nothing", tc.profile.Name, tc.mode, tc.noMatch[0])
		}
	}
}

func TestPromptForErrors(t *testing.T) {
	s := loadDefaults(t)
	shell := mustMode(t, mustProfile(t, s, "linux"), "shell")
	if _, err := shell.PromptFor("web1"); err == nil {
		t.Error("PromptFor on a prompt without a host group: no error")
	}
	priv := mustMode(t, mustProfile(t, s, "cisco_ios"), "privileged")
	if _, err := priv.PromptFor(""); err == nil {
		t.Error("PromptFor(\"\"): no error")
	}
	if _, err := (Mode{Name: "zero"}).PromptFor("R1"); err == nil {
		t.Error("PromptFor on a zero Mode: no error")
	}
}

func TestPromptForQuotesHost(t *testing.T) {
	m := mustMode(t, mustProfile(t, loadDefaults(t), "cisco_ios"), "exec")
	pat, err := m.PromptFor("a.b")
	if err != nil {
		t.Fatal(err)
	}
	if pat.Regexp.MatchString("axb>") {
		t.Errorf("%q: the dot in the hostname was not quoted", pat.Regexp)
	}
}
