package devsim

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Juniper Junos platform: operational and configuration modes, the
// command table and operational handlers. Configuration handlers are in
// simjunos_cmds.go, the configuration model in simjunos_conf.go.

var (
	junosOp    = []string{"op"}
	junosConf  = []string{"config"}
	junosShell = []string{"shell"}
)

const junosVersion = "21.4R3.15"

var junosBanner = strings.Join([]string{
	"###########################################################",
	"# vmx lab chassis -- authorized access only               #",
	"# 100% of sessions recorded; config -> change ticket #    #",
	"###########################################################",
}, "\n")

func init() { platforms["junos"] = junosPlatform() }

func junosPlatform() *simPlatform {
	return &simPlatform{
		Name:            "junos",
		Profile:         "junos",
		DefaultHostname: "vmx1",
		ServerVersion:   "SSH-2.0-OpenSSH_7.5",
		DefaultBanner:   junosBanner,
		Setup:           junosSetup,
		Login: func(c *simCall) {
			c.Print(c.Options().Banner + "\n")
			c.Printf("--- JUNOS %s built 2023-01-01 00:00:00 UTC\n", junosVersion)
		},
		Logout:      junosLogout,
		InitialMode: "op",
		RootMode:    "shell",
		ExecMode:    "op",
		Modes: map[string]*simMode{
			"op":     {Name: "op", Prompt: "{user}@{host}> ", Privilege: 15},
			"config": {Name: "config", Prompt: "{user}@{host}# ", ShowContext: true, Privilege: 15},
			"shell": {Name: "shell", Prompt: "{user}@{host}:~ # ", Privilege: 15, Plain: true,
				Errors: map[errKind]simErrorForm{
					kindUnknown: {Text: "{word}: Command not found.\n"},
					kindInvalid: {Text: "{word}: Command not found.\n"},
				}},
		},
		Commands: junosCommands(),
		WordHelp: junosWordHelp,
		Errors: map[errKind]simErrorForm{
			kindUnknown:    {Caret: true, Text: "unknown command.\n"},
			kindInvalid:    {Caret: true, Text: "syntax error, expecting <command>.\n"},
			kindBadValue:   {Caret: true, Text: "syntax error.\n"},
			kindIncomplete: {Caret: true, Text: "syntax error, expecting <command>.\n"},
			kindAmbiguous:  {Caret: true, Text: "'{word}' is ambiguous.\n{choices}\n"},
		},
		BlankBeforePrompt: true,
		EchoPad:           " ",
		ContextFormat:     "[edit%s]",
		RELine:            "{master:0}",
		Interrupts:        "\x03",
		CompleteOnSpace:   true,
		HelpHeader:        "Possible completions:",
		HelpNone:          "No valid completions",
		Pager: simPager{
			DefaultLength: 24,
			Prompt:        "---(more %d%%)---",
			PlainPrompt:   "---(more)---",
			EraseWithCR:   true,
		},
		NoMore:    "no-more",
		PipeWords: []string{"compare", "display"},
		Filters: map[string]func(arg string) func(line string) bool{
			"match": junosMatch,
			"except": func(arg string) func(string) bool {
				m := junosMatch(arg)
				return func(line string) bool { return !m(line) }
			},
		},
		LogDelay: 75 * time.Millisecond,
	}
}

