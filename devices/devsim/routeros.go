package devsim

// The MikroTik RouterOS platform: menus as modes, prompts, errors and the
// command table. Handlers and outputs are in routeros_cmds.go.
//
// What sets RouterOS apart here, from MikroTik's manual and session
// captures: the prompt shows the menu ("[admin@MikroTik] /ip address> ");
// commands may be typed with their menu path from anywhere ("/ip address
// print") or inside the menu ("print"); ".." goes up and "/" to the top;
// errors name the column ("bad command name frob (line 1 column 1)");
// long output stops at "-- [Q quit|D dump|down]"; console options ride on
// the login name ("admin+ct511w4098h" sets 4098 rows, so nothing pages).

var (
	rosAll  = []string{"root", "ip-address", "interface"}
	rosIP   = []string{"ip-address"}
	rosRoot = []string{"root"}
)

func init() { platforms["routeros"] = routerOSPlatform() }

func routerOSPlatform() *simPlatform {
	bad := simErrorForm{Text: "bad command name {word} (line 1 column {column})\n"}
	syntax := simErrorForm{Text: "syntax error (line 1 column {column})\n"}
	return &simPlatform{
		Name:            "routeros",
		Profile:         "mikrotik_routeros",
		DefaultHostname: "MikroTik",
		ServerVersion:   "SSH-2.0-ROSSSH",
		DefaultBanner:   "lab gateway -- [admin@gw] > style prompts in this note are no prompts",
		Setup:           routerOSSetup,
		Login:           routerOSLogin,
		UserOptions:     true,
		ColourEcho:      true,
		InitialMode:     "root",
		ExecMode:        "root",
		Modes: map[string]*simMode{
			"root":       {Name: "root", Prompt: "[{user}@{host}] > ", Privilege: 15},
			"ip-address": {Name: "ip-address", Prompt: "[{user}@{host}] /ip address> ", Privilege: 15},
			"interface":  {Name: "interface", Prompt: "[{user}@{host}] /interface> ", Privilege: 15},
		},
		Commands: routerOSCommands(),
		WordHelp: routerOSWordHelp,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    bad,
			kindInvalid:    bad,
			kindBadValue:   syntax,
			kindIncomplete: syntax,
			kindAmbiguous:  syntax,
		},
		Interrupts: "\x03",
		HelpNone:   "",
		Pager: simPager{
			DefaultLength: 24,
			Prompt:        "-- [Q quit|D dump|down]",
			EraseWithCR:   true,
			DumpKeys:      "dD",
		},
	}
}

func routerOSCommands() []simCommand {
	return []simCommand{
		{Syntax: "/system resource print", Modes: rosAll, Lines: routerOSResource},
		{Syntax: "/system identity print", Modes: rosAll, Run: routerOSIdentityPrint},
		{Syntax: "/system identity set <word>", Modes: rosAll, Run: routerOSIdentitySet},
		{Syntax: "/system reboot", Modes: rosAll, Run: routerOSReboot},
		{Syntax: "/interface print", Modes: rosAll, Lines: routerOSInterfaces},
		{Syntax: "/ip address print", Modes: rosAll, Lines: routerOSAddresses},
		{Syntax: "/ip address add <word> <word>", Modes: rosAll, Run: routerOSAddressAdd},
		{Syntax: "/export", Modes: rosAll, Lines: routerOSExport},
		{Syntax: "/ip address", Modes: rosAll, Run: setModeRun("ip-address")},
		{Syntax: "/interface", Modes: rosAll, Run: setModeRun("interface")},
		{Syntax: "/", Modes: rosAll, Run: setModeRun("root")},
		{Syntax: "/quit", Modes: rosAll, Run: endSession},
		{Syntax: "quit", Modes: rosRoot, Run: endSession},
		{Syntax: "..", Modes: []string{"ip-address", "interface"}, Run: setModeRun("root")},
		{Syntax: "print", Modes: rosIP, Lines: routerOSAddresses},
		{Syntax: "add <word> <word>", Modes: rosIP, Run: routerOSAddressAdd},
		{Syntax: "print", Modes: []string{"interface"}, Lines: routerOSInterfaces},
	}
}

// routerOSWordHelp explains command words in '?' listings.
var routerOSWordHelp = map[string]string{
	"/system": "System information and utilities", "resource": "System resources", "print": "Print values",
	"identity": "System identity", "set": "Change item properties", "reboot": "Reboot the system",
	"/interface": "Interface configuration", "/ip": "IP options", "address": "Address management",
	"add": "Create a new item", "/export": "Print or save an export script", "..": "Go up one level",
	"<word>": "Value",
}
