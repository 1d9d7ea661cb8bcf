package profiles

import (
	"strings"
	"testing"
)

// Load runs once per process start; PromptFor once per login and per
// hostname change; Detect once per new host.
func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		if _, errs := Load(""); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkPromptFor(b *testing.B) {
	m := mustMode(b, mustProfile(b, loadDefaults(b), "cisco_ios"), "configuration")
	for b.Loop() {
		if _, err := m.PromptFor("very-long-hostname-router-01"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDetect(b *testing.B) {
	s := loadDefaults(b)
	login := strings.Repeat("Authorized access only. All activity is logged. ###\n", 40) + "--- JUNOS 21.4R3.15 built 2023-02-01\nadmin@r1> "
	for b.Loop() {
		if s.Detect("r1", "127.0.0.1", login) != "junos" {
			b.Fatal("not junos")
		}
	}
}

// The pinned privileged prompt against a 4 KiB window, the size the
// expecter matches on.
func BenchmarkPinnedPromptTail(b *testing.B) {
	m := mustMode(b, mustProfile(b, loadDefaults(b), "cisco_ios"), "privileged")
	pat, err := m.PromptFor("R1")
	if err != nil {
		b.Fatal(err)
	}
	window := strings.Repeat("interface GigabitEthernet0/1\n description uplink\n", 100)[:4090] + "\nR1#"
	for b.Loop() {
		if !pat.Regexp.MatchString(window) {
			b.Fatal("no match")
		}
	}
}