func junosCommands() []simCommand {
	return []simCommand{
		{Syntax: "set cli screen-length <0-100000>", Modes: junosOp, Run: junosScreenLength},
		{Syntax: "set cli screen-width <0-1024>", Modes: junosOp, Run: junosScreenWidth},
		{Syntax: "set cli complete-on-space off", Modes: junosOp, Run: junosCompleteOnSpace("off", "Disabling complete-on-space")},
		{Syntax: "set cli complete-on-space on", Modes: junosOp, Run: junosCompleteOnSpace("on", "Enabling complete-on-space")},
		{Syntax: "show version", Modes: junosOp, Lines: junosShowVersion},
		{Syntax: "show interfaces terse", Modes: junosOp, Lines: junosShowInterfacesTerse},
		{Syntax: "show route", Modes: junosOp, Lines: junosShowRoute},
		{Syntax: "show configuration [<line>]", Modes: junosOp, Run: junosShowConfiguration},
		{Syntax: "show system uptime", Modes: junosOp, Text: "Current time: 2023-01-01 00:12:34 UTC\nSystem booted: 2022-12-30 21:08:29 UTC (2d 03:04 ago)\n"},
		{Syntax: "ping <word>", Modes: junosOp, Run: junosPing},
		{Syntax: "ping <word> count <1-1000000>", Modes: junosOp, Run: junosPing},
		{Syntax: "request system reboot", Modes: junosOp, Run: junosReboot},
		{Syntax: "configure", Modes: junosOp, Help: "Enter configuration mode", Run: junosConfigure},
		{Syntax: "configure exclusive", Modes: junosOp, Run: junosConfigure},
		{Syntax: "configure private", Modes: junosOp, Run: junosConfigure},
		{Syntax: "exit", Modes: junosOp, Help: "Leave the CLI", Run: junosExitCLI},
		{Syntax: "quit", Modes: junosOp, Help: "Leave the CLI", Run: junosExitCLI},
		{Syntax: "cli", Modes: junosShell, Run: setModeRun("op")},
		{Syntax: "exit", Modes: junosShell, Run: endSession},
		{Syntax: "logout", Modes: junosShell, Run: endSession},
		{Syntax: "uname [<line>]", Modes: junosShell, Text: "JUNOS\n"},
		{Syntax: "pwd", Modes: junosShell, Text: "/root\n"},
		{Syntax: "set <line>", Modes: junosConf, Help: "Add or change a statement", Run: junosSet},
		{Syntax: "delete <line>", Modes: junosConf, Help: "Remove a statement", Run: junosDelete},
		{Syntax: "edit <line>", Modes: junosConf, Help: "Move to a level of the hierarchy", Run: junosEdit},
		{Syntax: "top", Modes: junosConf, Help: "Move to the top level", Run: junosTop},
		{Syntax: "up", Modes: junosConf, Help: "Move up one level", Run: junosUp},
		{Syntax: "show [<line>]", Modes: junosConf, Help: "Display the candidate configuration", Run: junosShowCandidate},
		{Syntax: "commit", Modes: junosConf, Help: "Apply the candidate configuration", Run: junosCommit},
		{Syntax: "commit check", Modes: junosConf, Run: junosCommit},
		{Syntax: "commit and-quit", Modes: junosConf, Run: junosCommit},
		{Syntax: "commit confirmed [<1-65535>]", Modes: junosConf, Run: junosCommit},
		// Options combine: commit comment "text", commit confirmed 5 comment "text".
		{Syntax: "commit comment <line>", Modes: junosConf, Run: junosCommit},
		{Syntax: "commit confirmed <1-65535> comment <line>", Modes: junosConf, Run: junosCommit},
		{Syntax: "rollback [<0-49>]", Modes: junosConf, Help: "Load a previously committed configuration", Run: junosRollback},
		{Syntax: "exit", Modes: junosConf, Help: "Leave this level or configuration mode", Run: junosExit},
		{Syntax: "exit configuration-mode", Modes: junosConf, Run: junosExit},
		{Syntax: "quit", Modes: junosConf, Help: "Leave this level or configuration mode", Run: junosExit},
		{Syntax: "run <line>", Modes: junosConf, Help: "Run an operational command", Run: junosRun},
	}
}

// junosWordHelp explains command words in '?' listings.
var junosWordHelp = map[string]string{
	"set": "Change a setting", "cli": "Settings of this CLI session",
	"screen-length": "Lines per screen (0 turns paging off)", "screen-width": "Columns of the screen",
	"complete-on-space": "Whether a space completes the word typed", "on": "Turn it on", "off": "Turn it off",
	"show": "Display device state", "version": "Software release and packages",
	"interfaces": "Interface state", "terse": "One line per interface",
	"route": "Routing table", "configuration": "Committed configuration",
	"system": "System state", "uptime": "Time since boot",
	"ping": "Send echo requests", "count": "How many echo requests to send",
	"request": "System operations", "reboot": "Restart the device",
	"configure": "Enter configuration mode", "exclusive": "Lock the configuration for this session",
	"private": "Edit a private copy of the configuration",
	"commit":  "Apply the candidate configuration", "check": "Validate without applying",
	"and-quit": "Leave configuration mode after a successful commit", "confirmed": "Roll back unless confirmed in time",
	"configuration-mode": "Leave configuration mode", "quit": "Leave the CLI", "exit": "Leave the CLI",
	"<word>": "Name or address", "<line>": "Statement or command", "run": "Run an operational command",
}

// junosMatch is the "| match" filter: a regular expression, or plain
// text when the expression does not compile.
func junosMatch(arg string) func(string) bool {
	arg = strings.Trim(arg, `"`)
	if re, err := regexp.Compile(arg); err == nil {
		return re.MatchString
	}
	return func(line string) bool { return strings.Contains(line, arg) }
}

// junosExitCLI leaves the CLI: root returns to the shell it came from,
// everyone else ends the session.
func junosExitCLI(c *simCall) error {
	if c.Options().Username == "root" {
		c.SetMode("shell")
		return nil
	}
	return errEndSession
}

func junosScreenLength(c *simCall) error {
	n, _ := strconv.Atoi(c.Args[0])
	c.SetLength(n)
	c.Printf("Screen length set to %d\n", n)
	return nil
}

