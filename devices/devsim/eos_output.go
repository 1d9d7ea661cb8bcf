package devsim

import (
	"fmt"
	"strings"
)

// Long EOS outputs, fixed so that transcripts compare byte for byte.

// eosPorts is the number of front-panel Ethernet ports of the simulated
// switch.
const eosPorts = 24

// eosSetup gives a new switch its ports, management interface and a
// static route.
func eosSetup(d *simDevice) {
	d.setSection("interface Ethernet1", []string{"description uplink to spine1 (spine1#show lldp)", "no switchport", "ip address 10.0.0.1/31", "mtu 9214"})
	d.setSection("interface Ethernet2", []string{"description uplink to spine2", "no switchport", "ip address 10.0.0.3/31", "mtu 9214"})
	for i := 3; i <= eosPorts; i++ {
		d.setSection(fmt.Sprintf("interface Ethernet%d", i), []string{"shutdown"})
	}
	d.setSection("interface Loopback0", []string{"ip address 10.255.0.11/32"})
	d.setSection("interface Management1", []string{"ip address 192.0.2.11/24"})
	d.setSection("global", []string{"ip route 0.0.0.0/0 192.0.2.254"})
	d.setSection("_startup", eosRunningConfig(d))
}

// eosRunningConfig renders the running configuration in EOS's order and
// three-blank indentation.
func eosRunningConfig(d *simDevice) []string {
	host := d.hostname()
	out := []string{
		"! Command: show running-config",
		"! device: " + host + " (vEOS-lab, EOS-4.31.2F)",
		"!", "! boot system flash:/vEOS-lab.swi", "!",
		"no aaa root", "!",
		"username admin privilege 15 role network-admin secret sha512 $6$simulated$notarealhashvalue",
		"!", "transceiver qsfp default-mode 4x10G", "!",
		"service routing protocols model multi-agent", "!",
		"hostname " + host, "ip domain-name lab.example.net", "!",
		"spanning-tree mode mstp", "!",
	}
	for _, name := range d.sectionNames() {
		if !strings.HasPrefix(name, "interface ") {
			continue
		}
		lines, _ := d.section(name)
		out = append(out, name)
		for _, l := range lines {
			out = append(out, "   "+l)
		}
		out = append(out, "!")
	}
	out = append(out, "ip routing", "!")
	global, _ := d.section("global")
	out = append(out, global...)
	out = append(out, "!",
		"banner motd",
		"Lab fabric switch "+host+". The lines below are not prompts:",
		host+"#",
		host+">",
		"EOF",
		"!", "management api http-commands", "   no shutdown", "!", "end")
	return out
}

func eosShowRun(c *simCall) simOutput { return sliceOutput(eosRunningConfig(c.running())) }

func eosShowStartup(c *simCall) simOutput {
	lines, _ := c.running().section("_startup")
	return sliceOutput(lines)
}

func eosShowVersion(*simCall) simOutput {
	return textOutput(`Arista vEOS-lab
Hardware version:
Serial number: SIMEOS0000001
Hardware MAC address: 5254.0000.0b01
System MAC address: 5254.0000.0b01

Software image version: 4.31.2F
Architecture: x86_64
Internal build version: 4.31.2F-35442176.4312F
Internal build ID: 0b0f3c4e-simulated-for-testing
Image format version: 1.0
Image optimization: None

Uptime: 1 day, 2 hours and 3 minutes
Total memory: 3977456 kB
Free memory: 2614244 kB
`)
}

func eosShowIntStatus(c *simCall) simOutput {
	lines := []string{"Port       Name                        Status       Vlan       Duplex Speed  Type            Flags Encapsulation"}
	for _, name := range c.running().sectionNames() {
		full, ok := strings.CutPrefix(name, "interface ")
		if !ok || strings.HasPrefix(full, "Loopback") {
			continue
		}
		t, num, _ := eosInterfaces.expand(full)
		short := t.short + num
		cfg, _ := c.running().section(name)
		desc, status, vlan := "", "connected", "1"
		for _, l := range cfg {
			if d, ok := strings.CutPrefix(l, "description "); ok {
				desc = d
			}
			if l == "shutdown" {
				status = "disabled"
			}
			if l == "no switchport" || strings.HasPrefix(full, "Management") {
				vlan = "routed"
			}
		}
		if len(desc) > 27 {
			desc = desc[:27]
		}
		lines = append(lines, fmt.Sprintf("%-10s %-27s %-12s %-10s full   1G     EbraTestPhyPort", short, desc, status, vlan))
	}
	return sliceOutput(lines)
}
