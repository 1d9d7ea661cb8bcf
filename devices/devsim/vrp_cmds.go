package devsim

import (
	"strconv"
	"strings"
)

// Handlers of the VRP commands that have effects or dialogues.

func vrpScreenLength(c *simCall) error {
	n, _ := strconv.Atoi(c.Args[0])
	c.SetLength(n)
	c.Println("Info: The configuration takes effect on the current user terminal interface only.")
	return nil
}

func vrpScreenWidth(c *simCall) error {
	n, _ := strconv.Atoi(c.Args[0])
	c.SetWidth(n)
	c.Println("Info: The configuration takes effect on the current user terminal interface only.")
	return nil
}

func vrpSystemView(c *simCall) error {
	c.Println("Enter system view, return user view with Ctrl+Z.")
	c.SetMode("system")
	c.SetContext(nil)
	return nil
}

func vrpSysname(c *simCall) error {
	c.SetHostname(c.Args[0])
	c.device().setFlag("modified", true)
	return nil
}

// vrpSave asks before it writes; anything but y keeps the old file.
func vrpSave(c *simCall) error {
	c.Println("  The current configuration will be written to the device.")
	ans, err := c.ReadLine("  Are you sure to continue?[Y/N]:", false)
	if err != nil {
		return ignoreInterrupt(err)
	}
	if a := strings.ToLower(strings.TrimSpace(ans)); a != "y" && a != "yes" {
		return nil
	}
	c.device().setSection("_startup", vrpCurrentConfig(c.device()))
	c.device().setFlag("modified", false)
	c.Println("  Now saving the current configuration to the slot 0.", "  Save the configuration successfully.")
	return nil
}

// vrpInterfaceTypes are the interface types of the simulated switch;
// GigabitEthernet and MEth exist, the others are created.
var vrpInterfaceTypes = []string{"GigabitEthernet", "MEth", "Vlanif", "LoopBack", "Eth-Trunk"}

// vrpInterfaceName expands "gigabitethernet 0/0/1", "GE0/0/1",
// "vlanif 10" into the name VRP shows.
func vrpInterfaceName(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), "")
	i := strings.IndexAny(s, "0123456789")
	if i <= 0 || strings.Trim(s[i:], "0123456789/.") != "" {
		return "", false
	}
	prefix := strings.ToLower(s[:i])
	if prefix == "ge" {
		return "GigabitEthernet" + s[i:], true
	}
	for _, t := range vrpInterfaceTypes {
		if strings.HasPrefix(strings.ToLower(t), prefix) {
			return t + s[i:], true
		}
	}
	return "", false
}

func vrpInterface(c *simCall) error {
	name, ok := vrpInterfaceName(c.Args[0])
	section := "interface " + name
	if _, exists := c.device().section(section); ok && !exists {
		if strings.HasPrefix(name, "GigabitEthernet") || strings.HasPrefix(name, "MEth") {
			ok = false
		} else {
			c.device().setSection(section, nil)
			c.device().setFlag("modified", true)
		}
	}
	if !ok {
		c.Reject(strings.Fields(c.Args[0])[0], kindBadValue)
		return nil
	}
	c.SetMode("system-if")
	c.SetContext([]string{section})
	c.SetTag(name)
	return nil
}

// vrpUndo removes the statements an undo line names.
func vrpUndo(c *simCall) error {
	applyLine(c.device(), editedSection(c), "no "+strings.Join(strings.Fields(c.Args[0]), " "))
	return nil
}

func vrpQuit(c *simCall) error {
	if c.Mode() != "system" {
		c.SetMode("system")
		c.SetContext(nil)
		c.SetTag("")
		return nil
	}
	return vrpReturn(c)
}

func vrpReturn(c *simCall) error {
	c.SetMode("user")
	c.SetContext(nil)
	c.SetTag("")
	return nil
}
