package devsim

import (
	"strings"
	"time"
)

// The Cisco IOS platform: modes, prompts, errors and the command table.
// Handlers with effects live in simios_cmds.go, long outputs in
// simios_output.go.

// Mode groups used by the command table.
var (
	iosExec   = []string{"user", "enable"}
	iosPriv   = []string{"enable"}
	iosConfig = []string{"config", "config-if", "config-line", "config-router", "config-archive"}
	iosSub    = []string{"config-if", "config-line", "config-router"}
)

const iosInvalid = "% Invalid input detected at '^' marker.\n\n"

// iosLogTime is the fixed clock of the simulated IOS, so transcripts are
// stable.
const iosLogTime = "*Mar  1 00:12:34.567"

var iosBanner = strings.Join([]string{
	"##############################################################",
	"# Lab device managed by netops -- authorized access only     #",
	"# 100% of sessions are logged; misuse -> disciplinary action #",
	"# Router> and Router# prompts below belong to the simulator  #",
	"##############################################################",
}, "\n")

func init() { platforms["ios"] = iosPlatform() }

func iosPlatform() *simPlatform {
	cfgErr := map[errKind]simErrorForm{kindUnknown: {Caret: true, Text: iosInvalid}}
	mode := func(name, prompt string, priv int, errs map[errKind]simErrorForm) *simMode {
		m := &simMode{Name: name, Prompt: prompt, Privilege: priv, Errors: errs, CtrlZ: errs != nil}
		if errs != nil {
			m.HostMax = 20 // configuration prompts show at most 20 characters of the hostname
		}
		return m
	}
	return &simPlatform{
		Name:            "ios",
		Profile:         "cisco_ios",
		DefaultHostname: "R1",
		ServerVersion:   "SSH-2.0-Cisco-1.25",
		DefaultBanner:   iosBanner,
		Setup:           iosSetup,
		Login: func(c *simCall) {
			if !c.Options().PagedBanner {
				c.Print("\n" + c.Options().Banner + "\n\n")
				return
			}
			c.Print("\n")
			c.paged = true
			_ = c.Page(textOutput(c.Options().Banner)) // an interrupted banner just ends
			c.Print("\n")
		},
		InitialMode:    "user",
		EnableSecret:   true,
		PrivilegedMode: "enable",
		ExecMode:       "enable",
		Modes: map[string]*simMode{
			"user":          mode("user", "{host}>", 1, nil),
			"enable":        mode("enable", "{host}#", 15, nil),
			"config":        mode("config", "{host}(config)#", 15, cfgErr),
			"config-if":     mode("config-if", "{host}(config-if)#", 15, cfgErr),
			"config-line":   mode("config-line", "{host}(config-line)#", 15, cfgErr),
			"config-router": mode("config-router", "{host}(config-router)#", 15, cfgErr),
			// the configuration archive (ios_archive.go)
			"config-archive": mode("config-archive", "{host}(config-archive)#", 15, cfgErr),
		},
		Commands: append(iosCommands(), iosTxCommands()...),
		WordHelp: iosWordHelp,
		FoldCase: true,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    {Alone: true, Text: "Translating \"{word}\"\n% Unknown command or computer name, or unable to find computer address\n"},
			kindInvalid:    {Caret: true, Text: iosInvalid},
			kindBadValue:   {Caret: true, Text: iosInvalid},
			kindIncomplete: {Text: "% Incomplete command.\n\n"},
			kindAmbiguous:  {Text: "% Ambiguous command:  \"{line}\"\n"},
		},
		CtrlZ:      "end",
		HelpNone:   "% Unrecognized command",
		Interrupts: "\x03\x1e",
		Pager: simPager{
			DefaultLength: 24,
			Prompt:        " --More-- ",
			OtherKeysQuit: true,
		},
		Filters: map[string]func(arg string) func(line string) bool{
			"include": func(arg string) func(string) bool {
				return func(line string) bool { return strings.Contains(line, arg) }
			},
			"exclude": func(arg string) func(string) bool {
				return func(line string) bool { return !strings.Contains(line, arg) }
			},
			"begin": func(arg string) func(string) bool {
				started := false
				return func(line string) bool {
					started = started || strings.Contains(line, arg)
					return started
				}
			},
		},
		LogDelay: 75 * time.Millisecond,
	}
}

