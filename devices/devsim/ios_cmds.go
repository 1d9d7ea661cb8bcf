package devsim

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Handlers of the IOS commands that have effects or dialogues.

// iosEnable asks for the enable secret up to three times.
func iosEnable(c *simCall) error {
	if c.Mode() == "enable" {
		return nil
	}
	switch c.Options().Enable {
	case EnableDirect:
		c.SetMode("enable")
		return nil
	case EnableNoPassword:
		c.Print("% No password set\n")
		return nil
	}
	secret := []byte(c.Options().EnableSecret)
	for range 3 {
		pw, err := c.ReadLine("Password: ", true)
		if err != nil {
			return ignoreInterrupt(err)
		}
		if subtle.ConstantTimeCompare([]byte(pw), secret) == 1 {
			c.SetMode("enable")
			return nil
		}
	}
	c.Print("% Bad secrets\n\n")
	return nil
}

func iosTermNoLength(c *simCall) error {
	c.SetLength(24)
	return nil
}

// iosPing prints one '!' per simulated reply, a few per 100 ms, until the
// count is reached or the user presses Ctrl+C or Ctrl+^.
func iosPing(c *simCall) error {
	host, count := c.Args[0], 5
	if len(c.Args) > 1 {
		count, _ = strconv.Atoi(c.Args[1])
	}
	if a, err := netip.ParseAddr(host); err != nil || !a.Is4() {
		c.Print("% Unrecognized host or address, or protocol not running.\n\n")
		return nil
	}
	c.Println("Type escape sequence to abort.")
	c.Printf("Sending %d, 100-byte ICMP Echos to %s, timeout is 2 seconds:\n", count, host)
	sent := 0
	for sent < count {
		c.Print("!")
		sent++
		if sent%70 == 0 {
			c.Print("\n")
		}
		if sent == count {
			break
		}
		stop, err := c.Wait(25 * time.Millisecond)
		if err != nil {
			return err
		}
		if stop {
			break
		}
	}
	if sent%70 != 0 {
		c.Print("\n")
	}
	c.Printf("Success rate is 100 percent (%d/%d), round-trip min/avg/max = 1/1/3 ms\n", sent, sent)
	return nil
}

// iosConfigure asks where to configure from, as bare "configure" does.
func iosConfigure(c *simCall) error {
	if c.Command.Syntax == "configure" {
		ans, err := c.ReadLine("Configuring from terminal, memory, or network [terminal]? ", false)
		if err != nil {
			return ignoreInterrupt(err)
		}
		if ans = strings.TrimSpace(ans); ans != "" && !strings.HasPrefix("terminal", strings.ToLower(ans)) {
			c.Print("?Must be \"terminal\", \"memory\" or \"network\"\n\n")
			return nil
		}
	}
	c.Println("Enter configuration commands, one per line.  End with CNTL/Z.")
	c.SetMode("config")
	c.SetContext(nil)
	return nil
}

// ignoreInterrupt turns a Ctrl+C during a dialogue into a clean return
// to the prompt.
func ignoreInterrupt(err error) error {
	if errors.Is(err, errInterrupted) {
		return nil
	}
	return err
}

func iosCopyRunStart(c *simCall) error {
	if _, err := c.ReadLine("Destination filename [startup-config]? ", false); err != nil {
		return ignoreInterrupt(err)
	}
	iosSave(c)
	return nil
}

func iosWriteMemory(c *simCall) error {
	iosSave(c)
	return nil
}

// iosSave copies the running configuration to the startup one.
func iosSave(c *simCall) {
	c.Println("Building configuration...")
	c.device().setSection("_startup", iosRunningConfig(c.device()))
	c.device().setFlag("modified", false)
	iosSaved(c)
	c.Println("[OK]")
}

// iosReload offers to save a modified configuration, asks for
// confirmation, and drops the connection as a reloading device does.
func iosReload(c *simCall) error {
	if c.device().flag("modified") {
		for {
			ans, err := c.ReadLine("\nSystem configuration has been modified. Save? [yes/no]: ", false)
			if err != nil {
				return ignoreInterrupt(err)
			}
			ans = strings.ToLower(strings.TrimSpace(ans))
			if ans == "yes" || ans == "y" {
				iosSave(c)
				break
			}
			if ans == "no" || ans == "n" {
				break
			}
			c.Print("% Please answer 'yes' or 'no'.")
		}
	}
	key, err := c.ReadKey("Proceed with reload? [confirm]")
	if err != nil {
		return err
	}
	if key != '\r' && key != '\n' && key != 'y' && key != 'Y' {
		c.Print("\n")
		return nil
	}
	c.Print("\n\n" + iosLogTime + ": %SYS-5-RELOAD: Reload requested by " + c.Options().Username +
		" on vty0 (" + c.RemoteIP() + "). Reload Reason: Reload Command.\n")
	return c.CloseConnection()
}

