package devsim

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Handlers of the VyOS commands. The active configuration is the device
// section "active" (shared by all sessions); each session edits its own
// working copy, kept in its data under "working" from configure on.

func vyosActive(c *simCall) []string {
	lines, _ := c.device().section("active")
	return lines
}

func vyosWorking(c *simCall) []string {
	if w, ok := c.Data("working").([]string); ok {
		return slices.Clone(w)
	}
	return vyosActive(c)
}

func vyosConfigure(c *simCall) error {
	c.SetData("working", vyosActive(c))
	c.SetMode("config")
	c.SetContext(nil)
	return nil
}

// vyosPathError prints VyOS's answer to a path the schema does not have.
func vyosPathError(c *simCall, words []string, verb string) {
	c.Printf("\n  Configuration path: [%s] is not valid\n  %s failed\n\n", strings.Join(words, " "), verb)
}

func vyosSet(c *simCall) error {
	words := vyosWords(c.Args[0])
	if !vyosValid(words) {
		vyosPathError(c, words, "Set")
		return nil
	}
	c.SetData("working", vyosAdd(vyosWorking(c), words))
	return nil
}

func vyosDelete(c *simCall) error {
	words := vyosWords(c.Args[0])
	if p, _ := vyosSchemaFor(words); p == nil {
		vyosPathError(c, words, "Delete")
		return nil
	}
	conf, found := vyosRemove(vyosWorking(c), words)
	if !found {
		c.Print("\n  Nothing to delete (the specified node does not exist)\n\n")
		return nil
	}
	c.SetData("working", conf)
	return nil
}

// vyosShowWorking shows the working configuration below a path.
func vyosShowWorking(c *simCall) error {
	node := vyosTree(vyosWorking(c))
	var words []string
	if len(c.Args) > 0 {
		words = vyosWords(c.Args[0])
	}
	for len(words) > 0 {
		var next *vyosNode
		for _, ch := range node.children {
			if ch.label == words[0] {
				next, words = ch, words[1:]
				break
			}
			if len(words) > 1 && ch.label == words[0]+" "+words[1] {
				next, words = ch, words[2:]
				break
			}
		}
		if next == nil || next.leaf {
			c.Print("\n  Configuration under specified path is empty\n\n")
			return nil
		}
		node = next
	}
	return c.Page(sliceOutput(node.render(" ", nil)))
}

