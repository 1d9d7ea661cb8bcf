package devsim

import (
	"strings"
)

// Handlers of the NX-OS commands that have effects or dialogues.

func nxosShowHostname(c *simCall) error {
	c.Println(c.Hostname())
	return nil
}

func nxosConfigure(c *simCall) error {
	c.Println("Enter configuration commands, one per line. End with CNTL/Z.")
	c.SetMode("config")
	c.SetContext(nil)
	return nil
}

// nxosCopyRunStart saves with NX-OS's progress bar.
func nxosCopyRunStart(c *simCall) error {
	c.device().setSection("_startup", nxosRunningConfig(c.device(), true))
	c.device().setFlag("modified", false)
	c.Println("[########################################] 100%", "Copy complete, now saving to disk (please wait)...", "Copy complete.")
	return nil
}

// nxosReload asks before it drops the connection; anything but y keeps
// the switch up.
func nxosReload(c *simCall) error {
	if c.device().flag("modified") {
		c.Println("!!!WARNING! there is unsaved configuration!!!")
	}
	ans, err := c.ReadLine("This command will reboot the system. (y/n)?  [n] ", false)
	if err != nil {
		return ignoreInterrupt(err)
	}
	if a := strings.ToLower(strings.TrimSpace(ans)); a != "y" && a != "yes" {
		return nil
	}
	return c.CloseConnection()
}

func nxosHostname(c *simCall) error {
	c.SetHostname(c.Args[0])
	c.device().setFlag("modified", true)
	return nil
}

// nxosInterfaces are the interface types of the simulated switch;
// Ethernet and mgmt exist, the others are created when configured.
var nxosInterfaces = simIfTypes{types: []simIfType{
	{name: "Ethernet", physical: true}, {name: "loopback"}, {name: "mgmt", physical: true}, {name: "port-channel"}, {name: "Vlan"},
}}

func nxosInterface(c *simCall) error {
	if section, _, _, ok := nxosInterfaces.enter(c, kindInvalid, true); ok {
		c.SetMode("config-if")
		c.SetContext([]string{section})
	}
	return nil
}

func nxosExitConfig(c *simCall) error {
	if c.Mode() != "config" {
		c.SetMode("config")
		c.SetContext(nil)
		return nil
	}
	return nxosEnd(c)
}

func nxosEnd(c *simCall) error {
	c.SetMode("exec")
	c.SetContext(nil)
	return nil
}
