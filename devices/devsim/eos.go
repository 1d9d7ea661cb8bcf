package devsim

import (
	"strings"
)

// The Arista EOS platform: modes, prompts, errors and the command table.
// Handlers are in eos_cmds.go, long outputs in eos_output.go.
//
// What sets EOS apart from IOS here, from Arista's EOS User Manual and
// eAPI error texts: an invalid line is named by the position of the word
// ("% Invalid input (at token 1: 'bogus')", counted from 0) with no caret
// line; terminal settings answer with a sentence ("Pagination disabled.",
// "Width set to 511 columns."); configure prints nothing; interface
// sub-mode prompts name the interface ("(config-if-Et1)"); and show
// commands work in configuration mode without "do".

// Mode groups used by the command table.
var (
	eosExec   = []string{"user", "enable"}
	eosPriv   = []string{"enable"}
	eosConfig = []string{"config", "config-if", "config-s", "config-s-if"}
	eosAll    = []string{"user", "enable", "config", "config-if", "config-s", "config-s-if"}
	eosShow   = []string{"enable", "config", "config-if", "config-s", "config-s-if"}
	eosIf     = []string{"config-if", "config-s-if"}
	eosSess   = []string{"config-s", "config-s-if"} // in a configuration session (eos_session.go)
)

var eosBanner = strings.Join([]string{
	"*************************************************************",
	"* leaf switches of the lab fabric -- authorized use only   *",
	"* 100% of sessions are logged; changes -> ticket # required *",
	"*************************************************************",
}, "\n")

func init() { platforms["eos"] = eosPlatform() }

func eosPlatform() *simPlatform {
	invalid := "% Invalid input (at token {token}: '{word}')\n"
	return &simPlatform{
		Name:            "eos",
		Profile:         "arista_eos",
		DefaultHostname: "leaf1",
		ServerVersion:   "SSH-2.0-OpenSSH_7.8",
		DefaultBanner:   eosBanner,
		Setup:           eosSetup,
		Login: func(c *simCall) {
			c.Print(c.Options().Banner + "\n")
			c.Print("Last login: Sun Dec  6 23:00:00 2026 from " + c.RemoteIP() + "\n")
		},
		InitialMode:    "user",
		EnableSecret:   true,
		PrivilegedMode: "enable",
		ExecMode:       "enable",
		Modes: map[string]*simMode{
			"user":      {Name: "user", Prompt: "{host}>", Privilege: 1},
			"enable":    {Name: "enable", Prompt: "{host}#", Privilege: 15},
			"config":    {Name: "config", Prompt: "{host}(config)#", Privilege: 15, CtrlZ: true},
			"config-if": {Name: "config-if", Prompt: "{host}(config-if-{tag})#", Privilege: 15, CtrlZ: true},
			// In a session the tag carries its name: (config-s-s1),
			// (config-s-s1-if-Et1).
			"config-s":    {Name: "config-s", Prompt: "{host}(config-{tag})#", Privilege: 15, CtrlZ: true},
			"config-s-if": {Name: "config-s-if", Prompt: "{host}(config-{tag})#", Privilege: 15, CtrlZ: true},
		},
		Commands: eosCommands(),
		WordHelp: eosWordHelp,
		FoldCase: true,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    {Text: invalid},
			kindInvalid:    {Text: invalid},
			kindBadValue:   {Text: invalid},
			kindIncomplete: {Text: "% Incomplete command\n"},
			kindAmbiguous:  {Text: "% Ambiguous command\n"},
		},
		CtrlZ:      "end",
		HelpNone:   "% Unrecognized command",
		Interrupts: "\x03",
		Pager: simPager{
			DefaultLength: 24,
			Prompt:        " --More-- ",
			OtherKeysQuit: true,
		},
		NoMore:  "no-more",
		Filters: ciscoFilters(),
	}
}

func eosCommands() []simCommand {
	return append(eosSessionCommands(), []simCommand{
		{Syntax: "enable", Modes: eosExec, Help: "Turn on privileged commands", Run: eosEnable},
		{Syntax: "disable", Modes: eosExec, Help: "Turn off privileged commands", Run: setModeRun("user")},
		{Syntax: "exit", Modes: eosExec, Help: "Leave the CLI", Run: endSession},
		{Syntax: "logout", Modes: eosExec, Help: "Leave the CLI", Run: endSession},
		{Syntax: "terminal length <0-32767>", Modes: eosAll, Run: eosTermLength},
		{Syntax: "terminal width <10-32767>", Modes: eosAll, Run: eosTermWidth},
		{Syntax: "show version", Modes: eosAll, Lines: eosShowVersion},
		{Syntax: "show clock", Modes: eosAll, Text: "Sun Dec  6 23:12:34 2026\nTimezone: UTC\nClock source: local\n"},
		{Syntax: "show hostname", Modes: eosAll, Run: eosShowHostname},
		{Syntax: "show privilege", Modes: eosAll, Run: showPrivilege},
		{Syntax: "show interfaces status", Modes: eosAll, Lines: eosShowIntStatus},
		{Syntax: "show running-config", Modes: eosShow, Lines: eosShowRun},
		{Syntax: "show startup-config", Modes: eosShow, Lines: eosShowStartup},
		{Syntax: "configure", Modes: eosPriv, Help: "Enter configuration mode", Run: eosConfigure},
		{Syntax: "configure terminal", Modes: eosPriv, Run: eosConfigure},
		{Syntax: "copy running-config startup-config", Modes: eosPriv, Run: eosSave},
		{Syntax: "write [memory]", Modes: eosPriv, Help: "Save the configuration", Run: eosSave},
		{Syntax: "reload", Modes: eosPriv, Help: "Restart the switch", Run: eosReload},
		{Syntax: "hostname <word>", Modes: eosConfig, Run: eosHostname},
		{Syntax: "interface <word>", Modes: eosConfig, Run: eosInterface},
		{Syntax: "ip route <word> <ip>", Modes: []string{"config", "config-s"}, Run: storeLine},
		{Syntax: "description <line>", Modes: eosIf, Run: storeLine},
		{Syntax: "ip address <word>", Modes: eosIf, Run: storeLine},
		{Syntax: "mtu <68-9214>", Modes: eosIf, Run: storeLine},
		{Syntax: "shutdown", Modes: eosIf, Run: storeLine},
		{Syntax: "no <line>", Modes: eosConfig, Run: negateLine},
		{Syntax: "exit", Modes: eosConfig, Help: "Leave this mode", Run: eosExitConfig},
		{Syntax: "end", Modes: eosConfig, Help: "Leave configuration mode", Run: eosEnd},
	}...)
}

// eosWordHelp explains command words in '?' listings.
var eosWordHelp = map[string]string{
	"show": "Display details of switch operation", "terminal": "Configure the terminal",
	"length": "Set number of lines on a screen", "width": "Set width of the display terminal",
	"version": "Software and hardware versions", "clock": "System time", "hostname": "System hostname",
	"privilege": "Current privilege level", "interfaces": "Interface state", "status": "Interface line status",
	"running-config": "Operating configuration", "startup-config": "Startup configuration",
	"configure": "Enter configuration mode", "copy": "Copy files", "write": "Save the configuration",
	"interface": "Interface to configure", "ip": "IPv4 settings", "route": "Static route",
	"address": "Interface IPv4 address", "description": "Interface description", "mtu": "IP MTU",
	"no": "Disable a setting", "exit": "Leave this mode", "end": "Leave configuration mode",
	"memory": "Save to flash", "<word>": "Name or address", "<ip>": "IPv4 address A.B.C.D",
	"<line>": "Text to the end of the line",
}
