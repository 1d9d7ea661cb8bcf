package devsim

// The Huawei VRP platform: views, prompts, errors and the command table.
// Handlers are in vrp_cmds.go, long outputs in vrp_output.go.
//
// What sets VRP apart here, from Huawei's VRP configuration guides and
// published session captures: the user view is <host> and the system view
// [host], a sub-view names what it edits ([host-GigabitEthernet0/0/1]);
// nothing separates a prompt from the typed command; a VTY login prints
// how many VTY users there are; errors come under a caret line as
// "Error: ... found at '^' position." (the ambiguous one without a blank
// after the colon); system-view announces itself, quit goes up one
// view, return and Ctrl+Z back to the user view; undo negates; display
// commands work in every view; the pager is "  ---- More ----".

var (
	vrpUser   = []string{"user"}
	vrpSystem = []string{"system", "system-if"}
	vrpAll    = []string{"user", "system", "system-if"}
	vrpIf     = []string{"system-if"}
)

// vrpLoginInfo is what a VTY login prints above the first prompt.
const vrpLoginInfo = `Info: The max number of VTY users is 5, the number of current VTY users online is 1, and total number of terminal users online is 1.
      The current login time is 2026-12-06 23:12:34.`

func init() { platforms["vrp"] = vrpPlatform() }

func vrpPlatform() *simPlatform {
	at := func(what string) simErrorForm {
		return simErrorForm{Caret: true, Text: "Error:" + what + " found at '^' position.\n"}
	}
	return &simPlatform{
		Name:            "vrp",
		Profile:         "huawei_vrp",
		DefaultHostname: "HUAWEI",
		ServerVersion:   "SSH-2.0-HUAWEI-1.5",
		DefaultBanner:   "Lab access switch <core-sw> -- 100% of sessions are logged",
		Setup:           vrpSetup,
		Login: func(c *simCall) {
			c.Print(c.Options().Banner + "\n\n" + vrpLoginInfo + "\n")
		},
		InitialMode: "user",
		ExecMode:    "user",
		Modes: map[string]*simMode{
			"user":      {Name: "user", Prompt: "<{host}>", Privilege: 15},
			"system":    {Name: "system", Prompt: "[{host}]", Privilege: 15, CtrlZ: true},
			"system-if": {Name: "system-if", Prompt: "[{host}-{tag}]", Privilege: 15, CtrlZ: true},
		},
		Commands: vrpCommands(),
		WordHelp: vrpWordHelp,
		FoldCase: true,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    at(" Unrecognized command"),
			kindInvalid:    at(" Unrecognized command"),
			kindBadValue:   at(" Wrong parameter"),
			kindIncomplete: at(" Incomplete command"),
			kindAmbiguous:  at("Ambiguous command"),
		},
		CtrlZ:      "return",
		HelpNone:   "<cr>",
		Interrupts: "\x03",
		Pager: simPager{
			DefaultLength: 24,
			Prompt:        "  ---- More ----",
			OtherKeysQuit: true,
		},
		NoMore: "no-more",
		Filters: map[string]func(arg string) func(line string) bool{
			"include": includeFilter,
			"exclude": excludeFilter,
			"begin":   beginFilter,
		},
	}
}

func vrpCommands() []simCommand {
	return []simCommand{
		{Syntax: "quit", Modes: vrpUser, Help: "Exit from current mode and enter prior mode", Run: endSession},
		{Syntax: "screen-length <0-512> temporary", Modes: vrpUser, Run: vrpScreenLength},
		{Syntax: "screen-width <80-512> temporary", Modes: vrpUser, Run: vrpScreenWidth},
		{Syntax: "display version", Modes: vrpAll, Lines: vrpDisplayVersion},
		{Syntax: "display clock", Modes: vrpAll, Text: "2026-12-06 23:12:34\nSunday\nTime Zone(Default Zone Name) : UTC+00:00\n"},
		{Syntax: "display interface brief", Modes: vrpAll, Lines: vrpDisplayIntBrief},
		{Syntax: "display current-configuration", Modes: vrpAll, Lines: vrpDisplayCurrent},
		{Syntax: "display saved-configuration", Modes: vrpAll, Lines: vrpDisplaySaved},
		{Syntax: "save", Modes: vrpUser, Help: "Save the current configuration", Run: vrpSave},
		{Syntax: "system-view", Modes: vrpUser, Help: "Enter the system view", Run: vrpSystemView},
		{Syntax: "sysname <word>", Modes: vrpSystem, Run: vrpSysname},
		{Syntax: "interface <line>", Modes: vrpSystem, Run: vrpInterface},
		{Syntax: "ip route-static <ip> <ip> <ip>", Modes: []string{"system"}, Run: storeLine},
		{Syntax: "description <line>", Modes: vrpIf, Run: storeLine},
		{Syntax: "ip address <ip> <word>", Modes: vrpIf, Run: storeLine},
		{Syntax: "mtu <46-9600>", Modes: vrpIf, Run: storeLine},
		{Syntax: "shutdown", Modes: vrpIf, Run: storeLine},
		{Syntax: "undo <line>", Modes: vrpSystem, Run: vrpUndo},
		{Syntax: "quit", Modes: vrpSystem, Help: "Exit from current view and enter prior view", Run: vrpQuit},
		{Syntax: "return", Modes: vrpSystem, Help: "Enter the user view", Run: vrpReturn},
	}
}

// vrpWordHelp explains command words in '?' listings.
var vrpWordHelp = map[string]string{
	"display": "Display information", "screen-length": "Set the number of lines on a screen",
	"screen-width": "Set the width of the screen", "temporary": "Only for the current terminal",
	"version": "Display the version", "clock": "Display the clock", "interface": "Interface information",
	"brief": "Brief information", "current-configuration": "Current configuration",
	"saved-configuration": "The configuration saved for the next startup", "save": "Save the current configuration",
	"system-view": "Enter the system view", "sysname": "Set the host name", "ip": "IP configuration",
	"route-static": "Static route", "address": "Interface IP address", "description": "Interface description",
	"mtu": "Maximum transmission unit", "shutdown": "Shut down the interface", "undo": "Negate a command",
	"<word>": "Name or mask", "<ip>": "IPv4 address X.X.X.X", "<line>": "Text to the end of the line",
}
