package devsim

// The Cisco ASA platform: modes, prompts, errors and the command table.
// Handlers are in asa_cmds.go, long outputs in asa_output.go.
//
// What sets the ASA apart here, from Cisco's ASA configuration guide and
// command reference and published session transcripts: the login ends
// with "Type help or '?' for a list of available commands."; the pager
// is "<--- More --->" and "terminal pager" exists only once privileged;
// every CLI error starts with "ERROR: " ("ERROR: % Invalid input
// detected at '^' marker." under a caret line); a wrong enable secret
// prints "Invalid password" and asks again, three times, then "Access
// denied."; interface statements are indented by one blank, as on IOS.

var (
	asaExec   = []string{"user", "enable"}
	asaPriv   = []string{"enable"}
	asaConfig = []string{"config", "config-if"}
	asaAll    = []string{"user", "enable", "config", "config-if"}
	asaShow   = []string{"enable", "config", "config-if"}
	asaIf     = []string{"config-if"}
)

// asaHelpHint is the last line an SSH login prints before the prompt.
const asaHelpHint = "Type help or '?' for a list of available commands."

func init() { platforms["asa"] = asaPlatform() }

func asaPlatform() *simPlatform {
	invalid := simErrorForm{Caret: true, Text: "ERROR: % Invalid input detected at '^' marker.\n"}
	return &simPlatform{
		Name:            "asa",
		Profile:         "cisco_asa",
		DefaultHostname: "asa1",
		ServerVersion:   "SSH-2.0-Cisco-1.25",
		DefaultBanner:   "Edge firewall -- authorized use only.\nasa0# is the old pair; 100% of sessions are logged.",
		Setup:           asaSetup,
		Login: func(c *simCall) {
			c.Print(c.Options().Banner + "\n" + asaHelpHint + "\n")
		},
		InitialMode:    "user",
		EnableSecret:   true,
		PrivilegedMode: "enable",
		ExecMode:       "enable",
		Modes: map[string]*simMode{
			"user":      {Name: "user", Prompt: "{host}> ", Privilege: 1},
			"enable":    {Name: "enable", Prompt: "{host}# ", Privilege: 15},
			"config":    {Name: "config", Prompt: "{host}(config)# ", Privilege: 15, CtrlZ: true},
			"config-if": {Name: "config-if", Prompt: "{host}(config-if)# ", Privilege: 15, CtrlZ: true},
		},
		Commands: asaCommands(),
		WordHelp: asaWordHelp,
		FoldCase: true,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    invalid,
			kindInvalid:    invalid,
			kindBadValue:   invalid,
			kindIncomplete: {Text: "ERROR: % Incomplete command\n"},
			kindAmbiguous:  {Text: "ERROR: % Ambiguous command\n"},
		},
		CtrlZ:      "end",
		HelpNone:   "ERROR: % Unrecognized command",
		Interrupts: "\x03",
		Pager: simPager{
			DefaultLength: 24,
			Prompt:        "<--- More --->",
			EraseWithCR:   true,
			OtherKeysQuit: true,
		},
		Filters: map[string]func(arg string) func(line string) bool{
			"include": includeFilter,
			"exclude": excludeFilter,
			"begin":   beginFilter,
			"grep":    includeFilter,
		},
	}
}

func asaCommands() []simCommand {
	return []simCommand{
		{Syntax: "enable", Modes: asaExec, Help: "Turn on privileged commands", Run: asaEnable},
		{Syntax: "disable", Modes: asaExec, Help: "Exit from privileged mode", Run: setModeRun("user")},
		{Syntax: "exit", Modes: asaExec, Help: "Exit from the EXEC", Run: endSession},
		{Syntax: "quit", Modes: asaExec, Help: "Exit from the EXEC", Run: endSession},
		{Syntax: "logout", Modes: asaExec, Help: "Exit from the EXEC", Run: endSession},
		{Syntax: "terminal pager <0-2147483647>", Modes: []string{"enable", "config", "config-if"}, Run: termLength},
		{Syntax: "terminal width <40-511>", Modes: asaShow, Run: termWidth},
		{Syntax: "show version", Modes: asaAll, Lines: asaShowVersion},
		{Syntax: "show clock", Modes: asaAll, Text: "23:12:34.567 UTC Sun Dec 6 2026\n"},
		{Syntax: "show hostname", Modes: asaAll, Run: asaShowHostname},
		{Syntax: "show interface ip brief", Modes: asaShow, Lines: asaShowIPBrief},
		{Syntax: "show running-config", Modes: asaShow, Lines: asaShowRun},
		{Syntax: "show startup-config", Modes: asaShow, Lines: asaShowStartup},
		{Syntax: "configure terminal", Modes: asaPriv, Help: "Configure using terminal/console", Run: asaConfigure},
		{Syntax: "write memory", Modes: asaShow, Help: "Write to memory", Run: asaWriteMemory},
		{Syntax: "hostname <word>", Modes: asaConfig, Run: asaHostname},
		{Syntax: "interface <word>", Modes: asaConfig, Run: asaInterface},
		{Syntax: "route <word> <ip> <ip> <ip>", Modes: []string{"config"}, Run: storeLine},
		{Syntax: "nameif <word>", Modes: asaIf, Run: storeLine},
		{Syntax: "security-level <0-100>", Modes: asaIf, Run: storeLine},
		{Syntax: "ip address <ip> <ip>", Modes: asaIf, Run: storeLine},
		{Syntax: "description <line>", Modes: asaIf, Run: storeLine},
		{Syntax: "shutdown", Modes: asaIf, Run: storeLine},
		{Syntax: "no <line>", Modes: asaConfig, Run: negateLine},
		{Syntax: "exit", Modes: asaConfig, Help: "Exit from configure mode", Run: asaExitConfig},
		{Syntax: "end", Modes: asaConfig, Help: "Exit from configure mode", Run: asaEnd},
	}
}

// asaWordHelp explains command words in '?' listings.
var asaWordHelp = map[string]string{
	"show": "Show running system information", "terminal": "Set terminal line parameters",
	"pager": "Control page length for pagination", "width": "Set width for display",
	"version": "Display the system software version", "clock": "Display the system clock",
	"hostname": "Show or set the system hostname", "interface": "Select an interface to configure",
	"ip": "Configure IP address", "brief": "Brief summary", "route": "Configure a static route",
	"running-config": "Show the current operating configuration", "startup-config": "Show the startup configuration",
	"configure": "Configure using various methods", "write": "Write running configuration to memory",
	"memory": "Configuration in flash memory", "nameif": "Assign name to interface",
	"security-level": "Specify this interface's security level", "address": "Configure the IP address",
	"description": "Interface specific description", "shutdown": "Shutdown the selected interface",
	"no": "Negate a command", "<word>": "Name or address", "<ip>": "IPv4 address A.B.C.D",
	"<line>": "Text to the end of the line",
}
