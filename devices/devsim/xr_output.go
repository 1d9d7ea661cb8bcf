package devsim

import (
	"fmt"
	"strings"
)

// Long IOS XR outputs, fixed so that transcripts compare byte for byte.

// xrPorts is the number of GigabitEthernet ports of the simulated router.
const xrPorts = 24

func xrSetup(d *simDevice) {
	d.setSection("interface Loopback0", []string{"ipv4 address 10.255.2.1 255.255.255.255"})
	d.setSection("interface MgmtEth0/RP0/CPU0/0", []string{"ipv4 address 192.0.2.41 255.255.255.0"})
	d.setSection("interface GigabitEthernet0/0/0/0", []string{"description core uplink (RP/0/RP0/CPU0:p1# is the far end)", "ipv4 address 10.2.0.1 255.255.255.252"})
	for i := 1; i < xrPorts; i++ {
		d.setSection(fmt.Sprintf("interface GigabitEthernet0/0/0/%d", i), []string{"shutdown"})
	}
}

// xrStamped makes a show command's handler that prints the time first,
// as IOS XR does, outside the output filters and the pager.
func xrStamped(lines func(*simCall) []string) func(*simCall) error {
	return func(c *simCall) error {
		c.Println(xrTime)
		return c.Page(sliceOutput(lines(c)))
	}
}

// xrRunningConfig renders the committed configuration in IOS XR's order,
// one blank of indentation, "!" after each section.
func xrRunningConfig(d *simDevice) []string {
	out := []string{
		"Building configuration...",
		"!! IOS XR Configuration 7.3.2",
		fmt.Sprintf("!! Last configuration change at Sun Dec  6 23:00:%02d 2026 by admin", d.count("commits", 0)),
		"!",
		"hostname " + d.hostname(),
		"banner motd ^",
		"Lab PE router. The lines below are not prompts:",
		xrNode + ":" + d.hostname() + "#",
		"^",
		"username admin",
		" group root-lr",
		" group cisco-support",
		" secret 10 $6$simulated$notarealhashvalue",
		"!",
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
		out = append(out, "!")
	}
	return append(out,
		"router static", " address-family ipv4 unicast", "  0.0.0.0/0 192.0.2.254", " !", "!",
		"ssh server v2", "end")
}

func xrShowRun(c *simCall) []string { return xrRunningConfig(c.device()) }

// xrShowCandidate shows the uncommitted changes of the session.
func xrShowCandidate(c *simCall) []string {
	out := []string{"Building configuration...", "!! IOS XR Configuration 7.3.2"}
	section := ""
	for _, entry := range xrCandidate(c) {
		s, line, _ := strings.Cut(entry, "\t")
		if s != section && s != "global" {
			out = append(out, s)
		}
		section = s
		if s != "global" {
			line = " " + line
		}
		out = append(out, line)
	}
	return append(out, "end")
}

func xrShowVersion(*simCall) []string {
	return strings.Split(`Cisco IOS XR Software, Version 7.3.2
Copyright (c) 2013-2021 by Cisco Systems, Inc.

Build Information:
 Built By     : simulated
 Built On     : Sun Dec  6 00:00:00 UTC 2026
 Built Host   : simulated-build-host
 Workspace    : /auto/simulated/ws
 Version      : 7.3.2
 Location     : /opt/cisco/XR/packages/
 Label        : 7.3.2

cisco IOS-XRv 9000 () processor
System uptime is 1 day 2 hours 3 minutes`, "\n")
}

func xrShowIPv4Brief(c *simCall) []string {
	lines := []string{"", "Interface                      IP-Address      Status          Protocol Vrf-Name"}
	for _, name := range c.device().sectionNames() {
		ifname, ok := strings.CutPrefix(name, "interface ")
		if !ok {
			continue
		}
		cfg, _ := c.device().section(name)
		addr, status := "unassigned", "Up"
		for _, l := range cfg {
			if f := strings.Fields(l); len(f) == 4 && f[0] == "ipv4" {
				addr = f[2]
			}
			if l == "shutdown" {
				status = "Shutdown"
			}
		}
		proto := "Up"
		if status != "Up" {
			proto = "Down"
		}
		lines = append(lines, fmt.Sprintf("%-30s %-15s %-15s %-8s default", ifname, addr, status, proto))
	}
	return lines
}
