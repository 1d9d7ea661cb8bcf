package profiles

import (
	"regexp"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// Completion says how the end of a command is recognized on a platform.
type Completion string

const (
	// CompletionMarker is for POSIX shells: the devices layer prepares the
	// shell so that its prompt carries a random per-session marker with the
	// exit status and working directory, and waits for that marker.
	CompletionMarker Completion = "marker"
	// CompletionPrompt is for network devices: a command is complete when
	// the mode prompt learned at login appears at the tail of the output.
	CompletionPrompt Completion = "prompt"
)

// Defaults applied at load when a profile leaves a field out.
const (
	// DefaultTerm is the TERM of a profile that names none: "dumb" keeps
	// programs from drawing full-screen interfaces and colors.
	DefaultTerm = "dumb"
	// DefaultWidth is the PTY width of a profile that names none: wide
	// enough that long commands and their echo do not wrap.
	DefaultWidth = 511
	// DefaultSettle is how long a prompt profile waits, after text that
	// followed a prompt, for another prompt (see Profile.Settle).
	DefaultSettle = 200 * time.Millisecond
	// DefaultClearLine is the key that erases the line being typed
	// (Ctrl+U), on IOS, Junos, EOS and readline CLIs alike.
	DefaultClearLine = "\x15"
	// MaxSettle bounds the settle a profile may ask for.
	MaxSettle = 5 * time.Second
	// DefaultEnableCommand is what {{enable_command}} stands for when the
	// caller configured no other command.
	DefaultEnableCommand = "enable"
)

// Secret reference names that steps may use as {{name}}. The expecter fills
// them at send time from the secrets the caller gave; a profile never holds
// a secret value.
const (
	SecretEnable        = "enable_secret"
	SecretEnableCommand = "enable_command"
	SecretSudoPassword  = "sudo_password"
)

// Profile describes one platform: how it prompts, pages, escalates, reports
// errors and is prepared at session open. Profiles returned by Load, Parse
// and LoadFile are shared and must be treated as read-only; every Pattern in
// them has Regexp set (literals from YAML are quoted into regexps).
type Profile struct {
	// Config is how the platform changes its configuration as a
	// transaction; nil when the profile says nothing about it.
	Config *Config
	// Name identifies the profile (for example "cisco_ios"); never empty.
	Name        string
	Description string
	// Source is "embedded" for the built-in profiles, else the file path.
	Source string

	// HostPatterns are path.Match globs tried against the alias and the
	// hostname of a target; nil means none.
	HostPatterns []string
	// LoginPatterns are line-anchored regexps that identify the platform in
	// the login text (banner and first prompt); nil means none.
	LoginPatterns []expect.Pattern

	// Completion is never empty in a loaded profile.
	Completion Completion
	// Term is the TERM of the PTY; zero means DefaultTerm. Loaded profiles
	// always have it set.
	Term string
	// Width is the PTY width in columns; zero means DefaultWidth. Loaded
	// profiles always have it set.
	Width int
	// Settle is how long a command waits, in one rare case, for the stream
	// to tell whether a prompt was real. A prompt after output is
	// confirmed by typing an empty line, which the device answers with a
	// prompt once the command ended; no wait is on that path. Only when
	// text followed the prompt and the answer came after that text (a log
	// message, or a line that looked like a prompt and was output) does
	// the command wait up to Settle for another prompt: none means the
	// text was the session's own. Loaded prompt profiles have
	// DefaultSettle unless they name another; marker profiles have zero.
	Settle time.Duration
	// PinHostname says the mode prompts capture the host name in a
	// (?P<host>...) group, which is pinned to the name learned at login so
	// that another device's prompt in the output never ends a command.
	// False (pin_hostname: false) is for CLIs that do not show one name
	// consistently (vtysh after "hostname"): any prompt of a mode then
	// ends a command once confirmed. Loaded prompt profiles default to
	// true; marker profiles have false.
	PinHostname bool
	// ClearLine is the key that erases a typed line without running it.
	// A command ending in "?" (CLI help) is typed without a newline and
	// this key clears the line after the help was printed; "" sends such
	// a command like any other. Loaded prompt profiles have
	// DefaultClearLine unless they name another.
	ClearLine string
	// Env holds variables a marker profile exports when the shell opens
	// (pagers off and the like); nil means none. Prompt profiles have none.
	Env map[string]string
	// OnOpen are steps run once the first prompt is seen (pager off,
	// terminal width); nil means none.
	OnOpen []expect.Step

	// Modes are the nodes of the mode graph. The first is where a login
	// lands unless the prompt says otherwise. Prompt profiles have at least
	// one; marker profiles may have a fallback shell mode.
	Modes []Mode

	// EnableCommands are the commands a caller may choose for
	// {{enable_command}}, exactly as written; the enable secret answers
	// whatever the command prompts, so no other text is ever sent in
	// its place. Loaded profiles have at least DefaultEnableCommand.
	EnableCommands []string

	// Pagers are tail-anchored "more" prompts and the key that advances
	// them.
	Pagers []Pager
	// InputPrompts are tail-anchored patterns that mean a program waits
	// for the user (confirmations, passwords).
	InputPrompts []expect.Pattern
	// Errors are line-anchored patterns; an output line matching one means
	// the command failed. nil means only the exit status decides.
	Errors []expect.Pattern
	// TypeAhead are line-anchored patterns for command lines that never
	// ask anything (show commands): the empty line that confirms the
	// prompt after their output is typed with the command, saving a round
	// trip. A line that may ask a question must not match: the empty line
	// would answer it. nil means the empty line is typed only once a
	// prompt shows.
	TypeAhead []expect.Pattern
	// ReadOnly are line-anchored patterns for the commands that only read
	// (show, ping; cat, df): in read-only mode a command runs only when
	// each of its segments matches one from its first character. nil
	// means none, so read-only mode refuses every command.
	ReadOnly []expect.Pattern
	// StripLines match single lines removed from the end of a command's
	// output (context banners such as Junos "[edit]"); each is applied to
	// one line without its newline.
	StripLines []*regexp.Regexp
	// HostnameChange matches commands after which the hostname, and so the
	// learned prompt, may have changed; nil means it never changes.
	HostnameChange *regexp.Regexp

	// Tests are the pattern samples the profile carries, all of which
	// passed at load.
	Tests []PatternTest

	yaml []byte // the document as read, for display
}

// Mode is one node of a profile's mode graph.
type Mode struct {
	// Name identifies the mode within its profile ("exec", "privileged",
	// "configuration", "shell" ...).
	Name string
	// Prompt is tail-anchored. In prompt profiles it has a capture group
	// named "host" (see PromptFor).
	Prompt expect.Pattern
	// MinHostLength, when not zero, is the shortest the device may cut a
	// long hostname to in this prompt (IOS shortens it in configuration
	// prompts); PromptFor then accepts such prefixes. Zero means the
	// prompt always shows the whole hostname.
	MinHostLength int
	// Privileged marks modes that count as privileged, to be restored after
	// a reconnect.
	Privileged bool
	// Transitions are the edges that leave this mode.
	Transitions []Transition
}

// Transition is an edge of the mode graph: the dialogue that moves from its
// mode to another.
type Transition struct {
	// To is the name of the target mode; it exists in the profile.
	To string
	// Steps may name {{enable_secret}}, {{enable_command}} and
	// {{sudo_password}}; no other references pass the load checks.
	Steps []expect.Step
}

// Pager is a "more" prompt and the key that advances it.
type Pager struct {
	Pattern expect.Pattern // tail-anchored
	Key     string         // sent as is, without a newline (for example " ")
	// Quit leaves the pager without showing more (for example "q"). It is
	// sent instead of Key once the command was interrupted, so that the
	// rest is not paged through; "" means Key is sent then too.
	Quit string
}

// PatternTest holds the samples one pattern was checked against at load.
type PatternTest struct {
	Field   string // the YAML field path, for example "modes[1].prompt"
	Match   []string
	NoMatch []string
}

// Mode returns the mode with the given name.
func (p *Profile) Mode(name string) (Mode, bool) {
	for _, m := range p.Modes {
		if m.Name == name {
			return m, true
		}
	}
	return Mode{}, false
}

// YAML returns the document the profile was loaded from, as it was read.
// The returned slice is a copy.
func (p *Profile) YAML() []byte {
	return append([]byte(nil), p.yaml...)
}
