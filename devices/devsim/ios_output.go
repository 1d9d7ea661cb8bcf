package devsim

import (
	"fmt"
	"strings"
)

// Long IOS outputs. Texts are fixed (no clock, no randomness) so
// transcripts compare byte for byte.

// iosSetup gives a new router its interfaces and lines.
func iosSetup(d *simDevice) {
	d.setSection("interface GigabitEthernet0/0", []string{
		"description uplink to core (R1#ping 192.0.2.254)",
		"ip address 192.0.2.1 255.255.255.0", "duplex auto", "speed auto", "media-type rj45",
	})
	for i := 1; i <= 3; i++ {
		d.setSection(fmt.Sprintf("interface GigabitEthernet0/%d", i), []string{
			"no ip address", "shutdown", "duplex auto", "speed auto", "media-type rj45",
		})
	}
	d.setSection("global", []string{"ip route 0.0.0.0 0.0.0.0 192.0.2.254"})
	d.setSection("line con 0", nil)
	d.setSection("line vty 0 4", []string{"login local", "transport input ssh"})
	d.setSection("_startup", iosRunningConfig(d))
	iosStoreFile(d, iosStartupURL, iosTakeSnapshot(d), true)
}

// iosRunningConfig renders the running configuration from the device
// state, in the order IOS prints it.
func iosRunningConfig(d *simDevice) []string {
	host := d.hostname()
	body := []string{
		"!", "! Last configuration change at 00:12:34 UTC Mon Mar 1 1993 by admin", "!",
		"version 15.9", "service timestamps debug datetime msec", "service timestamps log datetime msec",
		"no service password-encryption", "!", "hostname " + host, "!", "boot-start-marker", "boot-end-marker",
		"!", "!", "enable secret 9 $9$simulated$notarealhashvalue.0123456789abcdef", "!", "no aaa new-model",
		"!", "!", "ip cef", "no ip domain lookup", "ip domain name lab.example.net", "no ipv6 cef", "!",
		"multilink bundle-name authenticated", "!",
	}
	names := d.sectionNames()
	render := func(prefix string) {
		for _, name := range names {
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			lines, _ := d.section(name)
			body = append(body, name)
			for _, l := range lines {
				body = append(body, " "+l)
			}
			body = append(body, "!")
		}
	}
	render("archive")
	body = append(body, "username admin privilege 15 secret 9 $9$simulated$notarealhashvalue.fedcba9876543210",
		"!", "redundancy", "!")
	render("interface ")
	render("router ")
	body = append(body, "ip forward-protocol nd", "!", "no ip http server", "no ip http secure-server")
	global, _ := d.section("global")
	body = append(body, global...)
	body = append(body, "ip ssh version 2", "!",
		"banner exec ^C",
		"Welcome to "+host+"# -- the prompt-like text in this banner is not a prompt",
		host+"#",
		host+">",
		"^C",
		"banner motd ^C", "% Lab router: changes -> ticket # required", "^C",
		"!")
	render("line ")
	body = append(body, "no scheduler allocate", "!", "end")
	size := 0
	for _, l := range body {
		size += len(l) + 1
	}
	return append([]string{"Building configuration...", "", fmt.Sprintf("Current configuration : %d bytes", size)}, body...)
}

func iosShowRun(c *simCall) simOutput { return sliceOutput(iosRunningConfig(c.device())) }

func iosShowStartup(c *simCall) simOutput {
	lines, _ := c.device().section("_startup")
	if len(lines) > 2 {
		lines = append([]string{"Using " + strings.TrimPrefix(lines[2], "Current configuration : ") + " out of 262144 bytes"}, lines[3:]...)
	}
	return sliceOutput(lines)
}

func iosShowVersion(c *simCall) simOutput {
	host := c.Hostname()
	return textOutput(`Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.9(3)M6, RELEASE SOFTWARE (fc1)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2022 by Cisco Systems, Inc.
Compiled Wed 03-Aug-22 08:00 by prod_rel_team


ROM: Bootstrap program is IOSv

` + host + ` uptime is 1 day, 2 hours, 3 minutes
System returned to ROM by reload
System image file is "flash0:/vios-adventerprisek9-m"
Last reload reason: Unknown reason



This simulated router answers like an IOSv image for testing only.
It implements a small subset of the EXEC and configuration commands,
with fixed clocks and counters so that transcripts stay stable.
No traffic is forwarded and no real configuration is stored.

Any resemblance of its output to a real device is deliberate: it exists
so that automation can be tested without lab hardware.

Cisco IOSv (revision 1.0) with  with 460137K/62464K bytes of memory.
Processor board ID 9SIMULATED1
4 Gigabit Ethernet interfaces
DRAM configuration is 72 bits wide with parity disabled.
256K bytes of non-volatile configuration memory.
2097152K bytes of ATA System CompactFlash 0 (Read/Write)
0K bytes of ATA CompactFlash 1 (Read/Write)
0K bytes of ATA CompactFlash 2 (Read/Write)
10080K bytes of ATA CompactFlash 3 (Read/Write)



Configuration register is 0x0
`)
}

