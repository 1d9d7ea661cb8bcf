package devsim

import (
	"slices"
	"strings"
)

// Handlers of the IOS XR commands. What a session configures is staged
// in its data under "candidate" as "section<TAB>statement" entries and
// reaches the device's sections at commit.

func xrCandidate(c *simCall) []string {
	cand, _ := c.Data("candidate").([]string)
	return slices.Clone(cand)
}

func xrConfigure(c *simCall) error {
	c.SetMode("config")
	c.SetContext(nil)
	return nil
}

// xrStage adds the typed statement to the candidate.
func xrStage(c *simCall) error {
	line := strings.Join(strings.Fields(c.Line), " ")
	c.SetData("candidate", append(xrCandidate(c), editedSection(c)+"\t"+line))
	return nil
}

// xrInterfaces are the simulated router's interface types ("Gi0/0/0/1",
// "MgmtEth0/RP0/CPU0/0"); physical ones exist, Loopback and Bundle-Ether
// interfaces are created when committed.
var xrInterfaces = simIfTypes{types: []simIfType{
	{name: "GigabitEthernet", physical: true}, {name: "Loopback"}, {name: "MgmtEth", physical: true}, {name: "Bundle-Ether"},
}, extra: "/.RPCU"}

func xrInterface(c *simCall) error {
	if section, _, _, ok := xrInterfaces.enter(c, kindInvalid, false); ok {
		c.SetMode("config-if")
		c.SetContext([]string{section})
	}
	return nil
}

// xrCommit applies the candidate; the new host name shows in the next
// prompt.
func xrCommit(c *simCall) error {
	cand := xrCandidate(c)
	if len(cand) == 0 {
		c.Println("% No configuration changes to commit.")
		return nil
	}
	d := c.device()
	for _, entry := range cand {
		section, line, _ := strings.Cut(entry, "\t")
		if host, ok := strings.CutPrefix(line, "hostname "); ok && section == "global" {
			c.SetHostname(host)
			continue
		}
		if _, ok := d.section(section); !ok {
			d.setSection(section, nil)
		}
		applyLine(d, section, line)
	}
	c.SetData("candidate", nil)
	d.count("commits", 1)
	return nil
}

func xrAbort(c *simCall) error {
	c.SetData("candidate", nil)
	c.SetMode("exec")
	c.SetContext(nil)
	return nil
}

// xrEnd leaves configuration mode, asking first what to do with
// uncommitted changes: yes commits, no discards, cancel (the default)
// stays.
func xrEnd(c *simCall) error {
	if len(xrCandidate(c)) > 0 {
		ans, err := c.ReadLine("Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:", false)
		if err != nil {
			return ignoreInterrupt(err)
		}
		switch strings.ToLower(strings.TrimSpace(ans)) {
		case "yes", "y":
			if err := xrCommit(c); err != nil {
				return err
			}
		case "no", "n":
			c.SetData("candidate", nil)
		default:
			return nil
		}
	}
	c.SetMode("exec")
	c.SetContext(nil)
	return nil
}

func xrExitConfig(c *simCall) error {
	if c.Mode() != "config" {
		c.SetMode("config")
		c.SetContext(nil)
		return nil
	}
	return xrEnd(c)
}

// xrDo runs an exec command from configuration mode.
func xrDo(c *simCall) error {
	mode, ctx := c.Mode(), c.Context()
	_, command, _ := strings.Cut(strings.TrimSpace(c.Line), " ")
	c.SetMode("exec")
	err := c.s.execute(command)
	c.SetMode(mode)
	c.SetContext(ctx)
	return err
}

// xrReload asks for confirmation; Enter or y reloads, which drops the
// connection.
func xrReload(c *simCall) error {
	key, err := c.ReadKey("Proceed with reload? [confirm]")
	if err != nil {
		return err
	}
	if key != '\r' && key != '\n' && key != 'y' && key != 'Y' {
		c.Print("\n")
		return nil
	}
	return c.CloseConnection()
}