func iosCommands() []simCommand {
	return []simCommand{
		{Syntax: "enable", Modes: iosExec, Help: "Raise to privileged EXEC", Run: iosEnable},
		{Syntax: "disable", Modes: iosExec, Help: "Return to user EXEC", Run: setModeRun("user")},
		{Syntax: "exit", Modes: iosExec, Help: "Log out", Run: endSession},
		{Syntax: "logout", Modes: iosExec, Help: "Log out", Run: endSession},
		{Syntax: "quit", Modes: iosExec, Help: "Log out", Run: endSession},
		{Syntax: "terminal length <0-512>", Modes: iosExec, Run: termLength},
		{Syntax: "terminal width <0-512>", Modes: iosExec, Run: termWidth},
		{Syntax: "terminal monitor", Modes: iosExec, Run: setVarRun("monitor", "on")},
		{Syntax: "terminal no monitor", Modes: iosExec, Run: setVarRun("monitor", "off")},
		{Syntax: "terminal no length", Modes: iosExec, Run: iosTermNoLength},
		{Syntax: "show version", Modes: iosExec, Lines: iosShowVersion},
		{Syntax: "show privilege", Modes: iosExec, Run: showPrivilege},
		{Syntax: "show ip interface brief", Modes: iosExec, Lines: iosShowIPIntBrief},
		{Syntax: "show clock", Modes: iosExec, Text: "*00:12:34.567 UTC Mon Mar 1 1993\n"},
		{Syntax: "show users", Modes: iosExec, Lines: iosShowUsers},
		{Syntax: "show running-config", Modes: iosPriv, Lines: iosShowRun},
		{Syntax: "show startup-config", Modes: iosPriv, Lines: iosShowStartup},
		{Syntax: "show logging", Modes: iosPriv, Lines: iosShowLogging},
		{Syntax: "ping <word>", Modes: iosExec, Help: "Send echo requests", Run: iosPing},
		{Syntax: "ping <word> repeat <1-2147483647>", Modes: iosExec, Run: iosPing},
		{Syntax: "ssh <line>", Modes: iosExec, Help: "Connect to another host with SSH", Text: "% Connection refused by remote host\n"},
		{Syntax: "systat", Modes: iosExec, Help: "Who is logged in", Lines: iosShowUsers},
		{Syntax: "telnet <line>", Modes: iosExec, Help: "Connect to another host with Telnet", Text: "% Connection refused by remote host\n"},
		{Syntax: "configure", Modes: iosPriv, Help: "Enter configuration mode", Run: iosConfigure},
		{Syntax: "configure terminal", Modes: iosPriv, Run: iosConfigure},
		{Syntax: "copy running-config startup-config", Modes: iosPriv, Run: iosCopyRunStart},
		{Syntax: "write [memory]", Modes: iosPriv, Help: "Save the configuration", Run: iosWriteMemory},
		{Syntax: "reload", Modes: iosPriv, Help: "Restart the device", Run: iosReload},
		{Syntax: "hostname <word>", Modes: []string{"config"}, Run: iosHostname},
		{Syntax: "interface <word>", Modes: iosConfig, Run: iosInterface},
		{Syntax: "line vty <0-15> <0-15>", Modes: iosConfig, Run: iosSubMode("config-line", "line vty")},
		{Syntax: "line con 0", Modes: iosConfig, Run: iosSubMode("config-line", "line con 0")},
		{Syntax: "router ospf <1-65535>", Modes: iosConfig, Run: iosSubMode("config-router", "router ospf")},
		{Syntax: "ip route <ip> <ip> <ip>", Modes: []string{"config"}, Run: iosStore},
		{Syntax: "do <line>", Modes: iosConfig, Run: iosDo},
		{Syntax: "no <line>", Modes: iosConfig, Run: iosNo},
		{Syntax: "exit", Modes: iosConfig, Run: iosExitConfig},
		{Syntax: "end", Modes: iosConfig, Run: iosEnd},
		{Syntax: "description <line>", Modes: []string{"config-if"}, Run: iosStore},
		{Syntax: "ip address <ip> <ip>", Modes: []string{"config-if"}, Run: iosStore},
		{Syntax: "shutdown", Modes: []string{"config-if"}, Run: iosStore},
		{Syntax: "duplex <word>", Modes: []string{"config-if"}, Run: iosStore},
		{Syntax: "speed <word>", Modes: []string{"config-if"}, Run: iosStore},
		{Syntax: "login local", Modes: []string{"config-line"}, Run: iosStore},
		{Syntax: "transport input <line>", Modes: []string{"config-line"}, Run: iosStore},
		{Syntax: "exec-timeout <0-35791> <0-2147483>", Modes: []string{"config-line"}, Run: iosStore},
		{Syntax: "network <ip> <ip> area <0-4294967295>", Modes: []string{"config-router"}, Run: iosStore},
		{Syntax: "router-id <ip>", Modes: []string{"config-router"}, Run: iosStore},
	}
}

// iosWordHelp explains command words in '?' listings.
var iosWordHelp = map[string]string{
	"show": "Display device state", "terminal": "Settings of this terminal session",
	"length": "Lines per screen (0 turns paging off)", "width": "Columns of the terminal",
	"monitor": "Log messages to this session", "no": "Undo a setting",
	"version": "Software and hardware summary", "privilege": "Current privilege level",
	"ip": "IPv4 settings and state", "interface": "Interface to configure", "brief": "One line per interface",
	"clock": "Current time", "users": "Who is logged in",
	"running-config": "Configuration in use", "startup-config": "Configuration loaded at boot",
	"logging": "Log buffer contents", "repeat": "How many echo requests to send",
	"hostname": "Name of this device", "line": "Terminal line settings", "vty": "Remote login lines",
	"con": "Console line", "router": "Routing process settings", "ospf": "OSPF routing process",
	"route": "Static route", "address": "Interface IPv4 address", "description": "Free text about the interface",
	"shutdown": "Disable the interface", "duplex": "Duplex mode", "speed": "Link speed",
	"do": "Run an EXEC command", "exit": "Leave this mode", "end": "Leave configuration mode",
	"login": "Login checks", "local": "Check the local user database", "transport": "Line protocols",
	"input": "Protocols accepted on the line", "exec-timeout": "Idle time before logout",
	"network": "Networks to run OSPF on", "area": "OSPF area", "router-id": "OSPF router identifier",
	"memory": "Save to NVRAM", "ping": "Send echo requests", "ssh": "Connect to another host with SSH",
	"telnet": "Connect to another host with Telnet", "configure": "Enter configuration mode",
	"copy": "Copy a configuration", "write": "Save the configuration",
	"<word>": "Name or address", "<ip>": "IPv4 address A.B.C.D", "<line>": "Text to the end of the line",
}

// setModeRun returns a handler that switches to a mode.
func setModeRun(mode string) func(*simCall) error {
	return func(c *simCall) error {
		c.SetMode(mode)
		return nil
	}
}

// setVarRun returns a handler that records a session setting.
func setVarRun(name, value string) func(*simCall) error {
	return func(c *simCall) error {
		c.SetVar(name, value)
		return nil
	}
}

// endSession leaves the CLI; the channel closes.
func endSession(*simCall) error { return errEndSession }
