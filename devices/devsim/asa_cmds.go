package devsim

import (
	"crypto/subtle"
)

// Handlers of the ASA commands that have effects or dialogues.

// asaEnable asks for the enable secret up to three times, saying
// "Invalid password" after each wrong one and "Access denied." at the
// end. Without a secret (EnableDirect, EnableNoPassword) the ASA lets
// the user in.
func asaEnable(c *simCall) error {
	if c.Mode() == "enable" {
		return nil
	}
	if c.Options().Enable != EnableAsk {
		c.SetMode("enable")
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
		c.Println("Invalid password")
	}
	c.Println("Access denied.")
	return nil
}

func asaShowHostname(c *simCall) error {
	c.Println(c.Hostname())
	return nil
}

func asaConfigure(c *simCall) error {
	c.SetMode("config")
	c.SetContext(nil)
	return nil
}

// asaWriteMemory saves with the ASA's checksum line.
func asaWriteMemory(c *simCall) error {
	c.device().setSection("_startup", asaRunningConfig(c.device()))
	c.device().setFlag("modified", false)
	c.Println("Building configuration...", "Cryptochecksum: 5d1c2b3a 9f8e7d6c 4b3a2f1e 0d9c8b7a ", "",
		"4185 bytes copied in 0.180 secs", "[OK]")
	return nil
}

func asaHostname(c *simCall) error {
	c.SetHostname(c.Args[0])
	c.device().setFlag("modified", true)
	return nil
}

// asaInterfaces are the interface types of the simulated ASAv;
// GigabitEthernet and Management exist, the others are created.
var asaInterfaces = simIfTypes{types: []simIfType{
	{name: "GigabitEthernet", physical: true}, {name: "Management", physical: true}, {name: "Port-channel"}, {name: "Redundant"},
}}

func asaInterface(c *simCall) error {
	if section, _, _, ok := asaInterfaces.enter(c, kindInvalid, true); ok {
		c.SetMode("config-if")
		c.SetContext([]string{section})
	}
	return nil
}

func asaExitConfig(c *simCall) error {
	if c.Mode() != "config" {
		return asaConfigure(c)
	}
	return asaEnd(c)
}

func asaEnd(c *simCall) error {
	c.SetMode("enable")
	c.SetContext(nil)
	return nil
}
