package profiles

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// builtin holds the embedded default profiles, one file per profile.
//
//go:embed builtin/*.yaml
var builtin embed.FS

// SourceEmbedded is the Source of the built-in profiles.
const SourceEmbedded = "embedded"

// Set is a collection of profiles by name. It is immutable once made and
// safe for concurrent use; the zero Set holds no profiles.
type Set struct {
	byName map[string]*Profile
	names  []string // sorted
}

// Load returns the embedded profiles overridden and extended by the *.yaml
// and *.yml files in dir: a file whose profile has the name of an embedded
// one replaces it, other names are added. dir "" means no user directory;
// a dir that does not exist is not an error. Problems come back as errors
// (a *LoadError each) and their files are skipped; the others still load.
// Load only reads files; it does not block on anything else.
func Load(dir string) (*Set, []error) {
	s := &Set{byName: make(map[string]*Profile)}
	errs := s.addEmbedded()
	if dir == "" {
		s.sortNames()
		return s, errs
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, &LoadError{File: dir, Msg: "cannot read the profile directory: " + unwrapPath(err),
			Hint: "fix its permissions or point --profiles-dir elsewhere"})
	}
	fromUser := make(map[string]string) // profile name -> file, to catch two files with one name
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		file := filepath.Join(dir, e.Name())
		p, err := LoadFile(file)
		if err != nil {
			errs = append(errs, LoadErrors(err)...)
			continue
		}
		if other, dup := fromUser[p.Name]; dup {
			errs = append(errs, &LoadError{File: file, Field: "name",
				Msg:  fmt.Sprintf("profile %q is also defined in %s; this file is skipped", p.Name, other),
				Hint: "rename one of the profiles or remove one file"})
			continue
		}
		fromUser[p.Name] = file
		s.byName[p.Name] = p
	}
	s.sortNames()
	return s, errs
}

// addEmbedded parses the built-in profiles. They are tested, so an error
// here is a bug in this package; it is returned rather than panicking so a
// broken default never takes the user's profiles down with it.
func (s *Set) addEmbedded() []error {
	files, err := fs.Glob(builtin, "builtin/*.yaml")
	if err != nil {
		return []error{fmt.Errorf("profiles: listing embedded profiles: %w", err)}
	}
	var errs []error
	for _, f := range files {
		data, err := builtin.ReadFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("profiles: reading embedded %s: %w", f, err))
			continue
		}
		p, err := Parse(f, data)
		if err != nil {
			errs = append(errs, LoadErrors(err)...)
			continue
		}
		p.Source = SourceEmbedded
		s.byName[p.Name] = p
	}
	return errs
}

func (s *Set) sortNames() {
	s.names = make([]string, 0, len(s.byName))
	for n := range s.byName {
		s.names = append(s.names, n)
	}
	sort.Strings(s.names)
}

// LoadFile reads and checks one profile file; the profile's Source is the
// path. On failure the error joins one *LoadError per problem (see
// LoadErrors).
func LoadFile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &LoadError{File: path, Msg: "cannot read the file: " + unwrapPath(err), Hint: "check the path and its permissions"}
	}
	return Parse(path, data)
}

// unwrapPath drops the path an *fs.PathError repeats, since LoadError
// already names the file.
func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Profile returns the profile with the given name. The profile is shared:
// treat it as read-only.
func (s *Set) Profile(name string) (*Profile, bool) {
	if s == nil {
		return nil, false
	}
	p, ok := s.byName[name]
	return p, ok
}

// Names returns the profile names in sorted order, as a new slice.
func (s *Set) Names() []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s.names...)
}

// DefaultDir returns the directory user profiles are read from:
// $XDG_CONFIG_HOME/mcp-ssh-session/profiles when XDG_CONFIG_HOME is an
// absolute path, else ~/.config/mcp-ssh-session/profiles; "" when neither
// is known (then only the embedded profiles exist).
func DefaultDir() string {
	base := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil || home == "" {
			return ""
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "mcp-ssh-session", "profiles")
}
