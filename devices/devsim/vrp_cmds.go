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

// vrpInterfaces are the interface types of the simulated switch
// ("gigabitethernet 0/0/1", "GE0/0/1", "vlanif 10"); GigabitEthernet and
// MEth exist, the others are created.
var vrpInterfaces = simIfTypes{types: []simIfType{
	{name: "GigabitEthernet", physical: true}, {name: "MEth", physical: true}, {name: "Vlanif"}, {name: "LoopBack"}, {name: "Eth-Trunk"},
}, aliases: map[string]string{"ge": "GigabitEthernet"}}

func vrpInterface(c *simCall) error {
	if section, t, num, ok := vrpInterfaces.enter(c, kindBadValue, true); ok {
		c.SetMode("system-if")
		c.SetContext([]string{section})
		c.SetTag(t.name + num)
	}
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
