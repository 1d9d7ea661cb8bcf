package devsim

import (
	"strconv"
	"strings"
)

// Handlers of the AOS-CX commands that have effects or dialogues.

func aoscxNoPage(c *simCall) error {
	c.SetLength(0)
	return nil
}

// aoscxPage turns paging on again, at the default length or the one
// given.
func aoscxPage(c *simCall) error {
	n := 24
	if len(c.Args) > 0 {
		if v, err := strconv.Atoi(strings.TrimSpace(c.Args[0])); err == nil && v > 0 {
			n = v
		}
	}
	c.SetLength(n)
	return nil
}

func aoscxShowHostname(c *simCall) error {
	c.Println(c.Hostname())
	return nil
}

func aoscxConfigure(c *simCall) error {
	c.SetMode("config")
	c.SetContext(nil)
	c.SetTag("")
	return nil
}

func aoscxSave(c *simCall) error {
	c.device().setSection("_startup", aoscxRunningConfig(c.device()))
	c.device().setFlag("modified", false)
	c.Println("Configuration changes will take time to process, please be patient.")
	return nil
}

func aoscxHostname(c *simCall) error {
	c.SetHostname(c.Args[0])
	c.device().setFlag("modified", true)
	return nil
}

// aoscxInterfaceName turns "1/1/5", "vlan 10", "loopback 0", "lag 1" into
// the section name and the prompt's suffix ("", "-vlan", "-loopback",
// "-lag").
func aoscxInterfaceName(s string) (name, tag string, ok bool) {
	f := strings.Fields(strings.ToLower(s))
	switch {
	case len(f) == 1 && strings.Count(f[0], "/") == 2 && strings.Trim(f[0], "0123456789/") == "":
		return f[0], "", true
	case len(f) == 1 && f[0] == "mgmt":
		return "mgmt", "-mgmt", true
	case len(f) == 2 && (f[0] == "vlan" || f[0] == "loopback" || f[0] == "lag") && strings.Trim(f[1], "0123456789") == "":
		return f[0] + " " + f[1], "-" + f[0], true
	}
	return "", "", false
}

func aoscxInterface(c *simCall) error {
	name, tag, ok := aoscxInterfaceName(c.Args[0])
	section := "interface " + name
	if _, exists := c.device().section(section); ok && !exists {
		if tag == "" || tag == "-mgmt" {
			ok = false
		} else {
			c.device().setSection(section, nil)
			c.device().setFlag("modified", true)
		}
	}
	if !ok {
		c.Reject(strings.Fields(c.Args[0])[0], kindInvalid)
		return nil
	}
	c.SetMode("config-if")
	c.SetContext([]string{section})
	c.SetTag(tag)
	return nil
}

func aoscxExitConfig(c *simCall) error {
	if c.Mode() != "config" {
		return aoscxConfigure(c)
	}
	return aoscxEnd(c)
}

func aoscxEnd(c *simCall) error {
	c.SetMode("exec")
	c.SetContext(nil)
	c.SetTag("")
	return nil
}
