package devsim

// The Dell OS10 platform: modes, prompts, errors and the command table.
// Handlers are in os10_cmds.go, long outputs in os10_output.go.
//
// What sets OS10 apart here, from Dell's OS10 Enterprise user guide and
// the published OS10 drivers: an SSH login lands at the privileged
// "OS10# " (a role, not enable, decides what may run) after a Debian
// message of the day; sub-mode prompts start with "conf-" and name the
// interface ("(conf-if-eth1/1/1)"); the configuration is
// "running-configuration"; errors are one line starting with "% Error:",
// with no caret; show commands run in configuration mode as they are.

var (
	os10Exec   = []string{"exec"}
	os10Config = []string{"config", "conf-if"}
	os10All    = []string{"exec", "config", "conf-if"}
	os10If     = []string{"conf-if"}
)

// os10Motd is what the switch's Debian prints at every login.
const os10Motd = `Linux OS10 4.19.194 #1 SMP Debian 4.19.194-3 x86_64

The programs included with the Debian GNU/Linux system are free software;
the exact distribution terms for each program are described in the
individual files in /usr/share/doc/*/copyright.

Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent
permitted by applicable law.`

func init() { platforms["os10"] = os10Platform() }

func os10Platform() *simPlatform {
	return &simPlatform{
		Name:            "os10",
		Profile:         "dell_os10",
		DefaultHostname: "OS10",
		ServerVersion:   "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7",
		DefaultBanner:   "Lab leaf pair -- OS10# is not a prompt here; 100% of changes need review",
		Setup:           os10Setup,
		Login: func(c *simCall) {
			c.Print(os10Motd + "\n" + c.Options().Banner + "\n")
			c.Print("Last login: Sun Dec  6 23:00:00 2026 from " + c.RemoteIP() + "\n")
		},
		InitialMode: "exec",
		ExecMode:    "exec",
		Modes: map[string]*simMode{
			"exec":    {Name: "exec", Prompt: "{host}# ", Privilege: 15},
			"config":  {Name: "config", Prompt: "{host}(config)# ", Privilege: 15, CtrlZ: true},
			"conf-if": {Name: "conf-if", Prompt: "{host}(conf-if-{tag})# ", Privilege: 15, CtrlZ: true},
		},
		Commands: os10Commands(),
		WordHelp: os10WordHelp,
		FoldCase: true,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    {Text: "% Error: Unrecognized command.\n"},
			kindInvalid:    {Text: "% Error: Unrecognized command.\n"},
			kindBadValue:   {Text: "% Error: Illegal parameter.\n"},
			kindIncomplete: {Text: "% Error: Incomplete command.\n"},
			kindAmbiguous:  {Text: "% Error: Ambiguous command.\n"},
		},
		CtrlZ:      "end",
		HelpNone:   "% Error: Unrecognized command.",
		Interrupts: "\x03",
		Pager: simPager{
			DefaultLength: 24,
			Prompt:        "--more--",
			OtherKeysQuit: true,
		},
		NoMore: "no-more",
		Filters: map[string]func(arg string) func(line string) bool{
			"grep":   includeFilter,
			"except": excludeFilter,
			"find":   beginFilter,
		},
	}
}

func os10Commands() []simCommand {
	return []simCommand{
		{Syntax: "exit", Modes: os10Exec, Help: "Exit from the CLI", Run: endSession},
		{Syntax: "terminal length <0-512>", Modes: os10Exec, Run: termLength},
		{Syntax: "show version", Modes: os10All, Lines: os10ShowVersion},
		{Syntax: "show clock", Modes: os10All, Text: "2026-12-06T23:12:34.56+00:00\n"},
		{Syntax: "show interface status", Modes: os10All, Lines: os10ShowIntStatus},
		{Syntax: "show running-configuration", Modes: os10All, Lines: os10ShowRun},
		{Syntax: "show startup-configuration", Modes: os10All, Lines: os10ShowStartup},
		{Syntax: "configure terminal", Modes: os10Exec, Help: "Enter configuration mode", Run: os10Configure},
		{Syntax: "copy running-configuration startup-configuration", Modes: os10Exec, Run: os10Save},
		{Syntax: "write memory", Modes: os10Exec, Help: "Save the running configuration", Run: os10Save},
		{Syntax: "hostname <word>", Modes: os10Config, Run: os10Hostname},
		{Syntax: "interface <line>", Modes: os10Config, Run: os10Interface},
		{Syntax: "ip route <word> <ip>", Modes: []string{"config"}, Run: storeLine},
		{Syntax: "description <line>", Modes: os10If, Run: storeLine},
		{Syntax: "ip address <word>", Modes: os10If, Run: storeLine},
		{Syntax: "mtu <1280-65535>", Modes: os10If, Run: storeLine},
		{Syntax: "shutdown", Modes: os10If, Run: storeLine},
		{Syntax: "no <line>", Modes: os10Config, Run: negateLine},
		{Syntax: "exit", Modes: os10Config, Help: "Exit from the current mode", Run: os10ExitConfig},
		{Syntax: "end", Modes: os10Config, Help: "Exit to the EXEC mode", Run: os10End},
	}
}

// os10WordHelp explains command words in '?' listings.
var os10WordHelp = map[string]string{
	"show": "Show running system information", "terminal": "Set terminal settings",
	"length": "Set the number of lines on a screen", "version": "Software version",
	"clock": "System clock", "interface": "Interface information", "status": "Interface status",
	"running-configuration": "Current operating configuration",
	"startup-configuration": "Startup configuration", "configure": "Enter configuration mode",
	"copy": "Copy from one file to another", "write": "Save the running configuration",
	"memory": "Startup configuration", "hostname": "Set the system hostname", "ip": "IP settings",
	"route": "Static route", "address": "Interface IP address", "description": "Interface description",
	"mtu": "Interface MTU", "shutdown": "Disable the interface", "no": "Negate a command",
	"<word>": "Name or prefix", "<ip>": "IPv4 address A.B.C.D", "<line>": "Text to the end of the line",
}
