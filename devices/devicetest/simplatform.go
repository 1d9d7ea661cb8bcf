package devicetest

import (
	"iter"
	"strings"
	"time"
)

// Platform is the data that makes the generic interpreter behave like one
// kind of network device: its modes and prompts, its command table, its
// error texts and its pager. Adding a platform means writing one of these.
type Platform struct {
	Name            string // "ios", "junos"
	DefaultHostname string // used when DeviceOptions.Hostname is zero
	ServerVersion   string // SSH identification string the device sends
	DefaultBanner   string // MOTD used when DeviceOptions.Banner is zero

	// Setup fills a new device's initial configuration; nil leaves it
	// empty.
	Setup func(d *simDevice)
	// Login writes what the device prints between the start of a shell
	// and its first prompt (banners, version lines).
	Login func(c *Call)

	InitialMode string           // mode a shell starts in
	ExecMode    string           // mode exec requests run in
	Modes       map[string]*Mode // by Mode.Name
	Commands    []Command

	// FoldCase makes command words match regardless of case (IOS).
	FoldCase bool
	// Errors are the texts for command-line errors; a Mode may override.
	Errors map[ErrKind]ErrorForm
	// BlankBeforePrompt prints an empty line between a command's output
	// and the next prompt (Junos).
	BlankBeforePrompt bool
	// EchoPad is echoed after the typed line when Enter is pressed (Junos
	// pads the echo with a space).
	EchoPad string
	// ContextFormat renders the edit path shown on the line above the
	// prompt in modes with ShowContext: "[edit%s]" gets " a b" or "".
	ContextFormat string
	// RELine is printed first above every prompt when the device has two
	// routing engines (DeviceOptions.DualRE).
	RELine string
	// CtrlZ is the command line Ctrl+Z stands for in modes that accept it
	// ("end" on IOS); zero ignores Ctrl+Z.
	CtrlZ string
	// Interrupts are the bytes that stop a long-running command.
	Interrupts string
	// CompleteOnSpace makes a space after an unambiguous abbreviation
	// complete the word on screen, until the session turns it off.
	CompleteOnSpace bool

	Pager Pager
	// NoMore is the pipe word that disables the pager for one command.
	NoMore string
	// Filters are pipe words that keep some lines of output ("include").
	Filters map[string]func(line, arg string) bool

	// ReplyDelay is how long after a command the async log line prints.
	ReplyDelay time.Duration
}

// Mode is one state of the CLI.
type Mode struct {
	Name string
	// Prompt is the prompt text with {host} and {user} placeholders,
	// for example "{host}(config)#" or "{user}@{host}> ".
	Prompt string
	// ShowContext prints the platform's context line above the prompt.
	ShowContext bool
	// Errors override the platform's error texts in this mode.
	Errors map[ErrKind]ErrorForm
	// CtrlZ reports whether Ctrl+Z means Platform.CtrlZ here.
	CtrlZ bool
	// Privilege is what "show privilege" reports in this mode.
	Privilege int
}

// Pager describes how a platform pauses long output.
type Pager struct {
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
}

// ErrKind names a class of command-line error.
type ErrKind int

const (
	// ErrUnknown: the first word matches no command.
	ErrUnknown ErrKind = iota
	// ErrInvalid: a later word matches nothing.
	ErrInvalid
	// ErrBadValue: a parameter rejected its value.
	ErrBadValue
	// ErrIncomplete: the line ends before a command is complete.
	ErrIncomplete
	// ErrAmbiguous: an abbreviation matches several words.
	ErrAmbiguous
)

// ErrorForm is how one error kind is printed.
type ErrorForm struct {
	// Caret prints a line with '^' under the offending word first.
	Caret bool
	// Text is printed after the caret line (newlines become CRLF).
	// Placeholders: {line} is the typed line up to and including the
	// offending word, {word} the word itself, {choices} the possible
	// completions of an ambiguous word.
	Text string
	// Alone restricts this form to a word typed alone on the line (IOS
	// takes a lone unknown word for a host to connect to); otherwise the
	// ErrInvalid form is used.
	Alone bool
}

// Command is one entry of a platform's command table.
type Command struct {
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
	Lines func(c *Call) Output
	// Run performs effects and dialogues; it may print and page.
	Run func(c *Call) error
}

// Output is paged command output. Total is the number of lines when known
// (for a percentage in the pager), zero when not.
type Output struct {
	Lines iter.Seq[string]
	Total int
}

// SliceOutput pages a slice of lines.
func SliceOutput(lines []string) Output {
	return Output{Lines: func(yield func(string) bool) {
		for _, l := range lines {
			if !yield(l) {
				return
			}
		}
	}, Total: len(lines)}
}

// TextOutput pages a block of text split at newlines; a final newline
// does not add an empty line.
func TextOutput(text string) Output {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return SliceOutput(nil)
	}
	return SliceOutput(strings.Split(text, "\n"))
}

// prompt renders a mode's prompt for a host and user.
func (m *Mode) prompt(host, user string) string {
	return strings.NewReplacer("{host}", host, "{user}", user).Replace(m.Prompt)
}

// errorForm returns how an error kind prints in mode m.
func (p *Platform) errorForm(m *Mode, kind ErrKind, alone bool) ErrorForm {
	f, ok := m.Errors[kind]
	if !ok {
		f = p.Errors[kind]
	}
	if f.Alone && !alone {
		return p.errorForm(m, ErrInvalid, true)
	}
	return f
}
