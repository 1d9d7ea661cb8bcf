package devsim

import (
	"crypto/subtle"
	"strconv"
	"strings"
)

// Handlers of the EOS commands that have effects or dialogues.

// eosEnable asks for the enable secret once; a wrong one is refused with
// "% Access denied" and the session stays unprivileged. Without a
// secret (EnableDirect, EnableNoPassword) EOS lets the user in.
func eosEnable(c *simCall) error {
	if c.Mode() == "enable" {
		return nil
	}
	if c.Options().Enable != EnableAsk {
		c.SetMode("enable")
		return nil
	}
	pw, err := c.ReadLine("Password: ", true)
	if err != nil {
		return ignoreInterrupt(err)
	}
	if subtle.ConstantTimeCompare([]byte(pw), []byte(c.Options().EnableSecret)) != 1 {
		c.Print("% Access denied\n")
		return nil
	}
	c.SetMode("enable")
	return nil
}

func eosTermLength(c *simCall) error {
	n, _ := strconv.Atoi(c.Args[0])
	c.SetLength(n)
	if n == 0 {
		c.Println("Pagination disabled.")
		return nil
	}
	c.Printf("Pagination set to %d lines.\n", n)
	return nil
}

func eosTermWidth(c *simCall) error {
	n, _ := strconv.Atoi(c.Args[0])
	c.SetWidth(n)
	c.Printf("Width set to %d columns.\n", n)
	return nil
}

func eosShowHostname(c *simCall) error {
	c.Printf("Hostname: %s\nFQDN:     %s.lab.example.net\n", c.Hostname(), c.Hostname())
	return nil
}

// eosConfigure enters configuration mode without a word of its own.
func eosConfigure(c *simCall) error {
	c.SetMode("config")
	c.SetContext(nil)
	c.SetTag("")
	return nil
}

// eosSave copies the running configuration to the startup one.
func eosSave(c *simCall) error {
	c.device().setSection("_startup", eosRunningConfig(c.device()))
	c.device().setFlag("modified", false)
	c.Println("Copy completed successfully.")
	return nil
}

// eosReload offers to save a modified configuration, then asks for
// confirmation; a confirmed reload drops the connection.
func eosReload(c *simCall) error {
	if c.device().flag("modified") {
		ans, err := c.ReadLine("System configuration has been modified. Save? [yes/no/cancel/diff]:", false)
		if err != nil {
			return ignoreInterrupt(err)
		}
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "yes", "y":
			if err := eosSave(c); err != nil {
				return err
			}
		case "no", "n":
		default:
			return nil
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
	c.Print("\n\nBroadcast message from root@" + c.Hostname() + "\n\tThe system is going down for reboot NOW!\n")
	return c.CloseConnection()
}

func eosHostname(c *simCall) error {
	c.SetHostname(c.Args[0])
	c.device().setFlag("modified", true)
	return nil
}

// eosInterfaces are the simulated switch's interface types with the
// short names EOS shows in prompts ("et1" is Ethernet1, Et1); Ethernet
// and Management ports exist, the others are created.
var eosInterfaces = simIfTypes{types: []simIfType{
	{name: "Ethernet", short: "Et", physical: true}, {name: "Management", short: "Ma", physical: true},
	{name: "Loopback", short: "Lo"}, {name: "Port-Channel", short: "Po"}, {name: "Vlan", short: "Vl"},
}}

// eosInterface enters interface configuration, in a session or not.
func eosInterface(c *simCall) error {
	section, t, num, ok := eosInterfaces.enter(c, kindInvalid, true)
	if !ok {
		return nil
	}
	short := t.short + num
	c.SetContext([]string{section})
	if name := eosEditing(c); name != "" {
		c.SetMode("config-s-if")
		c.SetTag("s-" + name + "-if-" + short)
		return nil
	}
	c.SetMode("config-if")
	c.SetTag(short)
	return nil
}

// eosExitConfig goes up one level: from a sub-mode to the configuration
// (or session) top, from there to the exec prompt.
func eosExitConfig(c *simCall) error {
	switch c.Mode() {
	case "config-if":
		return eosConfigure(c)
	case "config-s-if":
		c.SetMode("config-s")
		c.SetContext(nil)
		c.SetTag("s-" + eosEditing(c))
		return nil
	}
	return eosEnd(c)
}

// eosEnd returns to the exec prompt; a session stays pending.
func eosEnd(c *simCall) error {
	eosLeaveSession(c)
	return nil
}
