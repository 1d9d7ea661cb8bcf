package devsim

import (
	"fmt"
	"strings"
)

// Long AOS-CX outputs, fixed so that transcripts compare byte for byte.

// aoscxPorts is the number of front-panel ports of the simulated switch.
const aoscxPorts = 28

// aoscxSetup gives a new switch its ports, the management interface, a
// VLAN interface and a default route.
func aoscxSetup(d *simDevice) {
	d.setSection("interface 1/1/1", []string{"description uplink to core1 (core1# show lldp)", "routing", "ip address 10.3.0.1/31"})
	d.setSection("interface 1/1/2", []string{"description uplink to core2", "routing", "ip address 10.3.0.3/31"})
	for i := 3; i <= aoscxPorts; i++ {
		d.setSection(fmt.Sprintf("interface 1/1/%d", i), []string{"no routing", "vlan access 1", "shutdown"})
	}
	d.setSection("interface mgmt", []string{"ip static 192.0.2.61/24", "default-gateway 192.0.2.254"})
	d.setSection("interface vlan 1", []string{"ip dhcp"})
	d.setSection("global", []string{"ip route 0.0.0.0/0 10.3.0.0"})
	d.setSection("_startup", aoscxRunningConfig(d))
}

// aoscxRunningConfig renders the configuration the way AOS-CX does: a
// header, "!" lines, four-blank indentation, "no shutdown" shown for
// ports that are up.
func aoscxRunningConfig(d *simDevice) []string {
	host := d.hostname()
	out := []string{
		"Current configuration:",
		"!",
		"!Version ArubaOS-CX FL.10.13.1000",
		"!export-password: default",
		"hostname " + host,
		"user admin group administrators password ciphertext AQBapSIMULATEDnotarealvalue",
		"ntp server pool.ntp.org minpoll 4 maxpoll 4 iburst",
		"ntp enable",
		"!",
		"ssh server vrf mgmt",
		"vlan 1",
		"spanning-tree",
		"banner motd !",
		"Campus switch. The lines below are not prompts:",
		host + "#",
		host + "(config)#",
		"!",
	}
	for _, name := range d.sectionNames() {
		if !strings.HasPrefix(name, "interface ") {
			continue
		}
		lines, _ := d.section(name)
		shut := false
		out = append(out, name)
		for _, l := range lines {
			if l == "shutdown" {
				shut = true
				continue
			}
			out = append(out, "    "+l)
		}
		if !shut {
			out = append(out, "    no shutdown")
		} else {
			out = append(out, "    shutdown")
		}
	}
	global, _ := d.section("global")
	out = append(out, global...)
	return append(out, "!",
		"https-server vrf mgmt",
	)
}

func aoscxShowRun(c *simCall) simOutput { return sliceOutput(aoscxRunningConfig(c.device())) }

func aoscxShowStartup(c *simCall) simOutput {
	lines, _ := c.device().section("_startup")
	return sliceOutput(lines)
}

func aoscxShowVersion(*simCall) simOutput {
	return textOutput(`-----------------------------------------------------------------------------
ArubaOS-CX
(c) Copyright 2017-2024 Hewlett Packard Enterprise Development LP
-----------------------------------------------------------------------------
Version      : FL.10.13.1000
Build Date   : 2024-01-10 09:00:00 UTC
Build ID     : ArubaOS-CX:FL.10.13.1000:simulated0000:202401100900
Build SHA    : simulated0000000000000000000000000000000
Hot Patches  :
Active Image : primary

Service OS Version : FL.01.13.0001
BIOS Version       : FL.01.0002
`)
}

func aoscxShowIntBrief(c *simCall) simOutput {
	lines := []string{
		"--------------------------------------------------------------------------------------------------------",
		"Port       Native  Mode   Type           Enabled Status  Reason                  Speed   Description",
		"           VLAN                                                                  (Mb/s)",
		"--------------------------------------------------------------------------------------------------------",
	}
	for _, name := range c.device().sectionNames() {
		port, ok := strings.CutPrefix(name, "interface 1/")
		if !ok {
			continue
		}
		cfg, _ := c.device().section(name)
		enabled, status, reason, mode, vlan := "yes", "up", "", "routed", "--"
		for _, l := range cfg {
			switch {
			case l == "shutdown":
				enabled, status, reason = "no", "down", "Administratively down"
			case strings.HasPrefix(l, "vlan access "):
				mode, vlan = "access", strings.TrimPrefix(l, "vlan access ")
			}
		}
		lines = append(lines, fmt.Sprintf("1/%-8s %-7s %-6s %-14s %-7s %-7s %-23s %-7s --", port, vlan, mode, "1GbT", enabled, status, reason, "1000"))
	}
	return sliceOutput(lines)
}
