package devsim

// The Cisco NX-OS platform: modes, prompts, errors and the command table.
// Handlers are in nxos_cmds.go, long outputs in nxos_output.go.
//
// What sets NX-OS apart here, from Cisco's NX-OS Fundamentals guide and
// session captures: every prompt ends in "# " with a blank; an SSH login
// lands at the privileged prompt, since a user's role and not enable
// decides what may run; the copyright header is printed at login; errors
// come under a caret line and name it ("% Invalid command at '^'
// marker."); configure terminal says "Enter configuration commands, one
// per line. End with CNTL/Z." with one blank after the period; show
// commands run in configuration mode as they are.

var (
	nxosExec   = []string{"exec"}
	nxosConfig = []string{"config", "config-if"}
	nxosAll    = []string{"exec", "config", "config-if"}
	nxosIf     = []string{"config-if"}
)

// nxosHeader is what NX-OS 9.x prints at login and atop show version.
const nxosHeader = `Cisco Nexus Operating System (NX-OS) Software
TAC support: http://www.cisco.com/tac
Copyright (C) 2002-2023, Cisco and/or its affiliates.
All rights reserved.
The copyrights to certain works contained in this software are
owned by other third parties and used and distributed under their own
licenses, such as open source. This simulated switch is a test double
and carries none of them.`

func init() { platforms["nxos"] = nxosPlatform() }

func nxosPlatform() *simPlatform {
	return &simPlatform{
		Name:            "nxos",
		Profile:         "cisco_nxos",
		DefaultHostname: "nx1",
		ServerVersion:   "SSH-2.0-OpenSSH_8.3",
		DefaultBanner:   "Lab Nexus switch -- changes need a ticket # and 100% review",
		Setup:           nxosSetup,
		Login: func(c *simCall) {
			c.Print(c.Options().Banner + "\n" + nxosHeader + "\n")
		},
		InitialMode: "exec",
		ExecMode:    "exec",
		Modes: map[string]*simMode{
			"exec":      {Name: "exec", Prompt: "{host}# ", Privilege: 15},
			"config":    {Name: "config", Prompt: "{host}(config)# ", Privilege: 15, CtrlZ: true},
			"config-if": {Name: "config-if", Prompt: "{host}(config-if)# ", Privilege: 15, CtrlZ: true},
		},
		Commands: nxosCommands(),
		WordHelp: nxosWordHelp,
		FoldCase: true,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    {Caret: true, Text: "% Invalid command at '^' marker.\n"},
			kindInvalid:    {Caret: true, Text: "% Invalid command at '^' marker.\n"},
			kindBadValue:   {Caret: true, Text: "% Invalid parameter detected at '^' marker.\n"},
			kindIncomplete: {Caret: true, Text: "% Incomplete command at '^' marker.\n"},
			kindAmbiguous:  {Caret: true, Text: "% Ambiguous command at '^' marker.\n"},
		},
		CtrlZ:      "end",
		HelpNone:   "% Invalid command at '^' marker.",
		Interrupts: "\x03",
		Pager: simPager{
			DefaultLength: 31,
			Prompt:        "--More--",
			OtherKeysQuit: true,
		},
		NoMore:  "no-more",
		Filters: ciscoFilters(),
	}
}

func nxosCommands() []simCommand {
	return []simCommand{
		{Syntax: "exit", Modes: nxosExec, Help: "Exit from the EXEC", Run: endSession},
		{Syntax: "terminal length <0-511>", Modes: nxosAll, Run: termLength},
		{Syntax: "terminal width <24-511>", Modes: nxosAll, Run: termWidth},
		{Syntax: "show version", Modes: nxosAll, Lines: nxosShowVersion},
		{Syntax: "show clock", Modes: nxosAll, Text: "23:12:34.567 UTC Sun Dec 06 2026\nTime source is NTP\n"},
		{Syntax: "show hostname", Modes: nxosAll, Run: nxosShowHostname},
		{Syntax: "show interface brief", Modes: nxosAll, Lines: nxosShowIntBrief},
		{Syntax: "show running-config", Modes: nxosAll, Lines: nxosShowRun},
		{Syntax: "show startup-config", Modes: nxosAll, Lines: nxosShowStartup},
		{Syntax: "configure", Modes: nxosExec, Help: "Enter configuration mode", Run: nxosConfigure},
		{Syntax: "configure terminal", Modes: nxosExec, Run: nxosConfigure},
		{Syntax: "copy running-config startup-config", Modes: nxosExec, Run: nxosCopyRunStart},
		{Syntax: "reload", Modes: nxosExec, Help: "Reboot the entire box", Run: nxosReload},
		{Syntax: "hostname <word>", Modes: nxosConfig, Run: nxosHostname},
		{Syntax: "switchname <word>", Modes: nxosConfig, Run: nxosHostname},
		{Syntax: "interface <word>", Modes: nxosConfig, Run: nxosInterface},
		{Syntax: "ip route <word> <ip>", Modes: []string{"config"}, Run: storeLine},
		{Syntax: "description <line>", Modes: nxosIf, Run: storeLine},
		{Syntax: "ip address <word>", Modes: nxosIf, Run: storeLine},
		{Syntax: "mtu <576-9216>", Modes: nxosIf, Run: storeLine},
		{Syntax: "switchport", Modes: nxosIf, Run: storeLine},
		{Syntax: "shutdown", Modes: nxosIf, Run: storeLine},
		{Syntax: "no <line>", Modes: nxosConfig, Run: negateLine},
		{Syntax: "exit", Modes: nxosConfig, Help: "Exit from command interpreter", Run: nxosExitConfig},
		{Syntax: "end", Modes: nxosConfig, Help: "Go to exec mode", Run: nxosEnd},
	}
}

// nxosWordHelp explains command words in '?' listings.
var nxosWordHelp = map[string]string{
	"show": "Show running system information", "terminal": "Set terminal line parameters",
	"length": "Set number of lines on a screen", "width": "Set width of the display terminal",
	"version": "Show the software version", "clock": "Display current date", "hostname": "Display hostname",
	"interface": "Display interface information", "brief": "Show brief info of interface",
	"running-config": "Current operating configuration", "startup-config": "Contents of startup configuration",
	"configure": "Enter configuration mode", "copy": "Copy from source to destination",
	"switchname": "Configure system's host name", "ip": "Configure IP features", "route": "Static route",
	"address": "IP address on interface", "description": "Enter description of maximum 254 characters",
	"mtu": "Configure mtu for the port", "switchport": "Configure switchport parameters",
	"shutdown": "Enable/disable an interface", "no": "Negate a command or set its defaults",
	"<word>": "Name or address", "<ip>": "IPv4 address A.B.C.D", "<line>": "Text to the end of the line",
}
