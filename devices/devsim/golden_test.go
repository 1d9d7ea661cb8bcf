package devsim

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// goldenScripts are sessions whose every byte is fixed: each step waits
// for what ends its output (usually the prompt) before the next is sent,
// so the transcript does not depend on timing.
var goldenScripts = map[string][][2]string{
	"ios": {
		{"", "R1>"},
		{"show privilege\r", "R1>"},
		{"enable\r", "Password: "},
		{"wrong\r", "Password: "},
		{"enablepw\r", "R1#"},
		{"terminal length 0\r", "R1#"},
		{"show version\r", "R1#"},
		{"show ip interface brief\r", "R1#"},
		{"show foo\r", "R1#"},
		{"show\r", "R1#"},
		{"s\r", "R1#"},
		{"configure terminal\r", "R1(config)#"},
		{"interface Gi0/2\r", "R1(config-if)#"},
		{"description lab link\r", "R1(config-if)#"},
		{"ip address 10.9.9.1 255.255.255.0\r", "R1(config-if)#"},
		{"no shutdown\r", "R1(config-if)#"},
		{"exit\r", "R1(config)#"},
		{"hostname Lab-R1\r", "Lab-R1(config)#"},
		{"end\r", "(127.0.0.1)\r\nLab-R1#"},
		{"show running-config\r", "\r\nend\r\nLab-R1#"},
		{"write memory\r", "[OK]\r\nLab-R1#"},
		{"exit\r", ""},
	},
	"junos": {
		{"", "admin@vmx1> "},
		{"set cli screen-length 0\r", "admin@vmx1> "},
		{"set cli complete-on-space off\r", "admin@vmx1> "},
		{"show version\r", "admin@vmx1> "},
		{"show interfaces terse\r", "admin@vmx1> "},
		{"show foo\r", "admin@vmx1> "},
		{"show configuration\r", "admin@vmx1> "},
		{"configure\r", "admin@vmx1# "},
		{"edit interfaces ge-0/0/1\r", "admin@vmx1# "},
		{"set description \"to lab\"\r", "admin@vmx1# "},
		{"top\r", "admin@vmx1# "},
		{"set system host-name lab-mx\r", "admin@vmx1# "},
		{"show | compare\r", "admin@vmx1# "},
		{"set protocols bgp group peers neighbor 192.0.2.9\r", "admin@vmx1# "},
		{"commit check\r", "admin@vmx1# "},
		{"set protocols bgp group peers peer-as 65009\r", "admin@vmx1# "},
		{"commit and-quit\r", "admin@lab-mx> "},
		{"show configuration protocols\r", "admin@lab-mx> "},
		{"exit\r", ""},
	},
}

func TestSimGoldenTranscripts(t *testing.T) {
	for platform, script := range goldenScripts {
		t.Run(platform, func(t *testing.T) {
			d := StartDevice(t, Options{Platform: platform})
			term := dialTerm(t, d)
			for _, step := range script {
				if step[0] != "" {
					term.send(step[0])
				}
				if step[1] == "" {
					term.waitEnd()
					continue
				}
				term.expect(step[1])
			}
			got := term.all()
			path := filepath.Join("testdata", platform+".golden")
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("reading golden transcript (run with -update to create it): %v", err)
			}
			if got != string(want) {
				t.Errorf("transcript differs from %s (run with -update if the change is intended):\n%s", path, firstDiff(string(want), got))
			}
		})
	}
}

// firstDiff describes where two transcripts first differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, w, g)
		}
	}
	return "(same lines, different bytes)"
}
