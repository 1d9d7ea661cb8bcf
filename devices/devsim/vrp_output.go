package devsim

import (
	"fmt"
	"strings"
)

// Long VRP outputs, fixed so that transcripts compare byte for byte.

// vrpPorts is the number of front-panel ports of the simulated switch.
const vrpPorts = 24

// vrpSetup gives a new switch its ports, a management interface, a
// VLAN interface and a default route.
func vrpSetup(d *simDevice) {
	d.setSection("interface GigabitEthernet0/0/1", []string{"description uplink to core <core-sw>", "port link-type trunk"})
	for i := 2; i <= vrpPorts; i++ {
		d.setSection(fmt.Sprintf("interface GigabitEthernet0/0/%d", i), []string{"port link-type access", "shutdown"})
	}
	d.setSection("interface MEth0/0/1", []string{"ip address 192.0.2.41 255.255.255.0"})
	d.setSection("interface Vlanif10", []string{"ip address 10.10.0.2 255.255.255.0"})
	d.setSection("global", []string{"ip route-static 0.0.0.0 0.0.0.0 192.0.2.254"})
	d.setSection("_startup", vrpCurrentConfig(d))
}

// vrpCurrentConfig renders the configuration the way VRP does: "#"
// between blocks, one-blank indentation, "return" at the end.
func vrpCurrentConfig(d *simDevice) []string {
	host := d.hostname()
	out := []string{
		"!Software Version V200R019C10SPC500",
		"#",
		"sysname " + host,
		"#",
		"vlan batch 10 20",
		"#",
		"stp enable",
		"#",
		"aaa",
		" authentication-scheme default",
		" authorization-scheme default",
		" accounting-scheme default",
		" domain default",
		" domain default_admin",
		" local-user admin password irreversible-cipher $1a$SIMULATED$notarealhashvalue$",
		" local-user admin privilege level 15",
		" local-user admin service-type terminal ssh",
		"#",
	}
	for _, name := range d.sectionNames() {
		if !strings.HasPrefix(name, "interface ") {
			continue
		}
		lines, _ := d.section(name)
		out = append(out, name)
		for _, l := range lines {
			out = append(out, " "+l)
		}
		out = append(out, "#")
	}
	global, _ := d.section("global")
	out = append(out, global...)
	return append(out, "#",
		"stelnet server enable",
		"ssh user admin",
		"ssh user admin authentication-type password",
		"ssh user admin service-type stelnet",
		"#",
		"header shell information \"Lab switch. The lines below are not prompts:",
		"<"+host+">",
		"["+host+"]",
		"\"",
		"#",
		"user-interface con 0",
		" authentication-mode password",
		"user-interface vty 0 4",
		" authentication-mode aaa",
		" protocol inbound ssh",
		"#",
		"return",
	)
}

func vrpDisplayCurrent(c *simCall) simOutput { return sliceOutput(vrpCurrentConfig(c.device())) }

func vrpDisplaySaved(c *simCall) simOutput {
	lines, _ := c.device().section("_startup")
	return sliceOutput(lines)
}

func vrpDisplayVersion(*simCall) simOutput {
	return textOutput(`Huawei Versatile Routing Platform Software
VRP (R) software, Version 5.170 (S5735 V200R019C10SPC500)
Copyright (C) 2000-2020 HUAWEI TECH Co., Ltd.
HUAWEI S5735-L24T4S-A1 Routing Switch uptime is 1 day, 2 hours, 3 minutes

ES5D2T28S005 0(Master) : uptime is 1 day, 2 hours, 3 minutes
DDR             Memory Size : 512  M bytes
FLASH Total     Memory Size : 512  M bytes
FLASH Available Memory Size : 309  M bytes
Pcb           Version : VER.A
BootROM       Version : 0213.0000
BootLoad      Version : 0213.0000
CPLD          Version : 0104
Software      Version : VRP (R) Software, Version 5.170 (V200R019C10SPC500)
FLASH         Version : 0000.0000
`)
}

func vrpDisplayIntBrief(c *simCall) simOutput {
	lines := []string{
		"PHY: Physical",
		"*down: administratively down",
		"(l): loopback",
		"(s): spoofing",
		"(b): BFD down",
		"(e): ETHOAM down",
		"(dl): DLDP down",
		"(d): Dampening Suppressed",
		"InUti/OutUti: input utility/output utility",
		"Interface                   PHY   Protocol  InUti OutUti   inErrors  outErrors",
	}
	for _, name := range c.device().sectionNames() {
		ifname, ok := strings.CutPrefix(name, "interface ")
		if !ok {
			continue
		}
		cfg, _ := c.device().section(name)
		phy, proto := "up", "up"
		for _, l := range cfg {
			if l == "shutdown" {
				phy, proto = "*down", "down"
			}
		}
		lines = append(lines, fmt.Sprintf("%-27s %-5s %-8s  0.01%%  0.01%%          0          0", ifname, phy, proto))
	}
	return sliceOutput(lines)
}
