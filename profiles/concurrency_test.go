package profiles

import (
	"sync"
	"testing"
)

// A Set and its profiles are shared by every session; use them from many
// goroutines at once under the race detector.
func TestSetConcurrentUse(t *testing.T) {
	s := loadDefaults(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				if got := s.Detect("r1", "127.0.0.1", "--- JUNOS 21.4R3.15 built\nadmin@r1> "); got != "junos" {
					t.Errorf("Detect = %q", got)
					return
				}
				ios := mustProfile(t, s, "cisco_ios")
				m := mustMode(t, ios, "privileged")
				pat, err := m.PromptFor("R" + string(rune('0'+i)))
				if err != nil || !pat.Regexp.MatchString("R"+string(rune('0'+i))+"#") {
					t.Errorf("PromptFor: %v", err)
					return
				}
				if _, err := ios.Path("exec", "configuration"); err != nil {
					t.Error(err)
					return
				}
				_ = s.Names()
				_ = j
			}
		}()
	}
	wg.Wait()
}
