package hosts

import (
	"slices"
	"strings"
	"testing"
)

func TestOvrdPrefixes(t *testing.T) {
	cases := map[string][]string{
		"web1":         {"OVRD_web1_", "OVRD_WEB1_"},
		"WEB1":         {"OVRD_WEB1_"},
		"core-sw.lab":  {"OVRD_core-sw.lab_", "OVRD_core_sw_lab_", "OVRD_CORE_SW_LAB_"},
		"db_2":         {"OVRD_db_2_", "OVRD_DB_2_"},
		"10.0.0.1":     {"OVRD_10.0.0.1_", "OVRD_10_0_0_1_"},
		"höst":         {"OVRD_höst_", "OVRD_h_st_", "OVRD_H_ST_"},
		"user@example": {"OVRD_user@example_", "OVRD_user_example_", "OVRD_USER_EXAMPLE_"},
	}
	for alias, want := range cases {
		if got := ovrdPrefixes(alias); !slices.Equal(got, want) {
			t.Errorf("ovrdPrefixes(%q) = %q, want %q", alias, got, want)
		}
	}
}

func TestOverrides(t *testing.T) {
	b := newResolveBed(t)
	b.env = map[string]string{
		"OVRD_core-sw.lab_HOST":        "127.0.0.9",
		"OVRD_core_sw_lab_HOST":        "ignored: the spelling as given comes first",
		"OVRD_CORE_SW_LAB_PORT":        " 2022 ",
		"OVRD_core_sw_lab_USER":        "netops",
		"OVRD_CORE_SW_LAB_PASS":        "pw",
		"OVRD_CORE_SW_LAB_KEY":         "~/.ssh/lab_key",
		"OVRD_CORE_SW_LAB_SUDO_PASS":   "sudo",
		"OVRD_CORE_SW_LAB_ENABLE_PASS": "enable",
		"OVRD_core-sw_HOST":            "not this host's variable",
	}
	r := b.resolver(t, "lib")
	o, err := r.overrides("core-sw.lab")
	if err != nil {
		t.Fatal(err)
	}
	want := overrides{Host: "127.0.0.9", Port: 2022, User: "netops", Pass: "pw", Key: "~/.ssh/lab_key", SudoPass: "sudo", EnablePw: "enable"}
	o.names = nil
	if !equalOverrides(o, want) {
		t.Errorf("overrides = %+v, want %+v", o, want)
	}
	tg := resolveOK(t, r, Request{Host: "core-sw.lab"})
	if tg.HostName != "127.0.0.9" || tg.Port != 2022 || tg.User != "netops" || tg.IdentityFiles[0] != b.home+"/.ssh/lab_key" {
		t.Errorf("target = %s@%s:%d keys %q", tg.User, tg.HostName, tg.Port, tg.IdentityFiles)
	}
	if tg.Secrets != (Secrets{Password: "pw", Sudo: "sudo", Enable: "enable"}) {
		t.Errorf("secrets from OVRD_ not applied: %v", tg.Secrets)
	}
	if tg.Sources["HostName"] != "OVRD_core-sw.lab_HOST" || tg.Sources["Port"] != "OVRD_CORE_SW_LAB_PORT" {
		t.Errorf("Sources = %q, want the variable names", tg.Sources)
	}
}

func equalOverrides(a, b overrides) bool {
	return a.Host == b.Host && a.Port == b.Port && a.User == b.User && a.Pass == b.Pass &&
		a.Key == b.Key && a.SudoPass == b.SudoPass && a.EnablePw == b.EnablePw
}

func TestOverridesRefused(t *testing.T) {
	cases := map[string]string{
		"OVRD_web_PORT": "twenty-two",
		"OVRD_WEB_PORT": "0",
		"OVRD_web_HOST": "-oProxyCommand=x",
		"OVRD_web_USER": "two words",
	}
	for name, value := range cases {
		b := newResolveBed(t)
		b.env = map[string]string{name: value, "OVRD_web_PASS": "secret-pw"}
		e := resolveErr(t, b.resolver(t, "lib"), Request{Host: "web"})
		if e.Setting != name || e.Hint == "" {
			t.Errorf("%s=%q: error %q names %q, want the variable and a hint", name, value, e, e.Setting)
		}
		if strings.Contains(e.Error(), "secret-pw") {
			t.Errorf("error %q shows the password", e)
		}
	}
}
