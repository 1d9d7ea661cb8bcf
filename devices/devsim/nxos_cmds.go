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

// nxosInterfaceTypes are the interface types of the simulated switch;
// Ethernet and mgmt exist, the others are created when configured.
var nxosInterfaceTypes = []string{"Ethernet", "loopback", "mgmt", "port-channel", "Vlan"}

// nxosInterfaceName expands "eth1/1", "e1/1", "lo0" into the name NX-OS
// shows.
func nxosInterfaceName(s string) (string, bool) {
	i := strings.IndexAny(s, "0123456789")
	if i <= 0 || strings.Trim(s[i:], "0123456789/.") != "" {
		return "", false
	}
	prefix := strings.ToLower(s[:i])
	for _, t := range nxosInterfaceTypes {
		if strings.HasPrefix(strings.ToLower(t), prefix) {
			return t + s[i:], true
		}
	}
	return "", false
}

func nxosInterface(c *simCall) error {
	name, ok := nxosInterfaceName(c.Args[0])
	section := "interface " + name
	if _, exists := c.device().section(section); ok && !exists {
		if strings.HasPrefix(name, "Ethernet") || strings.HasPrefix(name, "mgmt") {
			ok = false
		} else {
			c.device().setSection(section, nil)
			c.device().setFlag("modified", true)
		}
	}
	if !ok {
		c.Reject(c.Args[0], kindInvalid)
		return nil
	}
	c.SetMode("config-if")
	c.SetContext([]string{section})
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
