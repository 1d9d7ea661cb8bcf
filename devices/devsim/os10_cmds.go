package devsim

// Handlers of the OS10 commands that have effects or dialogues.

func os10Configure(c *simCall) error {
	c.SetMode("config")
	c.SetContext(nil)
	c.SetTag("")
	return nil
}

// os10Save writes the startup configuration without a word.
func os10Save(c *simCall) error {
	c.device().setSection("_startup", os10RunningConfig(c.device()))
	c.device().setFlag("modified", false)
	return nil
}

func os10Hostname(c *simCall) error {
	c.SetHostname(c.Args[0])
	c.device().setFlag("modified", true)
	return nil
}

// os10Interfaces are the interface types of the simulated switch
// ("ethernet 1/1/5", "vlan 10"), with the short forms its prompts show
// ("eth1/1/5", "vl-10"); ethernet and mgmt exist, the others are created.
var os10Interfaces = simIfTypes{types: []simIfType{
	{name: "ethernet", short: "eth", physical: true}, {name: "mgmt", short: "ma-", physical: true},
	{name: "vlan", short: "vl-"}, {name: "loopback", short: "lo-"}, {name: "port-channel", short: "po-"},
}, extra: "/"}

func os10Interface(c *simCall) error {
	if section, t, num, ok := os10Interfaces.enter(c, kindBadValue, true); ok {
		c.SetMode("conf-if")
		c.SetContext([]string{section})
		c.SetTag(t.short + num)
	}
	return nil
}

func os10ExitConfig(c *simCall) error {
	if c.Mode() != "config" {
		return os10Configure(c)
	}
	return os10End(c)
}

func os10End(c *simCall) error {
	c.SetMode("exec")
	c.SetContext(nil)
	c.SetTag("")
	return nil
}
