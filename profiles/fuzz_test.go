package profiles

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

// FuzzParse feeds arbitrary documents to the loader: it must never panic
// or hang, every failure must be a *LoadError naming the file, and every
// accepted profile must be usable (patterns compiled, prompts pinnable).
// The seeds are whole profiles, so minimizing a new input is slow; run it
// with: go test ./profiles -run '^$' -fuzz FuzzParse -fuzzminimizetime 2s
func FuzzParse(f *testing.F) {
	files, _ := fs.Glob(builtin, "builtin/*.yaml")
	for _, name := range files {
		data, err := builtin.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	if data, err := os.ReadFile("testdata/arista_eos.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(base))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("completion: prompt\nmodes: [{name: a, prompt: {literal: 'a>'}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.yaml", data)
		if err != nil {
			for _, e := range LoadErrors(err) {
				var le *LoadError
				if !errors.As(e, &le) || le.File != "fuzz.yaml" || le.Msg == "" {
					t.Fatalf("error %#v is not a *LoadError for fuzz.yaml", e)
				}
			}
			return
		}
		if p.Name == "" || (p.Completion != CompletionMarker && p.Completion != CompletionPrompt) {
			t.Fatalf("accepted profile with name %q completion %q", p.Name, p.Completion)
		}
		for _, m := range p.Modes {
			if m.Prompt.Regexp == nil {
				t.Fatalf("mode %q has no prompt regexp", m.Name)
			}
			if p.Completion == CompletionPrompt && p.PinHostname {
				if _, err := m.PromptFor("R1.lab"); err != nil {
					t.Fatalf("mode %q: PromptFor: %v", m.Name, err)
				}
			}
			for _, tr := range m.Transitions {
				if _, err := p.Path(m.Name, tr.To); err != nil {
					t.Fatalf("Path(%q, %q): %v", m.Name, tr.To, err)
				}
			}
		}
	})
}
