package hosts

import (
	"slices"
	"strings"
	"testing"
)

func TestOpenSSHAlgorithmList(t *testing.T) {
	def := openSSHDefaultAlgorithms["ciphers"]
	cases := []struct {
		value   string
		want    []string
		changed bool
	}{
		{"", nil, false},
		{strings.Join(def, ","), def, false},
		{"+aes128-cbc", append(slices.Clone(def), "aes128-cbc"), true},
		{"+aes128-ctr", def, false}, // already there: nothing changes
		{"^aes256-ctr", append([]string{"aes256-ctr"}, slices.DeleteFunc(slices.Clone(def), func(a string) bool { return a == "aes256-ctr" })...), true},
		{"-aes*-ctr", []string{"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}, true},
		{"aes256-gcm@openssh.com, aes128-ctr", []string{"aes256-gcm@openssh.com", "aes128-ctr"}, true},
	}
	for _, c := range cases {
		got, changed := openSSHAlgorithmList("ciphers", c.value)
		if changed != c.changed || (c.changed && !slices.Equal(got, c.want)) {
			t.Errorf("openSSHAlgorithmList(%q) = %q, %t; want %q, %t", c.value, got, changed, c.want, c.changed)
		}
	}
}

func TestSetAlgorithms(t *testing.T) {
	st := sshSettings{Sources: map[string]string{}}
	if err := st.setAlgorithms("ciphers", []string{"blowfish-cbc", "aes128-cbc", "chacha20-poly1305@openssh.com", "aes128-cbc"}, "src"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"aes128-cbc", "chacha20-poly1305@openssh.com"}; !slices.Equal(st.Ciphers, want) {
		t.Errorf("Ciphers = %q, want %q (insecure but implemented ones kept, unknown dropped, no duplicates)", st.Ciphers, want)
	}
	if src := st.Sources["Ciphers"]; !strings.Contains(src, "dropped") || !strings.Contains(src, "blowfish-cbc") {
		t.Errorf("Sources[Ciphers] = %q, want the dropped blowfish-cbc named", src)
	}
	if err := st.setAlgorithms("macs", []string{"hmac-md5-96", "umac-64@openssh.com"}, "src"); err == nil {
		t.Errorf("a MACs list with nothing x/crypto implements was accepted: %q", st.MACs)
	}
	for _, key := range []string{"kexalgorithms", "hostkeyalgorithms"} {
		if err := st.setAlgorithms(key, openSSHDefaultAlgorithms[key], "src"); err != nil {
			t.Errorf("OpenSSH's default %s share nothing with x/crypto: %v", key, err)
		}
	}
}
