package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// topKeys are the keys of a profile document, in the order the README
// explains them.
var topKeys = []string{
	"name", "description", "completion", "term", "width", "settle", "clear_line", "pin_hostname", "host_patterns", "login_patterns",
	"env", "on_open", "modes", "enable_commands", "pagers", "input_prompts", "errors", "read_only", "strip_lines", "hostname_change", "type_ahead",
	"config",
}

var (
	validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)
	envName   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// Parse decodes and checks one profile document. file names the document
// in errors and, without a name: field, gives the profile its name (the
// base name without extension). On failure the error joins one *LoadError
// per problem (see LoadErrors) and the profile is nil.
func Parse(file string, data []byte) (*Profile, error) {
	p, errs := parse(file, data)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

func parse(file string, data []byte) (*Profile, []error) {
	d := &decoder{file: file, broken: make(map[string]bool)}
	root := d.document(data)
	if root == nil {
		return nil, d.errs
	}
	f := d.fields(root, "", topKeys...)
	if f == nil {
		return nil, d.errs
	}
	p := &Profile{Source: file, yaml: append([]byte(nil), data...)}
	d.header(root, f, p, file)
	p.LoginPatterns = d.patternList(f["login_patterns"], "login_patterns", lineAnchored)
	d.modes(f["modes"], p)
	p.OnOpen = d.steps(f["on_open"], "on_open", p)
	p.Pagers = d.pagers(f["pagers"], "pagers")
	p.InputPrompts = d.patternList(f["input_prompts"], "input_prompts", tailAnchored)
	p.Errors = d.patternList(f["errors"], "errors", lineAnchored)
	p.ReadOnly = d.patternList(f["read_only"], "read_only", lineAnchored)
	for i, item := range d.list(f["strip_lines"], "strip_lines") {
		if re := d.singleRegexp(item, index("strip_lines", i)); re != nil {
			p.StripLines = append(p.StripLines, re)
		}
	}
	d.promptOnly(f["type_ahead"], "type_ahead", p)
	p.TypeAhead = d.patternList(f["type_ahead"], "type_ahead", lineAnchored)
	if f["hostname_change"] != nil {
		p.HostnameChange = d.singleRegexp(f["hostname_change"], "hostname_change")
	}
	p.Config = d.config(f["config"], p)
	p.Tests = d.tests
	if len(d.errs) > 0 {
		// Modes are decoded in two passes; report in file order anyway.
		sort.SliceStable(d.errs, func(i, j int) bool { return errLine(d.errs[i]) < errLine(d.errs[j]) })
		return nil, d.errs
	}
	return p, nil
}

func errLine(err error) int {
	if le, ok := err.(*LoadError); ok {
		return le.Line
	}
	return 0
}

// document parses the YAML text and returns its root node, or nil after
// reporting why there is none.
func (d *decoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.fail(nil, "", "the file is empty", "start from one of the embedded profiles (mcp-ssh-session profiles show linux)")
		} else {
			d.syntaxError(err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		d.fail(&extra, "", "more than one YAML document in the file", "keep one profile per file and remove the --- line")
		return nil
	}
	if len(doc.Content) == 0 {
		d.fail(&doc, "", "the file is empty", "")
		return nil
	}
	return resolve(doc.Content[0])
}

// header decodes the scalar fields that describe the profile as a whole.
func (d *decoder) header(root *yaml.Node, f map[string]*yaml.Node, p *Profile, file string) {
	p.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	if s, ok := d.str(f["name"], "name"); ok {
		p.Name = s
	}
	if !validName.MatchString(p.Name) {
		hint := "use letters, digits, _ . and -, starting with a letter or digit"
		if f["name"] == nil {
			hint = "the name comes from the file name; rename the file or add name: (" + hint + ")"
		}
		d.fail(f["name"], "name", fmt.Sprintf("%q is not a valid profile name", p.Name), hint)
	}
	p.Description, _ = d.str(f["description"], "description")
	const completionHint = `write completion: prompt for network devices or completion: marker for POSIX shells`
	if f["completion"] == nil {
		d.fail(root, "completion", "missing", completionHint)
	} else if s, ok := d.str(f["completion"], "completion"); ok {
		if c := Completion(s); c == CompletionMarker || c == CompletionPrompt {
			p.Completion = c
		} else {
			d.fail(f["completion"], "completion", fmt.Sprintf("%q is not a completion strategy", s), completionHint)
		}
	}
	p.Term = DefaultTerm
	if s, ok := d.str(f["term"], "term"); ok {
		p.Term = s
	}
	p.Width = DefaultWidth
	if f["width"] != nil {
		p.Width, _ = d.integer(f["width"], "width", 40, 4096)
	}
	d.settle(f["settle"], p)
	d.clearLine(f["clear_line"], p)
	p.PinHostname = p.Completion == CompletionPrompt
	if f["pin_hostname"] != nil {
		p.PinHostname = d.boolean(f["pin_hostname"], "pin_hostname") && p.PinHostname
	}
	p.HostPatterns = d.texts(f["host_patterns"], "host_patterns")
	for i, pat := range p.HostPatterns {
		if _, err := path.Match(pat, ""); err != nil {
			d.fail(f["host_patterns"].Content[i], index("host_patterns", i), fmt.Sprintf("%q is not a valid glob", pat),
				"use * ? and [...] as in shell file names")
		}
	}
	d.env(f["env"], p)
	d.enableCommands(f["enable_commands"], p)
}

// enableCommands decodes enable_commands: the exact commands a caller may
// choose as {{enable_command}}. Each is one line of printable text.
func (d *decoder) enableCommands(n *yaml.Node, p *Profile) {
	p.EnableCommands = []string{DefaultEnableCommand}
	if n == nil {
		return
	}
	var cmds []string
	for i, item := range d.list(n, "enable_commands") {
		c, ok := d.str(item, index("enable_commands", i))
		if ok && (strings.TrimSpace(c) == "" || strings.ContainsFunc(c, unicode.IsControl)) {
			d.fail(item, index("enable_commands", i), fmt.Sprintf("%q is not a one-line command", c),
				`write each command as the device takes it, for example "enable 15"`)
		}
		cmds = append(cmds, c)
	}
	if len(cmds) > 0 {
		p.EnableCommands = cmds
	}
}

// settle decodes settle: a duration from 0s to MaxSettle, for prompt
// profiles only.
func (d *decoder) settle(n *yaml.Node, p *Profile) {
	if p.Completion == CompletionPrompt {
		p.Settle = DefaultSettle
	}
	if !d.promptOnly(n, "settle", p) {
		return
	}
	s, ok := d.str(n, "settle")
	if !ok {
		return
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 || v > MaxSettle {
		d.fail(n, "settle", fmt.Sprintf("%q is not a duration from 0s to %v", s, MaxSettle), `write a number with a unit, such as "20ms"; 0s accepts a prompt at once`)
		return
	}
	p.Settle = v
}

// promptOnly reports whether key, present as n, may be decoded: it is set
// (n not nil) and the profile is a prompt profile; a marker profile that
// sets it is a load error.
func (d *decoder) promptOnly(n *yaml.Node, key string, p *Profile) bool {
	if n == nil {
		return false
	}
	if p.Completion != CompletionPrompt {
		d.fail(n, key, key+" is only used by prompt profiles (a marker cannot be mistaken)", "remove "+key+": or set completion: prompt")
		return false
	}
	return true
}

// clearLine decodes clear_line: the key that erases a typed line without
// running it, for prompt profiles only.
func (d *decoder) clearLine(n *yaml.Node, p *Profile) {
	if p.Completion == CompletionPrompt {
		p.ClearLine = DefaultClearLine
	}
	if !d.promptOnly(n, "clear_line", p) {
		return
	}
	if s, ok := d.str(n, "clear_line"); ok {
		if strings.Contains(s, "\r") || strings.Contains(s, "\n") {
			d.fail(n, "clear_line", fmt.Sprintf("%q contains a line end, which would run the line", s), `write the key alone, such as "\u0015" (Ctrl+U); "" turns help with ? off`)
			return
		}
		p.ClearLine = s
	}
}

func (d *decoder) env(n *yaml.Node, p *Profile) {
	if n == nil {
		return
	}
	if p.Completion == CompletionPrompt {
		d.fail(n, "env", "env is only used by marker profiles", "remove env: or set completion: marker")
		return
	}
	m := resolve(n)
	if m.Kind != yaml.MappingNode {
		d.fail(m, "env", "expected a mapping, found "+kindName(m), "write NAME: value lines")
		return
	}
	p.Env = make(map[string]string, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		field := join("env", k.Value)
		if !envName.MatchString(k.Value) {
			d.fail(k, field, fmt.Sprintf("%q is not a valid variable name", k.Value), "use letters, digits and _")
			continue
		}
		if _, dup := p.Env[k.Value]; dup {
			d.fail(k, field, "variable given twice", "keep one of them")
			continue
		}
		v := resolve(m.Content[i+1])
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			p.Env[k.Value] = "" // `SYSTEMD_PAGER:` alone means set it empty
			continue
		}
		if s, ok := d.str(v, field); ok {
			p.Env[k.Value] = s
		}
	}
}

// pagers decodes the pager list: a pattern plus the key that advances it.
func (d *decoder) pagers(n *yaml.Node, path string) []Pager {
	var out []Pager
	for i, item := range d.list(n, path) {
		p := index(path, i)
		f := d.fields(item, p, append([]string{"key", "quit"}, patternKeys...)...)
		pat, ok := d.pattern(item, f, p, tailAnchored)
		if !ok {
			continue
		}
		key, _ := d.str(f["key"], join(p, "key"))
		if key == "" {
			d.fail(item, join(p, "key"), "no key given", `add key: " " (the key that shows the next page)`)
			continue
		}
		quit, _ := d.str(f["quit"], join(p, "quit"))
		out = append(out, Pager{Pattern: pat, Key: key, Quit: quit})
	}
	return out
}
