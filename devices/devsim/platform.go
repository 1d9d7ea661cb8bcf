package devsim

import (
	"iter"
	"strings"
	"time"
)

// simPlatform is the data that makes the generic interpreter behave like one
// kind of network device: its modes and prompts, its command table, its
// error texts and its pager. Adding a platform means writing one of these.
type simPlatform struct {
	Name string // "ios", "junos"
	// Profile names the built-in profile that drives this platform
	// ("cisco_ios"); Options.Platform may give it instead of Name.
	Profile         string
	DefaultHostname string // used when Options.Hostname is zero
	ServerVersion   string // SSH identification string the device sends
	DefaultBanner   string // MOTD used when Options.Banner is zero

	// Setup fills a new device's initial configuration; nil leaves it
	// empty.
	Setup func(d *simDevice)
	// Login writes what the device prints between the start of a shell
	// and its first prompt (banners, version lines).
	Login func(c *simCall)

	// Logout runs when a shell session ends, however it ends; nil does
	// nothing.
	Logout func(c *simCall)

	InitialMode string // mode a shell starts in
	// UserOptions says the login name may carry console options after a
	// "+" (RouterOS: "admin+ct511w4098h"): a number then a letter, "w"
	// the terminal width, "h" its height, which is the pager's length;
	// "c" turns colours off (ColourEcho); other letters are accepted and
	// ignored. The name before the "+" is the user.
	UserOptions bool
	// EnableSecret says the platform's enable dialogue asks for
	// Options.EnableSecret.
	EnableSecret bool
	// PrivilegedMode is where Options.LoginPrivileged starts.
	PrivilegedMode string
	// RootMode is where the root user starts (the Junos FreeBSD shell).
	RootMode string
	ExecMode string              // mode exec requests run in
	Modes    map[string]*simMode // by Mode.Name
	Commands []simCommand

	// FoldCase makes command words match regardless of case (IOS).
	FoldCase bool
	// Errors are the texts for command-line errors; a Mode may override.
	Errors map[errKind]simErrorForm
	// BlankBeforePrompt prints an empty line between a command's output
	// and the next prompt (Junos).
	BlankBeforePrompt bool
	// EchoPad is echoed after the typed line when Enter is pressed (Junos
	// pads the echo with a space).
	EchoPad string
	// ColourEcho draws the prompt and the typed line again, each word in
	// colour, when Enter is pressed (RouterOS's syntax highlighting),
	// unless the login name's console options include c (UserOptions).
	ColourEcho bool
	// ContextFormat renders the edit path shown on the line above the
	// prompt in modes with ShowContext: "[edit%s]" gets " a b" or "".
	ContextFormat string
	// RELine is printed first above every prompt when the device has two
	// routing engines (Options.DualRE).
	RELine string
	// CtrlZ is the command line Ctrl+Z stands for in modes that accept it
	// ("end" on IOS); zero ignores Ctrl+Z.
	CtrlZ string
	// Interrupts are the bytes that stop a long-running command.
	Interrupts string
	// WordHelp explains the leading words of commands ("show") in the
	// list '?' prints; a command's own Help explains its last word.
	WordHelp map[string]string
	// HelpHeader heads the list '?' prints ("Possible completions:");
	// HelpNone is printed when nothing can follow.
	HelpHeader, HelpNone string
	// CompleteOnSpace makes a space after an unambiguous abbreviation
	// complete the word on screen, until the session turns it off.
	CompleteOnSpace bool

	Pager simPager
	// NoMore is the pipe word that disables the pager for one command.
	NoMore string
	// Filters are pipe words that keep some lines of output ("include"):
	// each makes, from the pipe's argument, a function that reports
	// whether to keep a line (it may keep state, as "begin" does).
	Filters map[string]func(arg string) func(line string) bool
	// PipeWords are the other pipe words, left to command handlers
	// ("compare", "display").
	PipeWords []string

	// LogDelay is how long after leaving configuration mode the device
	// prints its asynchronous log line.
	LogDelay time.Duration
}

// simMode is one state of the CLI.
type simMode struct {
	Name string
	// Prompt is the prompt text with {host} and {user} placeholders,
	// for example "{host}(config)#" or "{user}@{host}> ", and {tag}, the
	// short name of the object a sub-mode edits, which the handler that
	// entered the mode set ("{host}(config-if-{tag})#" shows Et1).
	Prompt string
	// HostMax shortens the hostname in this mode's prompt to at most this
	// many characters (IOS does in configuration modes); zero keeps it.
	HostMax int
	// ShowContext prints the platform's context line above the prompt.
	ShowContext bool
	// Errors override the platform's error texts in this mode.
	Errors map[errKind]simErrorForm
	// CtrlZ reports whether Ctrl+Z means Platform.CtrlZ here.
	CtrlZ bool
	// Privilege is what "show privilege" reports in this mode.
	Privilege int
	// Plain drops the platform's blank line before this mode's prompt
	// and its echo padding: a Unix shell has neither.
	Plain bool
}

