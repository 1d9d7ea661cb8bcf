package devsim

import (
	"fmt"
	"strings"
)

// Long OS10 outputs, fixed so that transcripts compare byte for byte.

// os10Ports is the number of front-panel ports of the simulated switch.
const os10Ports = 32

// os10Setup gives a new switch its ports, a management interface, a
// VLAN and a default route.
func os10Setup(d *simDevice) {
	d.setSection("interface ethernet1/1/1", []string{"description uplink to spine1 (spine1# show lldp)", "no switchport", "mtu 9216", "ip address 10.2.0.1/31"})
	d.setSection("interface ethernet1/1/2", []string{"description uplink to spine2", "no switchport", "mtu 9216", "ip address 10.2.0.3/31"})
	for i := 3; i <= os10Ports; i++ {
		d.setSection(fmt.Sprintf("interface ethernet1/1/%d", i), []string{"switchport access vlan 1", "shutdown"})
	}
	d.setSection("interface mgmt1/1/1", []string{"no ip address dhcp", "ip address 192.0.2.51/24"})
	d.setSection("interface vlan1", nil)
	d.setSection("global", []string{"ip route 0.0.0.0/0 192.0.2.254"})
	d.setSection("_startup", os10RunningConfig(d))
}

// os10RunningConfig renders the configuration the way OS10 does: version
// comments first, "!" between blocks, one-blank indentation.
func os10RunningConfig(d *simDevice) []string {
	host := d.hostname()
	out := []string{
		"! Version 10.5.5.1",
		"! Last configuration change at Dec  06 23:00:00 2026",
		"!",
		"ip vrf default",
		"!",
		"hostname " + host,
		"system-user linuxadmin password ****",
		"iscsi target port 860",
		"iscsi target port 3260",
		"username admin password **** role sysadmin priv-lvl 15",
		"aaa authentication login default local",
		"aaa authentication login console local",
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
			out = append(out, " "+l)
		}
		if !shut {
			out = append(out, " no shutdown")
		}
		out = append(out, "!")
	}
	global, _ := d.section("global")
	out = append(out, global...)
	return append(out, "!",
		"support-assist",
		"!",
		"policy-map type application policy-iscsi",
		"!",
		"class-map type application class-iscsi",
		"!",
		"banner motd ^C",
		"Lab switch. The lines below are not prompts:",
		host+"#",
		host+"(config)#",
		"^C",
		"!",
		"line vty",
		"!",
		"snmp-server contact \"Contact Support\"",
	)
}

func os10ShowRun(c *simCall) simOutput { return sliceOutput(os10RunningConfig(c.device())) }

func os10ShowStartup(c *simCall) simOutput {
	lines, _ := c.device().section("_startup")
	return sliceOutput(lines)
}

func os10ShowVersion(*simCall) simOutput {
	return textOutput(`Dell SmartFabric OS10 Enterprise
Copyright (c) 1999-2023 by Dell Inc. All Rights Reserved.
OS Version: 10.5.5.1
Build Version: 10.5.5.1.124
Build Time: 2023-06-20T13:10:38+0000
System Type: S5248F-ON
Architecture: x86_64
Up Time: 1 day 02:03:04
`)
}

func os10ShowIntStatus(c *simCall) simOutput {
	lines := []string{
		"--------------------------------------------------------------------------------------------------",
		"Port            Description     Status   Speed    Duplex   Mode Vlan Tagged-Vlans",
		"--------------------------------------------------------------------------------------------------",
	}
	for _, name := range c.device().sectionNames() {
		port, ok := strings.CutPrefix(name, "interface ethernet")
		if !ok {
			continue
		}
		cfg, _ := c.device().section(name)
		status, speed, mode, vlan := "up", "25G", "-", "-"
		for _, l := range cfg {
			switch {
			case l == "shutdown":
				status, speed = "down", "0"
			case strings.HasPrefix(l, "switchport access vlan "):
				mode, vlan = "A", strings.TrimPrefix(l, "switchport access vlan ")
			}
		}
		lines = append(lines, fmt.Sprintf("Eth %-11s %-15s %-8s %-8s %-8s %-4s %-4s -", port, "", status, speed, "full", mode, vlan))
	}
	return sliceOutput(lines)
}