// vyosCompare lists the working configuration's changes as set and
// delete commands.
func vyosCompare(c *simCall) error {
	active, working := vyosActive(c), vyosWorking(c)
	var out []string
	for _, l := range vyosSetCommands(working) {
		if !slices.Contains(vyosSetCommands(active), l) {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range vyosSetCommands(active) {
		if !slices.Contains(vyosSetCommands(working), l) {
			out = append(out, "- "+strings.Replace(l, "set ", "delete ", 1))
		}
	}
	if len(out) == 0 {
		c.Println("No changes between working and active configurations.")
		return nil
	}
	return c.Page(sliceOutput(out))
}

// vyosCommit makes the working configuration active; a new host name
// shows in the next prompt.
func vyosCommit(c *simCall) error {
	working := vyosWorking(c)
	if slices.Equal(working, vyosActive(c)) {
		c.Println("No configuration changes to commit")
		return nil
	}
	c.device().setSection("active", working)
	c.device().setFlag("unsaved", true)
	for _, l := range working {
		if host, ok := strings.CutPrefix(l, "system\thost-name\t"); ok {
			c.SetHostname(host)
		}
	}
	return nil
}

func vyosSave(c *simCall) error {
	c.device().setFlag("unsaved", false)
	c.Println("Saving configuration to '/config/config.boot'...", "Done")
	return nil
}

func vyosDiscard(c *simCall) error {
	if slices.Equal(vyosWorking(c), vyosActive(c)) {
		c.Println("No changes have been discarded")
		return nil
	}
	c.SetData("working", vyosActive(c))
	c.Println("Changes have been discarded")
	return nil
}

// vyosExit leaves configuration mode, unless uncommitted changes would be
// lost without "exit discard".
func vyosExit(c *simCall) error {
	discard := strings.HasSuffix(c.Command.Syntax, "discard")
	if !discard && !slices.Equal(vyosWorking(c), vyosActive(c)) {
		c.Println("Cannot exit: configuration modified.", "Use 'exit discard' to discard the changes and exit.")
		return nil
	}
	if !discard && c.device().flag("unsaved") {
		c.Println("Warning: configuration changes have not been saved.")
	}
	c.SetData("working", nil)
	c.SetMode("op")
	c.SetContext(nil)
	c.Println("exit")
	return nil
}

// vyosRun runs an operational command from configuration mode, with the
// pipes typed after it.
func vyosRun(c *simCall) error {
	mode, ctx := c.Mode(), c.Context()
	_, command, _ := strings.Cut(strings.TrimSpace(c.Line), " ")
	c.SetMode("op")
	err := c.s.execute(command)
	c.SetMode(mode)
	c.SetContext(ctx)
	return err
}

// vyosReboot asks first; only y reboots, which drops the connection.
func vyosReboot(c *simCall) error {
	ans, err := c.ReadLine("Are you sure you want to reboot this system? [y/N] ", false)
	if err != nil {
		return ignoreInterrupt(err)
	}
	if a := strings.ToLower(strings.TrimSpace(ans)); a != "y" && a != "yes" {
		return nil
	}
	c.Printf("\nBroadcast message from root@%s on pts/0 (Sun 2026-12-06 23:30:00 UTC):\n\nThe system will reboot now!\n\n", c.Hostname())
	return c.CloseConnection()
}

// vyosPorts is the number of Ethernet ports of the simulated router.
const vyosPorts = 16

func vyosSetup(d *simDevice) {
	var conf []string
	add := func(s string) { conf = vyosAdd(conf, vyosWords(s)) }
	add("interfaces ethernet eth0 address 192.0.2.31/24")
	add("interfaces ethernet eth0 description 'uplink to isp (isp@core:~$ is theirs)'")
	for i := range vyosPorts {
		add(fmt.Sprintf("interfaces ethernet eth%d hw-id 52:54:00:00:00:%02x", i, i))
		if i > 0 {
			add(fmt.Sprintf("interfaces ethernet eth%d description 'port %d to rack %d'", i, i, 10+i))
		}
	}
	add("interfaces loopback lo")
	add("protocols static route 0.0.0.0/0 next-hop 192.0.2.254")
	add("service ssh port 22")
	add("system host-name " + d.hostname())
	add("system name-server 192.0.2.53")
	add("system ntp server time1.vyos.net")
	add("system ntp server time2.vyos.net")
	add("system time-zone UTC")
	d.setSection("active", conf)
}

func vyosShowConfiguration(c *simCall) simOutput {
	return sliceOutput(vyosTree(vyosActive(c)).render("", nil))
}

func vyosShowCommands(c *simCall) simOutput {
	return sliceOutput(vyosSetCommands(vyosActive(c)))
}

func vyosShowVersion(c *simCall) simOutput {
	return textOutput(`Version:          VyOS 1.4.0
Release train:    sagitta
Release flavor:   generic

Built by:         simulated build for testing
Built on:         Sun 06 Dec 2026 00:00 UTC
Build UUID:       00000000-0000-4000-8000-000000000000
Build commit ID:  0000000000000

Architecture:     x86_64
Boot via:         installed image
System type:      KVM guest
Secure Boot:      n/a (BIOS)

Hardware vendor:  QEMU
Hardware model:   Standard PC (i440FX + PIIX, 1996)

Copyright:        VyOS maintainers and contributors
`)
}

func vyosShowInterfaces(c *simCall) simOutput {
	lines := []string{
		"Codes: S - State, L - Link, u - Up, D - Down, A - Admin Down",
		"Interface    IP Address        MAC                VRF        MTU  S/L    Description",
		"-----------  ----------------  -----------------  -------  -----  -----  -------------",
	}
	addr := map[string]string{}
	for _, l := range vyosActive(c) {
		w := strings.Split(l, "\t")
		if len(w) == 5 && w[0] == "interfaces" && w[3] == "address" {
			addr[w[2]] = w[4]
		}
	}
	for i := range vyosPorts {
		name := fmt.Sprintf("eth%d", i)
		lines = append(lines, fmt.Sprintf("%-12s %-17s 52:54:00:00:00:%02x  default   1500  u/u", name, cmp.Or(addr[name], "-"), i))
	}
	return sliceOutput(append(lines, "lo           127.0.0.1/8       00:00:00:00:00:00  default  65536  u/u"))
}
