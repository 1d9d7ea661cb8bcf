package devsim

// The HPE Aruba AOS-CX platform: modes, prompts, errors and the command
// table. Handlers are in aoscx_cmds.go, long outputs in aoscx_output.go.
//
// What sets AOS-CX apart here, from the AOS-CX CLI guide, the published
// drivers and HPE's session captures: an administrator lands at the
// manager prompt "sw1#" with no blank after it, right after "Last login:"
// and a line counting the user's logins in the past 30 days; errors name
// the word and carry neither caret nor "%" ("Invalid input: bogus");
// paging is turned off with "no page"; configuration statements are
// indented by four blanks; show commands run in configuration mode.

var (
	cxExec   = []string{"exec"}
	cxConfig = []string{"config", "config-if"}
	cxAll    = []string{"exec", "config", "config-if"}
	cxIf     = []string{"config-if"}
)

func init() { platforms["aoscx"] = aoscxPlatform() }

func aoscxPlatform() *simPlatform {
	return &simPlatform{
		Name:            "aoscx",
		Profile:         "aruba_aoscx",
		DefaultHostname: "sw1",
		ServerVersion:   "SSH-2.0-OpenSSH_8.0",
		DefaultBanner:   "Campus access switch; sw1# is not a prompt here",
		Setup:           aoscxSetup,
		Login: func(c *simCall) {
			c.Print(c.Options().Banner + "\n\n")
			c.Print("Last login: 2026-12-06 23:00:00 from " + c.RemoteIP() + "\n")
			c.Printf("User %q has logged in 84 times in the past 30 days\n", c.Options().Username)
		},
		InitialMode: "exec",
		ExecMode:    "exec",
		Modes: map[string]*simMode{
			"exec":      {Name: "exec", Prompt: "{host}#", Privilege: 15},
			"config":    {Name: "config", Prompt: "{host}(config)#", Privilege: 15, CtrlZ: true},
			"config-if": {Name: "config-if", Prompt: "{host}(config-if{tag})#", Privilege: 15, CtrlZ: true},
		},
		Commands: aoscxCommands(),
		WordHelp: aoscxWordHelp,
		FoldCase: true,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    {Text: "Invalid input: {word}\n"},
			kindInvalid:    {Text: "Invalid input: {word}\n"},
			kindBadValue:   {Text: "Invalid input: {word}\n"},
			kindIncomplete: {Text: "Command incomplete.\n"},
			kindAmbiguous:  {Text: "Ambiguous command.\n"},
		},
		CtrlZ:      "end",
		HelpNone:   "Invalid input: ?",
		Interrupts: "\x03",
		Pager: simPager{
			DefaultLength: 24,
			Prompt:        "--More--",
			OtherKeysQuit: true,
		},
		Filters: map[string]func(arg string) func(line string) bool{
			"include": includeFilter,
			"exclude": excludeFilter,
			"begin":   beginFilter,
		},
	}
}

func aoscxCommands() []simCommand {
	return []simCommand{
		{Syntax: "exit", Modes: cxExec, Help: "Exit current mode and change to previous mode", Run: endSession},
		{Syntax: "no page", Modes: cxAll, Run: aoscxNoPage},
		{Syntax: "page [<line>]", Modes: cxAll, Run: aoscxPage},
		{Syntax: "terminal width <40-512>", Modes: cxAll, Run: termWidth},
		{Syntax: "show version", Modes: cxAll, Lines: aoscxShowVersion},
		{Syntax: "show clock", Modes: cxAll, Text: "Sun Dec  6 23:12:34 UTC 2026\n"},
		{Syntax: "show hostname", Modes: cxAll, Run: aoscxShowHostname},
		{Syntax: "show interface brief", Modes: cxAll, Lines: aoscxShowIntBrief},
		{Syntax: "show running-config", Modes: cxAll, Lines: aoscxShowRun},
		{Syntax: "show startup-config", Modes: cxAll, Lines: aoscxShowStartup},
		{Syntax: "configure terminal", Modes: cxExec, Help: "Enter configuration mode", Run: aoscxConfigure},
		{Syntax: "write memory", Modes: cxExec, Help: "Write the running configuration to the startup configuration", Run: aoscxSave},
		{Syntax: "hostname <word>", Modes: cxConfig, Run: aoscxHostname},
		{Syntax: "interface <line>", Modes: cxConfig, Run: aoscxInterface},
		{Syntax: "ip route <word> <ip>", Modes: []string{"config"}, Run: storeLine},
		{Syntax: "description <line>", Modes: cxIf, Run: storeLine},
		{Syntax: "ip address <word>", Modes: cxIf, Run: storeLine},
		{Syntax: "mtu <68-9198>", Modes: cxIf, Run: storeLine},
		{Syntax: "shutdown", Modes: cxIf, Run: storeLine},
		{Syntax: "no <line>", Modes: cxConfig, Run: negateLine},
		{Syntax: "exit", Modes: cxConfig, Help: "Exit current mode and change to previous mode", Run: aoscxExitConfig},
		{Syntax: "end", Modes: cxConfig, Help: "End current mode and change to enable mode", Run: aoscxEnd},
	}
}

// aoscxWordHelp explains command words in '?' listings.
var aoscxWordHelp = map[string]string{
	"show": "Show running system information", "page": "Enable paging of output",
	"terminal": "Configure terminal settings", "width": "Terminal width",
	"version": "Show the switch software version", "clock": "Show the system clock",
	"hostname": "Show or set the hostname", "interface": "Interface information", "brief": "Brief summary",
	"running-config": "Current running configuration", "startup-config": "Startup configuration",
	"configure": "Enter configuration mode", "write": "Write the running configuration",
	"memory": "Startup configuration", "ip": "IP configuration", "route": "Static route",
	"address": "Interface IPv4 address", "description": "Interface description", "mtu": "Interface MTU",
	"shutdown": "Disable the interface", "no": "Negate a command or set its defaults",
	"<word>": "Name or prefix", "<ip>": "IPv4 address A.B.C.D", "<line>": "Text to the end of the line",
}
