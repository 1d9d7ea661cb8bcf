package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

func init() {
	subcommands["profiles"] = subcommand{summary: "list, show and validate device profiles", run: runProfiles}
}

const profilesUsage = `Usage:
  mcp-ssh-session profiles [--profiles-dir DIR] list           name, source and description of every profile
  mcp-ssh-session profiles [--profiles-dir DIR] show NAME      print a profile's YAML as loaded
  mcp-ssh-session profiles validate FILE...                    check profile files; exit 1 on any problem

User profiles in DIR (*.yaml, *.yml) replace embedded ones of the same name
and add new ones. "show" of an embedded profile is a good starting point
for a new one. See profiles/README.md for the schema.

Flags:
`

func runProfiles(_ context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("profiles", flag.ContinueOnError)
	fs.SetOutput(s.err)
	dir := fs.String("profiles-dir", profiles.DefaultDir(), "directory of user profiles")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), profilesUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	action := fs.Arg(0)
	// Flags may also follow the action: "profiles list --profiles-dir x".
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return flagExit(err)
	}
	rest := fs.Args()
	switch action {
	case "list":
		return profilesList(*dir, rest, s)
	case "show":
		return profilesShow(*dir, rest, s)
	case "validate":
		return profilesValidate(rest, s)
	}
	fmt.Fprintf(s.err, "mcp-ssh-session profiles: unknown action %q (use list, show or validate)\n", action)
	return 2
}

func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// loadProfiles loads the set and reports skipped user files as warnings:
// the rest of the profiles are still usable.
func loadProfiles(dir string, w io.Writer) *profiles.Set {
	set, errs := profiles.Load(dir)
	for _, err := range errs {
		fmt.Fprintf(w, "warning: skipped: %v\n", err)
	}
	if len(errs) > 0 {
		fmt.Fprintf(w, "warning: run \"mcp-ssh-session profiles validate FILE\" on a skipped file for details\n")
	}
	return set
}

func profilesList(dir string, rest []string, s stdio) int {
	if len(rest) > 0 {
		fmt.Fprintf(s.err, "mcp-ssh-session profiles list: unexpected argument %q\n", rest[0])
		return 2
	}
	set := loadProfiles(dir, s.err)
	sims := map[string]string{} // profile -> devsim platform
	for _, pl := range devsim.Platforms() {
		sims[devsim.ProfileFor(pl)] = pl
	}
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDETECTION\tTRANSACTIONS\tSIMULATOR\tSOURCE\tDESCRIPTION")
	for _, name := range set.Names() {
		p, _ := set.Profile(name)
		detect := "no"
		if len(p.LoginPatterns) > 0 {
			detect = "yes"
		}
		tx := "no"
		switch {
		case p.Config != nil && p.Config.Unsupported != "":
			tx = "no (unsupported)"
		case p.Config != nil:
			tx = "yes"
		}
		sim := cmp.Or(sims[p.Name], "-")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, detect, tx, sim, p.Source, p.Description)
	}
	tw.Flush()
	return 0
}

func profilesShow(dir string, rest []string, s stdio) int {
	if len(rest) != 1 {
		fmt.Fprintln(s.err, "mcp-ssh-session profiles show: give exactly one profile name (see \"profiles list\")")
		return 2
	}
	set := loadProfiles(dir, s.err)
	p, ok := set.Profile(rest[0])
	if !ok {
		fmt.Fprintf(s.err, "mcp-ssh-session profiles show: no profile %q; known profiles: %s\n", rest[0], strings.Join(set.Names(), ", "))
		return 1
	}
	fmt.Fprintf(s.out, "# %s profile from %s\n", p.Name, p.Source)
	s.out.Write(p.YAML())
	return 0
}

// profilesValidate checks each file on its own, the way Load would read it
// from the profile directory, and prints every problem.
func profilesValidate(files []string, s stdio) int {
	if len(files) == 0 {
		fmt.Fprintln(s.err, "mcp-ssh-session profiles validate: give one or more profile files")
		return 2
	}
	code := 0
	for _, file := range files {
		p, err := profiles.LoadFile(file)
		if err != nil {
			for _, e := range profiles.LoadErrors(err) {
				fmt.Fprintln(s.err, e)
			}
			code = 1
			continue
		}
		samples := 0
		for _, t := range p.Tests {
			samples += len(t.Match) + len(t.NoMatch)
		}
		fmt.Fprintf(s.out, "%s: ok (profile %s, %d modes, %d samples passed)\n", file, p.Name, len(p.Modes), samples)
	}
	return code
}