func junosScreenWidth(c *simCall) error {
	n, _ := strconv.Atoi(c.Args[0])
	c.SetWidth(n)
	c.Printf("Screen width set to %d\n", n)
	return nil
}

func junosCompleteOnSpace(value, text string) func(*simCall) error {
	return func(c *simCall) error {
		c.SetVar("complete-on-space", value)
		c.Println(text)
		return nil
	}
}

// junosPing prints one reply about every 100 ms until the count is
// reached or the user presses Ctrl+C, then the statistics.
func junosPing(c *simCall) error {
	host, count := c.Args[0], 0
	if len(c.Args) > 1 {
		count, _ = strconv.Atoi(c.Args[1])
	}
	if !acceptParam("<ip>", host) {
		c.Printf("ping: cannot resolve %s: Unknown host\n", host)
		return nil
	}
	c.Printf("PING %s (%s): 56 data bytes\n", host, host)
	sent := 0
	for count == 0 || sent < count {
		c.Printf("64 bytes from %s: icmp_seq=%d ttl=64 time=0.%03d ms\n", host, sent, 40+sent%30)
		sent++
		if count != 0 && sent == count {
			break
		}
		stop, err := c.Wait(100 * time.Millisecond)
		if err != nil {
			return err
		}
		if stop {
			c.Print("^C\n")
			break
		}
	}
	c.Printf("--- %s ping statistics ---\n", host)
	c.Printf("%d packets transmitted, %d packets received, 0%% packet loss\n", sent, sent)
	c.Println("round-trip min/avg/max/stddev = 0.040/0.054/0.069/0.008 ms")
	return nil
}

// junosReboot asks for confirmation; yes drops the connection.
func junosReboot(c *simCall) error {
	ans, err := c.ReadLine("Reboot the system ? [yes,no] (no) ", false)
	if err != nil {
		return ignoreInterrupt(err)
	}
	if a := strings.ToLower(strings.TrimSpace(ans)); a != "yes" && a != "y" {
		return nil
	}
	c.Printf("\nShutdown NOW!\n[pid 4242]\n\n*** FINAL System shutdown message from %s@%s ***\n\nSystem going down IMMEDIATELY\n\n",
		c.Options().Username, c.Hostname())
	return c.CloseConnection()
}

// junosShowConfiguration shows the committed configuration, below an
// optional path, in braces or (with "| display set") as set lines.
func junosShowConfiguration(c *simCall) error {
	root := parseSetLines(junosCommitted(c))
	if base, handled, ok := junosCompareBase(c); handled {
		// "| compare rollback N": from that commit to the committed one
		if ok {
			return c.Page(sliceOutput(confDiff(base, root, nil, nil)))
		}
		return nil
	}
	var path []string
	if len(c.Args) > 0 {
		levels, leaf, bad := confLevels(nil, tokenizeWords(c.Args[0]))
		if bad != "" || leaf != "" {
			c.Reject(firstNonEmpty(bad, leaf), kindBadValue)
			return nil
		}
		path = levels
	}
	node := root.lookup(path)
	if node == nil {
		return nil
	}
	if slices.Contains(c.Pipes, "display set") {
		return c.Page(sliceOutput(node.setLines(strings.Join(path, " "), nil)))
	}
	var lines []string
	if len(path) == 0 {
		lines = append(lines, "## Last commit: 2023-01-01 00:12:34 UTC by "+c.Options().Username)
	}
	return c.Page(sliceOutput(node.render("", lines)))
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return strings.Fields(b)[0]
}

// junosCommitted returns the committed configuration as set lines.
func junosCommitted(c *simCall) []string {
	lines, _ := c.device().section("committed")
	return lines
}

// junosSetup stores the initial committed configuration.
func junosSetup(d *simDevice) {
	host := d.hostname()
	d.setSection("committed", []string{
		"set version " + junosVersion,
		"set system host-name " + host,
		`set system root-authentication encrypted-password "$6$simulated$notarealhash"`,
		"set system login user admin uid 2000",
		"set system login user admin class super-user",
		"set system services ssh",
		"set system services netconf ssh",
		"set system syslog file messages any notice",
		"set system syslog file interactive-commands interactive-commands any",
		`set interfaces ge-0/0/0 description "uplink to core"`,
		"set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24",
		"set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24",
		"set interfaces ge-0/0/2 disable",
		"set interfaces lo0 unit 0 family inet address 10.255.0.1/32",
		"set routing-options router-id 10.255.0.1",
		"set routing-options autonomous-system 65000",
		"set routing-options static route 0.0.0.0/0 next-hop 192.0.2.254",
		"set protocols ospf area 0.0.0.0 interface ge-0/0/0.0",
		"set protocols ospf area 0.0.0.0 interface lo0.0 passive",
		"set protocols lldp interface all",
	})
}