func iosShowIPIntBrief(c *simCall) simOutput {
	lines := []string{"Interface                  IP-Address      OK? Method Status                Protocol"}
	for _, name := range c.device().sectionNames() {
		ifname, ok := strings.CutPrefix(name, "interface ")
		if !ok {
			continue
		}
		cfg, _ := c.device().section(name)
		addr, status, proto := "unassigned", "up", "up"
		for _, l := range cfg {
			if f := strings.Fields(l); len(f) == 4 && f[0] == "ip" && f[1] == "address" {
				addr = f[2]
			}
			if l == "shutdown" {
				status, proto = "administratively down", "down"
			}
		}
		lines = append(lines, fmt.Sprintf("%-26s %-15s YES NVRAM  %-21s %-8s", ifname, addr, status, proto))
	}
	return sliceOutput(lines)
}

func iosShowUsers(c *simCall) simOutput {
	return sliceOutput([]string{
		"    Line       User       Host(s)              Idle       Location",
		fmt.Sprintf("*866 vty 0     %-10s idle                 00:00:00 %s", c.Options().Username, c.RemoteIP()),
		"",
		"  Interface    User               Mode         Idle     Peer Address",
		"",
	})
}

// iosLogEntries is the number of messages in the simulated log buffer.
const iosLogEntries = 30000

var iosLogHeader = []string{
	"Syslog logging: enabled (0 messages dropped, 3 messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)",
	"",
	"No Active Message Discriminator.",
	"",
	"",
	"No Inactive Message Discriminator.",
	"",
	"",
	"    Console logging: level debugging, 112 messages logged, xml disabled,",
	"                     filtering disabled",
	"    Monitor logging: level debugging, 0 messages logged, xml disabled,",
	"                     filtering disabled",
	fmt.Sprintf("    Buffer logging:  level debugging, %d messages logged, xml disabled,", iosLogEntries),
	"                    filtering disabled",
	"    Exception Logging: size (4096 bytes)",
	"    Count and timestamp logging messages: disabled",
	"    Persistent logging: disabled",
	"",
	"No active filter modules.",
	"",
	fmt.Sprintf("    Trap logging: level informational, %d message lines logged", iosLogEntries+4),
	"        Logging Source-Interface:       VRF Name:",
	"",
	"Log Buffer (8192000 bytes):",
	"",
}

// iosShowLogging streams tens of thousands of deterministic log lines.
func iosShowLogging(c *simCall) simOutput {
	return simOutput{Total: len(iosLogHeader) + iosLogEntries, Lines: func(yield func(string) bool) {
		for _, l := range iosLogHeader {
			if !yield(l) {
				return
			}
		}
		for i := range iosLogEntries {
			if !yield(iosLogLine(i)) {
				return
			}
		}
	}}
}

// iosLogLine renders log entry i with a timestamp 1.234 s after the
// previous one.
func iosLogLine(i int) string {
	ms := i * 1234
	ts := fmt.Sprintf("*Mar  1 %02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
	port, state := i%4, [2]string{"down", "up"}[i/4%2]
	var msg string
	switch i % 5 {
	case 0:
		msg = fmt.Sprintf("%%LINK-3-UPDOWN: Interface GigabitEthernet0/%d, changed state to %s", port, state)
	case 1:
		msg = fmt.Sprintf("%%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/%d, changed state to %s", port, state)
	case 2:
		msg = fmt.Sprintf("%%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin] [Source: 192.0.2.%d] [localport: 22] at %s UTC Mon Mar 1 1993", 10+i%200, ts[8:])
	case 3:
		msg = fmt.Sprintf("%%OSPF-5-ADJCHG: Process 1, Nbr 192.0.2.%d on GigabitEthernet0/0 from LOADING to FULL, Loading Done", 10+i%200)
	default:
		msg = fmt.Sprintf("%%SYS-5-CONFIG_I: Configured from console by admin on vty0 (192.0.2.%d)", 10+i%200)
	}
	return ts + ": " + msg
}