// simPager describes how a platform pauses long output.
type simPager struct {
	// DefaultLength is the terminal length a session starts with.
	DefaultLength int
	// Prompt is printed when a page is full; with a %d it shows the
	// percentage of output already shown ("---(more %d%%)---").
	Prompt string
	// PlainPrompt is used when the total is unknown; zero uses Prompt.
	PlainPrompt string
	// EraseWithCR removes the pager prompt with CR, spaces, CR (Junos);
	// otherwise with backspaces, spaces and backspaces (IOS).
	EraseWithCR bool
	// OtherKeysQuit makes keys other than space and Enter quit (IOS);
	// otherwise they are ignored and the pager waits again.
	OtherKeysQuit bool
	// DumpKeys show the rest of the output without stopping again
	// (RouterOS's D); empty has none.
	DumpKeys string
}

// errKind names a class of command-line error.
type errKind int

const (
	// kindUnknown: the first word matches no command.
	kindUnknown errKind = iota
	// kindInvalid: a later word matches nothing.
	kindInvalid
	// kindBadValue: a parameter rejected its value.
	kindBadValue
	// kindIncomplete: the line ends before a command is complete.
	kindIncomplete
	// kindAmbiguous: an abbreviation matches several words.
	kindAmbiguous
)

// simErrorForm is how one error kind is printed.
type simErrorForm struct {
	// Caret prints a line with '^' under the offending word first.
	Caret bool
	// Text is printed after the caret line (newlines become CRLF).
	// Placeholders: {line} is the typed line up to and including the
	// offending word, {word} the word itself, {column} where it starts
	// (counted from 1), {token} its position among the line's words
	// (counted from 0), {before} the words before it, each followed by
	// one blank ("show " in "show foo", "" for a first word), {choices}
	// the possible completions of an ambiguous word.
	Text string
	// Alone restricts this form to a word typed alone on the line (IOS
	// takes a lone unknown word for a host to connect to); otherwise the
	// kindInvalid form is used.
	Alone bool
}

// simCommand is one entry of a platform's command table.
type simCommand struct {
	// Syntax is the full command as words. A word in angle brackets is a
	// parameter: <word> takes one word, <line> the rest of the line,
	// <n-m> a number in that range, <ip> an IPv4 address. A word in
	// square brackets is optional trailing text: "[<line>]".
	Syntax string
	// Modes lists the modes where the command exists.
	Modes []string
	// Help is shown in completion lists.
	Help string
	// Text is static output.
	Text string
	// Lines produces dynamic output, paged like Text.
	Lines func(c *simCall) simOutput
	// Run performs effects and dialogues; it may print and page.
	Run func(c *simCall) error
}

// simOutput is paged command output. Total is the number of lines when known
// (for a percentage in the pager), zero when not.
type simOutput struct {
	Lines iter.Seq[string]
	Total int
}

// sliceOutput pages a slice of lines.
func sliceOutput(lines []string) simOutput {
	return simOutput{Lines: func(yield func(string) bool) {
		for _, l := range lines {
			if !yield(l) {
				return
			}
		}
	}, Total: len(lines)}
}

// textOutput pages a block of text split at newlines; a final newline
// does not add an empty line.
func textOutput(text string) simOutput {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return sliceOutput(nil)
	}
	return sliceOutput(strings.Split(text, "\n"))
}

// prompt renders a mode's prompt for a host, user and sub-mode tag.
func (m *simMode) prompt(host, user, tag string) string {
	if m.HostMax > 0 && len(host) > m.HostMax {
		host = host[:m.HostMax]
	}
	return strings.NewReplacer("{host}", host, "{user}", user, "{tag}", tag).Replace(m.Prompt)
}

// errorForm returns how an error kind prints in mode m.
func (p *simPlatform) errorForm(m *simMode, kind errKind, alone bool) simErrorForm {
	f, ok := m.Errors[kind]
	if !ok {
		f = p.Errors[kind]
	}
	if f.Alone && !alone {
		return p.errorForm(m, kindInvalid, true)
	}
	return f
}
