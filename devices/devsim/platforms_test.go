package devsim

import (
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// Every simulated platform names the built-in profile that drives it, and
// may be asked for by that name too.
func TestPlatformsNameTheirProfiles(t *testing.T) {
	set, errs := profiles.Load(t.TempDir())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, name := range Platforms() {
		prof := ProfileFor(name)
		p, ok := set.Profile(prof)
		if !ok || p.Source != profiles.SourceEmbedded {
			t.Errorf("platform %s: profile %q is not built in", name, prof)
			continue
		}
		srv, err := NewServer(Options{Platform: prof})
		if err != nil || srv.platform.Name != name {
			t.Errorf("NewServer(Platform: %q) = %v, %v; want the %s simulator", prof, srv, err, name)
		}
	}
}