// iosHostname changes the hostname at once: the next prompt shows it.
func iosHostname(c *simCall) error {
	c.SetHostname(c.Args[0])
	c.device().setFlag("modified", true)
	return nil
}

// iosInterfaces are the interface types the simulated router has, for
// name expansion ("Gi0/1" is "GigabitEthernet0/1"); its GigabitEthernet
// ports exist, the others are created.
var iosInterfaces = simIfTypes{types: []simIfType{
	{name: "GigabitEthernet", physical: true}, {name: "Loopback"}, {name: "Vlan"}, {name: "Tunnel"},
}}

// iosInterface enters interface configuration.
func iosInterface(c *simCall) error {
	if section, _, _, ok := iosInterfaces.enter(c, kindInvalid, true, "no ip address"); ok {
		c.SetMode("config-if")
		c.SetContext([]string{section})
	}
	return nil
}

// iosSubMode returns a handler that enters a configuration sub-mode for
// the section named by header and the command's arguments.
func iosSubMode(mode, header string) func(*simCall) error {
	return func(c *simCall) error {
		section := strings.Join(append([]string{header}, c.Args...), " ")
		if _, ok := c.device().section(section); !ok {
			c.device().setSection(section, nil)
		}
		c.SetMode(mode)
		c.SetContext([]string{section})
		return nil
	}
}

// iosSection returns the configuration section the current mode edits.
func iosSection(c *simCall) string {
	if ctx := c.Context(); len(ctx) > 0 {
		return ctx[0]
	}
	return "global"
}

// iosStore records a configuration line in the current section. A line
// with the same key replaces the old one, except for list statements.
func iosStore(c *simCall) error {
	line := strings.Join(strings.Fields(c.Line), " ")
	section := iosSection(c)
	lines, _ := c.device().section(section)
	key := iosKey(line)
	kept := lines[:0]
	for _, l := range lines {
		if key == "" || (iosKey(l) != key && l != "no "+key) {
			kept = append(kept, l)
		}
	}
	kept = append(kept, line)
	slices.SortStableFunc(kept, func(a, b string) int { return iosRank(a) - iosRank(b) })
	c.device().setSection(section, kept)
	c.device().setFlag("modified", true)
	return nil
}

// iosStatementOrder is the order IOS prints interface statements in,
// whatever order they were typed.
var iosStatementOrder = []string{"description", "ip address", "no ip address", "shutdown", "duplex", "speed", "media-type"}

func iosRank(line string) int {
	for i, p := range iosStatementOrder {
		if strings.HasPrefix(line, p) {
			return i
		}
	}
	return len(iosStatementOrder)
}

// iosKey returns what identifies a single-valued statement, or "" for a
// statement that may repeat.
func iosKey(line string) string {
	f := strings.Fields(line)
	switch {
	case len(f) == 0, f[0] == "network", len(f) > 1 && f[0] == "ip" && f[1] == "route":
		return ""
	case len(f) > 1 && (f[0] == "ip" || f[0] == "transport"):
		return f[0] + " " + f[1]
	}
	return f[0]
}

// iosNo removes the statements a "no" line negates.
func iosNo(c *simCall) error {
	rest := strings.Join(strings.Fields(c.Args[0]), " ")
	section := iosSection(c)
	lines, _ := c.device().section(section)
	kept := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(l, rest) {
			kept = append(kept, l)
		}
	}
	c.device().setSection(section, kept)
	c.device().setFlag("modified", true)
	return nil
}

// iosDo runs an EXEC command from configuration mode.
func iosDo(c *simCall) error {
	mode, ctx := c.Mode(), c.Context()
	c.SetMode("enable")
	err := c.s.execute(c.Args[0])
	c.SetMode(mode)
	c.SetContext(ctx)
	return err
}

func iosExitConfig(c *simCall) error {
	if c.Mode() != "config" {
		c.SetMode("config")
		c.SetContext(nil)
		return nil
	}
	return iosEnd(c)
}

// iosEnd leaves configuration mode; the device logs that asynchronously,
// after the next prompt, and prints the prompt again.
func iosEnd(c *simCall) error {
	c.SetMode("enable")
	c.SetContext(nil)
	c.After(c.s.p.LogDelay, fmt.Sprintf("%s: %%SYS-5-CONFIG_I: Configured from console by %s on vty0 (%s)",
		iosLogTime, c.Options().Username, c.RemoteIP()))
	return nil
}
