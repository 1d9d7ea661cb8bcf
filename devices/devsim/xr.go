package devsim

// The Cisco IOS XR platform: modes, prompts, errors and the command
// table. Handlers are in xr_cmds.go, long outputs in xr_output.go.
//
// What sets IOS XR apart here, from Cisco's IOS XR configuration guides:
// the prompt names the node before the host (RP/0/RP0/CPU0:xr1#); an SSH
// login lands at the privileged prompt; show commands print the time
// first; configuration is a candidate of the session that applies at
// commit ("% No configuration changes to commit." when there is none),
// abort throws it away, and end or exit with uncommitted changes asks
// "Uncommitted changes found, commit them before exiting(yes/no/cancel)?
// [cancel]:".

var (
	xrExec   = []string{"exec"}
	xrConfig = []string{"config", "config-if"}
	xrIf     = []string{"config-if"}
)

// xrNode is the node the simulated CLI runs on, shown in every prompt.
const xrNode = "RP/0/RP0/CPU0"

// xrTime is the fixed clock of the simulated router, printed before the
// output of show commands.
const xrTime = "Sun Dec  6 23:12:34.567 UTC"

func init() { platforms["xr"] = xrPlatform() }

func xrPlatform() *simPlatform {
	invalid := simErrorForm{Caret: true, Text: "% Invalid input detected at '^' marker.\n"}
	return &simPlatform{
		Name:            "xr",
		Profile:         "cisco_xr",
		DefaultHostname: "xr1",
		ServerVersion:   "SSH-2.0-Cisco-2.0",
		DefaultBanner:   "Lab PE router -- authorized access only, changes need ticket #",
		Setup:           xrSetup,
		Login: func(c *simCall) {
			c.Print("\n" + c.Options().Banner + "\n\nLast login: Sun Dec  6 23:00:00 2026 from " + c.RemoteIP() + "\n")
		},
		InitialMode: "exec",
		ExecMode:    "exec",
		Modes: map[string]*simMode{
			"exec":      {Name: "exec", Prompt: xrNode + ":{host}#", Privilege: 15},
			"config":    {Name: "config", Prompt: xrNode + ":{host}(config)#", Privilege: 15},
			"config-if": {Name: "config-if", Prompt: xrNode + ":{host}(config-if)#", Privilege: 15},
		},
		Commands: xrCommands(),
		WordHelp: xrWordHelp,
		FoldCase: true,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    invalid,
			kindInvalid:    invalid,
			kindBadValue:   invalid,
			kindIncomplete: {Text: "% Incomplete command.\n"},
			kindAmbiguous:  {Text: "% Ambiguous command:  \"{line}\"\n"},
		},
		HelpNone:   "% Unrecognized command",
		Interrupts: "\x03",
		Pager: simPager{
			DefaultLength: 24,
			Prompt:        " --More-- ",
			OtherKeysQuit: true,
		},
		Filters: ciscoFilters(),
	}
}

func xrCommands() []simCommand {
	return []simCommand{
		{Syntax: "exit", Modes: xrExec, Help: "Exit from the EXEC", Run: endSession},
		{Syntax: "terminal length <0-512>", Modes: xrExec, Run: termLength},
		{Syntax: "terminal width <0-512>", Modes: xrExec, Run: termWidth},
		{Syntax: "show version", Modes: xrExec, Run: xrStamped(xrShowVersion)},
		{Syntax: "show clock", Modes: xrExec, Run: xrStamped(func(*simCall) []string { return []string{"23:12:34.567 UTC Sun Dec 6 2026"} })},
		{Syntax: "show ipv4 interface brief", Modes: xrExec, Run: xrStamped(xrShowIPv4Brief)},
		{Syntax: "show running-config", Modes: []string{"exec", "config", "config-if"}, Run: xrStamped(xrShowRun)},
		{Syntax: "show configuration", Modes: xrConfig, Help: "Show the uncommitted changes", Run: xrStamped(xrShowCandidate)},
		{Syntax: "configure", Modes: xrExec, Help: "Enter configuration mode", Run: xrConfigure},
		{Syntax: "configure terminal", Modes: xrExec, Run: xrConfigure},
		{Syntax: "configure exclusive", Modes: xrExec, Run: xrConfigure},
		{Syntax: "reload", Modes: xrExec, Help: "Reload the router", Run: xrReload},
		{Syntax: "hostname <word>", Modes: []string{"config"}, Run: xrStage},
		{Syntax: "interface <word>", Modes: xrConfig, Run: xrInterface},
		{Syntax: "description <line>", Modes: xrIf, Run: xrStage},
		{Syntax: "ipv4 address <ip> <ip>", Modes: xrIf, Run: xrStage},
		{Syntax: "mtu <64-65535>", Modes: xrIf, Run: xrStage},
		{Syntax: "shutdown", Modes: xrIf, Run: xrStage},
		{Syntax: "no <line>", Modes: xrConfig, Run: xrStage},
		{Syntax: "commit", Modes: xrConfig, Help: "Commit the configuration changes to running", Run: xrCommit},
		{Syntax: "abort", Modes: xrConfig, Help: "Discard the changes and exit", Run: xrAbort},
		{Syntax: "end", Modes: xrConfig, Help: "Exit from configure mode", Run: xrEnd},
		{Syntax: "exit", Modes: xrConfig, Help: "Exit from this submode", Run: xrExitConfig},
		{Syntax: "do <line>", Modes: xrConfig, Help: "Run an exec command", Run: xrDo},
	}
}

// xrWordHelp explains command words in '?' listings.
var xrWordHelp = map[string]string{
	"show": "Show commands", "terminal": "Set terminal line parameters",
	"length": "Set number of lines on a screen", "width": "Set width of the display terminal",
	"version": "Software version", "clock": "Display the system clock", "ipv4": "IPv4 information",
	"interface": "Interface status and configuration", "brief": "Brief summary",
	"running-config": "Current operating configuration", "configuration": "Uncommitted configuration",
	"configure": "Enter configuration mode", "exclusive": "Lock the configuration for this session",
	"address":     "Set the IPv4 address of an interface",
	"description": "Set description for this interface", "mtu": "Set the MTU on an interface",
	"shutdown": "shutdown the given interface", "no": "Negate a command or set its defaults",
	"<word>": "Name or address", "<ip>": "IPv4 address A.B.C.D", "<line>": "Text to the end of the line",
}
