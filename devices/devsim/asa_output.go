package devsim

import (
	"fmt"
	"strings"
)

// Long ASA outputs, fixed so that transcripts compare byte for byte.

// asaPorts is the number of data interfaces of the simulated ASAv.
const asaPorts = 8

// asaSetup gives a new firewall an outside, an inside and a management
// interface, the other ports shut, and a default route.
func asaSetup(d *simDevice) {
	d.setSection("interface GigabitEthernet0/0", []string{"description to isp (isp-rtr# show arp)", "nameif outside", "security-level 0", "ip address 192.0.2.2 255.255.255.0"})
	d.setSection("interface GigabitEthernet0/1", []string{"nameif inside", "security-level 100", "ip address 10.0.0.1 255.255.255.0"})
	for i := 2; i < asaPorts; i++ {
		d.setSection(fmt.Sprintf("interface GigabitEthernet0/%d", i), []string{"shutdown", "no nameif", "no security-level", "no ip address"})
	}
	d.setSection("interface Management0/0", []string{"nameif management", "security-level 100", "ip address 192.0.2.31 255.255.255.0"})
	d.setSection("global", []string{"route outside 0.0.0.0 0.0.0.0 192.0.2.1"})
	d.setSection("_startup", asaRunningConfig(d))
}

// asaRunningConfig renders the configuration the way the ASA does: a
// header of colon lines, the version, interfaces separated by "!",
// one-blank indentation, and a checksum at the end.
func asaRunningConfig(d *simDevice) []string {
	host := d.hostname()
	out := []string{
		": Saved", "", ":",
		": Serial Number: 9A1SIMASA01",
		": Hardware:   ASAv, 2048 MB RAM, CPU Xeon 4100/6100/8100 series 2200 MHz",
		":",
		"ASA Version 9.18(3) ", "!",
		"hostname " + host,
		"domain-name lab.example.net",
		"enable password ***** pbkdf2",
		"names",
		"no mac-address auto", "",
	}
	for _, name := range d.sectionNames() {
		if !strings.HasPrefix(name, "interface ") {
			continue
		}
		lines, _ := d.section(name)
		out = append(out, "!", name)
		for _, l := range lines {
			out = append(out, " "+l)
		}
	}
	out = append(out, "!")
	out = append(out, asaPolicyLines...)
	global, _ := d.section("global")
	out = append(out, global...)
	out = append(out, asaServiceLines...)
	return append(out,
		"banner motd The lines below are not prompts:",
		"banner motd "+host+"#",
		"banner motd "+host+"(config)#",
		"Cryptochecksum:5d1c2b3a9f8e7d6c4b3a2f1e0d9c8b7a",
		": end",
	)
}

// asaPolicyLines come between the interfaces and the routes.
var asaPolicyLines = []string{
	"ftp mode passive",
	"object network inside-net",
	" subnet 10.0.0.0 255.255.255.0",
	"access-list outside_in extended permit icmp any any echo-reply",
	"pager lines 24",
	"logging enable",
	"logging timestamp",
	"mtu outside 1500",
	"mtu inside 1500",
	"mtu management 1500",
	"no failover",
	"icmp unreachable rate-limit 1 burst-size 1",
	"no asdm history enable",
	"arp timeout 14400",
	"object network inside-net",
	" nat (inside,outside) dynamic interface",
	"access-group outside_in in interface outside",
}

// asaServiceLines follow the routes: timeouts, management access,
// inspection policy.
var asaServiceLines = []string{
	"timeout xlate 3:00:00",
	"timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 sctp 0:02:00 icmp 0:00:02",
	"user-identity default-domain LOCAL",
	"aaa authentication ssh console LOCAL",
	"http server enable",
	"http 192.0.2.0 255.255.255.0 management",
	"no snmp-server location",
	"no snmp-server contact",
	"crypto ipsec security-association pmtu-aging infinite",
	"ssh stricthostkeycheck",
	"ssh 192.0.2.0 255.255.255.0 management",
	"ssh timeout 5",
	"ssh key-exchange group dh-group14-sha256",
	"console timeout 0",
	"threat-detection basic-threat",
	"threat-detection statistics access-list",
	"dynamic-access-policy-record DfltAccessPolicy",
	"username admin password ***** pbkdf2 privilege 15",
	"!",
	"class-map inspection_default",
	" match default-inspection-traffic",
	"!",
	"policy-map global_policy",
	" class inspection_default",
	"  inspect ftp ",
	"  inspect icmp ",
	"!",
	"service-policy global_policy global",
	"prompt hostname context ",
}

func asaShowRun(c *simCall) simOutput { return sliceOutput(asaRunningConfig(c.device())) }

func asaShowStartup(c *simCall) simOutput {
	lines, _ := c.device().section("_startup")
	return sliceOutput(lines)
}

func asaShowVersion(c *simCall) simOutput {
	return textOutput(`
Cisco Adaptive Security Appliance Software Version 9.18(3) 
SSP Operating System Version 2.12(0.31)
Device Manager Version 7.18(1)

Compiled on Thu 02-Feb-23 18:01 GMT by builders
System image file is "boot:/asa9183-smp-k8.bin"
Config file at boot was "startup-config"

` + c.Hostname() + ` up 1 day 2 hours

Hardware:   ASAv, 2048 MB RAM, CPU Xeon 4100/6100/8100 series 2200 MHz,
Model Id:   ASAv10
Internal ATA Compact Flash, 8192MB
Slot 1: ATA Compact Flash, 8192MB

 0: Ext: GigabitEthernet0/0  : address is 5254.0000.0100, irq 10
 1: Ext: GigabitEthernet0/1  : address is 5254.0000.0101, irq 11
 2: Ext: Management0/0       : address is 5254.0000.01ff, irq 0

License mode: Smart Licensing
ASAv Platform License State: Unlicensed

Serial Number: 9A1SIMASA01
Configuration register is 0x1
Image type          : Release
Key Version         : A

Configuration last modified by admin at 23:00:00.000 UTC Sun Dec 6 2026
`)
}

func asaShowIPBrief(c *simCall) simOutput {
	lines := []string{"Interface                  IP-Address      OK? Method Status                Protocol"}
	for _, name := range c.device().sectionNames() {
		ifname, ok := strings.CutPrefix(name, "interface ")
		if !ok {
			continue
		}
		cfg, _ := c.device().section(name)
		addr, status := "unassigned", "up                    up"
		for _, l := range cfg {
			if f := strings.Fields(l); len(f) == 4 && f[0] == "ip" && f[1] == "address" {
				addr = f[2]
			}
			if l == "shutdown" {
				status = "administratively down  down"
			}
		}
		lines = append(lines, fmt.Sprintf("%-26s %-15s YES CONFIG %s", ifname, addr, status))
	}
	return sliceOutput(lines)
}
