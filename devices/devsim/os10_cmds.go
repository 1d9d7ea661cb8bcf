package devsim

import (
	"strings"
)

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

// os10InterfaceName turns "ethernet 1/1/5", "ethernet1/1/5", "vlan 10",
// "loopback 0" into the name OS10 shows and the short form its prompt
// shows ("eth1/1/5", "vl-10", "lo-0").
func os10InterfaceName(s string) (name, tag string, ok bool) {
	f := strings.Fields(strings.ToLower(s))
	joined := strings.Join(f, "")
	i := strings.IndexAny(joined, "0123456789")
	if i <= 0 || strings.Trim(joined[i:], "0123456789/") != "" {
		return "", "", false
	}
	prefix, num := joined[:i], joined[i:]
	for _, t := range []struct{ full, short string }{
		{"ethernet", "eth"}, {"mgmt", "ma-"}, {"vlan", "vl-"}, {"loopback", "lo-"}, {"port-channel", "po-"},
	} {
		if strings.HasPrefix(t.full, prefix) {
			return t.full + num, t.short + num, true
		}
	}
	return "", "", false
}

func os10Interface(c *simCall) error {
	name, tag, ok := os10InterfaceName(c.Args[0])
	section := "interface " + name
	if _, exists := c.device().section(section); ok && !exists {
		if strings.HasPrefix(name, "ethernet") || strings.HasPrefix(name, "mgmt") {
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
	c.SetMode("conf-if")
	c.SetContext([]string{section})
	c.SetTag(tag)
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
