package cmdline

import (
	"slices"
	"strings"
	"testing"
)

func plains(s Split) []string {
	var out []string
	for _, seg := range s.Segments {
		out = append(out, seg.Plain())
	}
	slices.Sort(out)
	return out
}

// TestSplitPOSIX: which commands a line runs, whatever joins them.
func TestSplitPOSIX(t *testing.T) {
	for line, want := range map[string][]string{
		"echo ok; reboot":                    {"echo ok", "reboot"},
		"a && b || c":                        {"a", "b", "c"},
		"a | b |& c":                         {"a", "b", "c"},
		"a & b":                              {"a", "b"},
		"a\nb\n\n":                           {"a", "b"},
		"echo ok\rreboot":                    {"echo ok", "reboot"},
		"ls 2>&1 | grep x":                   {"grep x", "ls 2>&1"},
		"ls &> out":                          {"ls &> out"},
		"echo 'a; reboot'":                   {"echo a; reboot"},
		`echo "a && reboot"`:                 {"echo a && reboot"},
		`echo a\;reboot`:                     {"echo a;reboot"},
		"echo $(reboot)":                     {"echo $(", "reboot"},
		`echo "x $(id; reboot) y"`:           {"echo x $( y", "id", "reboot"},
		"echo `reboot`":                      {"echo `", "reboot"},
		"echo `echo \\`reboot\\``":           {"echo `", "echo `", "reboot"},
		"diff <(ls a) >(tee b)":              {"diff <( >(", "ls a", "tee b"},
		"(cd /tmp; reboot)":                  {"cd /tmp", "reboot"},
		"if true; then reboot; fi":           {"reboot", "true"},
		"{ reboot; }":                        {"reboot"},
		"FOO=1 BAR=2 reboot":                 {"reboot"},
		`"re"boot`:                           {"reboot"},
		"re\\\nboot":                         {"reboot"},
		"while true; do reboot; done":        {"reboot", "true"},
		"echo $((1+2))":                      {"1+2", "echo $("},
		"! reboot":                           {"reboot"},
		"x=$(id)":                            {"id"},
		"echo a;;":                           {"echo a"},
		"sudo systemctl restart nginx && ls": {"ls", "sudo systemctl restart nginx"},
	} {
		s := SplitPOSIX(line)
		if got := plains(s); !slices.Equal(got, want) {
			t.Errorf("SplitPOSIX(%q) = %q, want %q", line, got, want)
		}
		if s.Opaque != "" {
			t.Errorf("SplitPOSIX(%q) is opaque (%s), want it split", line, s.Opaque)
		}
	}
}

func TestSplitPOSIXText(t *testing.T) {
	s := SplitPOSIX(`  show x ;  echo "a b" > f  `)
	if len(s.Segments) != 2 || s.Segments[0].Text != "show x" || s.Segments[1].Text != `echo "a b" > f` {
		t.Fatalf("segments %+v", s.Segments)
	}
	if s.Segments[0].Redirects || !s.Segments[1].Redirects {
		t.Errorf("redirects: %v %v, want false true", s.Segments[0].Redirects, s.Segments[1].Redirects)
	}
	if SplitPOSIX(`echo "a > b"`).Segments[0].Redirects || SplitPOSIX(`echo a\>b`).Segments[0].Redirects {
		t.Error("a quoted or escaped > taken for a redirection")
	}
	if !SplitPOSIX("ls 2>&1").Segments[0].Redirects {
		t.Error("2>&1 not seen as a redirection")
	}
	for _, line := range []string{"echo $(id)", "echo `id`", "cat <(ls)"} {
		s := SplitPOSIX(line)
		if !s.Substitution {
			t.Errorf("%q: no substitution seen", line)
		}
		var inner bool
		for _, seg := range s.Segments {
			inner = inner || seg.Substituted
		}
		if !inner {
			t.Errorf("%q: no segment marked Substituted: %+v", line, s.Segments)
		}
	}
	if SplitPOSIX("echo '$(id)'").Substitution {
		t.Error("a single-quoted $( ) taken for a substitution")
	}
}

// TestSplitPOSIXOpaque: lines whose text does not show every command
// they run.
func TestSplitPOSIXOpaque(t *testing.T) {
	for line, why := range map[string]string{
		"echo 'a; reboot":           "single quote",
		`echo "a; reboot`:           "double quote",
		"echo `reboot":              "backquote",
		"echo $(reboot":             "$(",
		"(reboot":                   "(",
		"reboot)":                   "unmatched )",
		"cat <<EOF\nreboot\nEOF":    "here-document",
		"eval \"$x\"":               "eval",
		"sh -c 'reboot'":            "sh -c",
		"sudo bash -lc 'reboot'":    "bash -c",
		"$cmd now":                  "computed",
		"/sbin/reb??t":              "computed",
		"`echo reboot`":             "computed",
		"x=1; ${x:-reboot}":         "computed",
		"echo ok; $(echo reboot) x": "computed",
	} {
		s := SplitPOSIX(line)
		if !strings.Contains(s.Opaque, why) {
			t.Errorf("SplitPOSIX(%q).Opaque = %q, want it to mention %q", line, s.Opaque, why)
		}
	}
	for _, line := range []string{"echo '*'", "ls *.go", "grep -c x f", "bash", "echo eval", `echo "$HOME"`} {
		if s := SplitPOSIX(line); s.Opaque != "" {
			t.Errorf("SplitPOSIX(%q) opaque: %s", line, s.Opaque)
		}
	}
}

func TestSplitLines(t *testing.T) {
	got := SplitLines("show ver\r\n\n  reload  \nconfigure terminal")
	var texts []string
	for _, s := range got {
		texts = append(texts, s.Text)
	}
	if want := []string{"show ver", "reload", "configure terminal"}; !slices.Equal(texts, want) {
		t.Errorf("SplitLines = %q, want %q", texts, want)
	}
}

func FuzzSplitPOSIX(f *testing.F) {
	for _, s := range []string{"echo ok; reboot", "a $(b `c` \"$(d)\") <(e)", "'", "\"$(", "((((", "))", "a\\", "x<<", "2>&1 &> &", "$((1+2))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		s := SplitPOSIX(line)
		for _, seg := range s.Segments {
			if seg.Text != strings.TrimSpace(seg.Text) || len(seg.Words) == 0 {
				t.Fatalf("SplitPOSIX(%q): segment %+v", line, seg)
			}
		}
		SplitLines(line)
	})
}
