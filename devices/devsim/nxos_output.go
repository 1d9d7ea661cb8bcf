package devsim

import (
	"fmt"
	"strings"
)

// Long NX-OS outputs, fixed so that transcripts compare byte for byte.

// nxosPorts is the number of front-panel ports of the simulated switch.
const nxosPorts = 32

func nxosSetup(d *simDevice) {
	d.setSection("interface Ethernet1/1", []string{"description uplink to spine1 (spine1# show cdp)", "mtu 9216", "ip address 10.1.0.1/31"})
	d.setSection("interface Ethernet1/2", []string{"description uplink to spine2", "mtu 9216", "ip address 10.1.0.3/31"})
	for i := 3; i <= nxosPorts; i++ {
		d.setSection(fmt.Sprintf("interface Ethernet1/%d", i), []string{"switchport", "shutdown"})
	}
	d.setSection("interface mgmt0", []string{"vrf member management", "ip address 192.0.2.21/24"})
	d.setSection("interface loopback0", []string{"ip address 10.255.1.1/32"})
	d.setSection("global", []string{"ip route 0.0.0.0/0 192.0.2.254"})
	d.setSection("_startup", nxosRunningConfig(d, true))
}

// nxosRunningConfig renders the configuration the way NX-OS does: a
// header naming the command and the time, features first, two-blank
// indentation. The startup copy has its own first line.
func nxosRunningConfig(d *simDevice, startup bool) []string {
	host := d.hostname()
	first := "!Command: show running-config"
	if startup {
		first = "!Command: show startup-config"
	}
	out := []string{
		first,
		"!Running configuration last done at: Sun Dec  6 23:00:00 2026",
		"!Time: Sun Dec  6 23:12:34 2026",
		"",
		"version 10.3(2) Bios:version  ",
		"hostname " + host,
		"vdc " + host + " id 1",
		"  limit-resource vlan minimum 16 maximum 4094",
		"  limit-resource vrf minimum 2 maximum 4096",
		"",
		"feature bgp",
		"feature interface-vlan",
		"feature lldp",
		"",
		"username admin password 5 $5$SIMULATED$notarealhashvalue  role network-admin",
		"ip domain-lookup",
		"copp profile strict",
		"",
		"banner motd #",
		"Lab Nexus switch. The lines below are not prompts:",
		host + "#",
		host + "(config)#",
		"#",
		"",
	}
	global, _ := d.section("global")
	out = append(out, global...)
	out = append(out, "vrf context management", "  ip route 0.0.0.0/0 192.0.2.254", "")
	for _, name := range d.sectionNames() {
		if !strings.HasPrefix(name, "interface ") {
			continue
		}
		lines, _ := d.section(name)
		out = append(out, "", name)
		for _, l := range lines {
			out = append(out, "  "+l)
		}
	}
	return append(out, "line console", "line vty", "boot nxos bootflash:/nxos64-cs.10.3.2.F.bin")
}

func nxosShowRun(c *simCall) simOutput { return sliceOutput(nxosRunningConfig(c.device(), false)) }

func nxosShowStartup(c *simCall) simOutput {
	lines, _ := c.device().section("_startup")
	return sliceOutput(lines)
}

func nxosShowVersion(c *simCall) simOutput {
	return textOutput(nxosHeader + `

Software
  BIOS: version 
  NXOS: version 10.3(2) [Maintenance Release]
  BIOS compile time:  
  NXOS image file is: bootflash:///nxos64-cs.10.3.2.F.bin
  NXOS compile time:  12/31/2022 12:00:00 [01/01/2023 00:00:00]

Hardware
  cisco Nexus9000 C9300v Chassis 
   with 16395832 kB of memory.
  Processor Board ID 9SIMNXOS01

  Device name: ` + c.Hostname() + `
  bootflash:    4287040 kB

Kernel uptime is 1 day(s), 2 hour(s), 3 minute(s), 4 second(s)

Last reset 
  Reason: Unknown
  System version: 
  Service: 

plugin
  Core Plugin, Ethernet Plugin

Active Package(s):
`)
}

func nxosShowIntBrief(c *simCall) simOutput {
	lines := []string{
		"",
		"--------------------------------------------------------------------------------",
		"Ethernet      VLAN    Type Mode   Status  Reason                   Speed     Port",
		"Interface                                                                    Ch #",
		"--------------------------------------------------------------------------------",
	}
	for _, name := range c.device().sectionNames() {
		full, ok := strings.CutPrefix(name, "interface Ethernet")
		if !ok {
			continue
		}
		cfg, _ := c.device().section(name)
		vlan, mode, status, reason := "--", "routed", "up", "none"
		for _, l := range cfg {
			switch l {
			case "switchport":
				vlan, mode = "1", "access"
			case "shutdown":
				status, reason = "down", "Administratively down"
			}
		}
		lines = append(lines, fmt.Sprintf("Eth%-10s %-7s eth  %-6s %-7s %-24s 10G(D)    --", full, vlan, mode, status, reason))
	}
	return sliceOutput(lines)
}
