package devsim

import "strings"

// The VyOS platform: operational and configuration modes and the command
// table. Handlers are in vyos_cmds.go, the configuration model in
// vyos_conf.go.
//
// What sets VyOS apart here, from the VyOS documentation and session
// captures: operational mode is a shell with a "user@host:~$ " prompt and
// less as its pager (a colon at the bottom, q to leave); configure puts
// "[edit]" above a "user@host# " prompt; changes apply at commit and
// persist at save; exit refuses while changes are uncommitted ("Cannot
// exit: configuration modified."); errors are indented by two blanks and
// set off by blank lines ("  Invalid command: show [interfacess]").

var (
	vyosOp   = []string{"op"}
	vyosConf = []string{"config"}
)

var vyosBanner = strings.Join([]string{
	"############################################################",
	"# edge routers of the lab -- authorized access only        #",
	"# vyos@edge:~$ below is the router's prompt, not this line #",
	"############################################################",
}, "\n")

func init() { platforms["vyos"] = vyosPlatform() }

func vyosPlatform() *simPlatform {
	return &simPlatform{
		Name:            "vyos",
		Profile:         "vyos",
		DefaultHostname: "vyos",
		ServerVersion:   "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
		DefaultBanner:   vyosBanner,
		Setup:           vyosSetup,
		Login: func(c *simCall) {
			c.Print("Welcome to VyOS!\n\n   . VyOS 1.4.0\n     sagitta\n\n" +
				" * Documentation:  https://docs.vyos.io/en/sagitta\n\n" +
				"VyOS is a free software distribution that includes multiple components,\n" +
				"you can check individual component licenses under /usr/share/doc/*/copyright\n" +
				c.Options().Banner + "\n" +
				"Last login: Sun Dec  6 23:00:00 2026 from " + c.RemoteIP() + "\n")
		},
		InitialMode: "op",
		ExecMode:    "op",
		Modes: map[string]*simMode{
			"op":     {Name: "op", Prompt: "{user}@{host}:~$ ", Privilege: 15},
			"config": {Name: "config", Prompt: "{user}@{host}# ", ShowContext: true, Privilege: 15},
		},
		Commands: vyosCommands(),
		WordHelp: vyosWordHelp,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    {Text: "\n  Invalid command: [{word}]\n\n"},
			kindInvalid:    {Text: "\n  Invalid command: {before}[{word}]\n\n"},
			kindBadValue:   {Text: "\n  Invalid command: {before}[{word}]\n\n"},
			kindIncomplete: {Text: "\n  Incomplete command: {line}\n\n"},
			kindAmbiguous:  {Text: "\n  Ambiguous command: {before}[{word}]\n\n"},
		},
		ContextFormat: "[edit%s]",
		Interrupts:    "\x03",
		HelpHeader:    "Possible completions:",
		HelpNone:      "No valid completions",
		Pager: simPager{
			DefaultLength: 24,
			Prompt:        ":",
			EraseWithCR:   true,
		},
		NoMore: "no-more",
		Filters: map[string]func(arg string) func(line string) bool{
			"match":    includeFilter,
			"no-match": excludeFilter,
		},
	}
}

func vyosCommands() []simCommand {
	return []simCommand{
		{Syntax: "set terminal length <0-10000>", Modes: vyosOp, Run: termLength},
		{Syntax: "set terminal width <0-10000>", Modes: vyosOp, Run: termWidth},
		{Syntax: "show version", Modes: vyosOp, Lines: vyosShowVersion},
		{Syntax: "show configuration", Modes: vyosOp, Lines: vyosShowConfiguration},
		{Syntax: "show configuration commands", Modes: vyosOp, Lines: vyosShowCommands},
		{Syntax: "show interfaces", Modes: vyosOp, Lines: vyosShowInterfaces},
		{Syntax: "configure", Modes: vyosOp, Help: "Enter configuration mode", Run: vyosConfigure},
		{Syntax: "reboot", Modes: vyosOp, Help: "Reboot the system", Run: vyosReboot},
		{Syntax: "exit", Modes: vyosOp, Help: "Log out", Run: endSession},
		{Syntax: "set <line>", Modes: vyosConf, Help: "Set the value of a parameter or create a new element", Run: vyosSet},
		{Syntax: "delete <line>", Modes: vyosConf, Help: "Delete a configuration element", Run: vyosDelete},
		{Syntax: "show [<line>]", Modes: vyosConf, Help: "Show the working configuration", Run: vyosShowWorking},
		{Syntax: "compare", Modes: vyosConf, Help: "Compare the working and active configurations", Run: vyosCompare},
		{Syntax: "commit", Modes: vyosConf, Help: "Commit the current set of changes", Run: vyosCommit},
		{Syntax: "save", Modes: vyosConf, Help: "Save the running configuration to a file", Run: vyosSave},
		{Syntax: "discard", Modes: vyosConf, Help: "Discard uncommitted changes", Run: vyosDiscard},
		{Syntax: "exit", Modes: vyosConf, Help: "Exit from this configuration level", Run: vyosExit},
		{Syntax: "exit discard", Modes: vyosConf, Run: vyosExit},
		{Syntax: "run <line>", Modes: vyosConf, Help: "Run an operational-mode command", Run: vyosRun},
	}
}

// vyosWordHelp explains command words in '?' listings.
var vyosWordHelp = map[string]string{
	"set": "Set system or shell options", "terminal": "Set terminal options",
	"length": "Set terminal to given number of rows (0 disables paging)", "width": "Set terminal to given number of columns",
	"show": "Show system information", "version": "Show system version information",
	"configuration": "Show running configuration", "commands": "Show running configuration as set commands",
	"interfaces": "Show network interface information", "discard": "Discard uncommitted changes",
	"<line>": "Configuration path or command",
}
