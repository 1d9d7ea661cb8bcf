package devsim

import "fmt"

// Long Junos outputs, fixed so transcripts compare byte for byte.

// junosShowVersion prints the version report with the current hostname.
func junosShowVersion(c *simCall) simOutput {
	return textOutput(fmt.Sprintf(`Hostname: %s
Model: vmx
Junos: %s
JUNOS OS Kernel 64-bit  [20230101.0a1b2c3_builder_stable_12]
JUNOS OS libs [20230101.0a1b2c3_builder_stable_12]
JUNOS OS runtime [20230101.0a1b2c3_builder_stable_12]
JUNOS OS time zone information [20230101.0a1b2c3_builder_stable_12]
JUNOS network stack and utilities [20230101.000000_builder_junos_214_r3]
JUNOS libs [20230101.000000_builder_junos_214_r3]
JUNOS OS libs compat32 [20230101.0a1b2c3_builder_stable_12]
JUNOS OS 32-bit compatibility [20230101.0a1b2c3_builder_stable_12]
JUNOS libs compat32 [20230101.000000_builder_junos_214_r3]
JUNOS runtime [20230101.000000_builder_junos_214_r3]
JUNOS Packet Forwarding Engine Simulation Package [20230101.000000_builder_junos_214_r3]
JUNOS py extensions [20230101.000000_builder_junos_214_r3]
JUNOS py base [20230101.000000_builder_junos_214_r3]
JUNOS OS vmguest [20230101.0a1b2c3_builder_stable_12]
JUNOS OS crypto [20230101.0a1b2c3_builder_stable_12]
JUNOS mx libs compat32 [20230101.000000_builder_junos_214_r3]
JUNOS mx runtime [20230101.000000_builder_junos_214_r3]
JUNOS common platform support [20230101.000000_builder_junos_214_r3]
JUNOS Openconfig [21.4R3.15]
JUNOS mtx network modules [20230101.000000_builder_junos_214_r3]
JUNOS modules [20230101.000000_builder_junos_214_r3]
JUNOS mx libs [20230101.000000_builder_junos_214_r3]
JUNOS SQL Sync Daemon [20230101.000000_builder_junos_214_r3]
JUNOS mtx Data Plane Crypto Support [20230101.000000_builder_junos_214_r3]
JUNOS daemons [20230101.000000_builder_junos_214_r3]
JUNOS mx daemons [20230101.000000_builder_junos_214_r3]
JUNOS Simulation Linux Package [20230101.000000_builder_junos_214_r3]
JUNOS Simulation Package [20230101.000000_builder_junos_214_r3]
`, c.Hostname(), junosVersion))
}

func junosShowInterfacesTerse(c *simCall) simOutput {
	return textOutput(`Interface               Admin Link Proto    Local                 Remote
ge-0/0/0                up    up
ge-0/0/0.0              up    up   inet     192.0.2.1/24
                                   multiservice
lc-0/0/0                up    up
lc-0/0/0.32769          up    up   vpls
pfe-0/0/0               up    up
pfe-0/0/0.16383         up    up   inet
                                   inet6
pfh-0/0/0               up    up
pfh-0/0/0.16383         up    up   inet
ge-0/0/1                up    up
ge-0/0/1.0              up    up   inet     198.51.100.1/24
                                   multiservice
ge-0/0/2                down  up
cbp0                    up    up
demux0                  up    up
dsc                     up    up
em1                     up    up
em1.0                   up    up   inet     10.0.0.4/8
                                                128.0.0.1/2
                                                128.0.0.4/2
                                   inet6    fe80::5254:ff:fe12:bdfe/64
                                                fec0::a:0:0:4/64
                                   tnp      0x4
esi                     up    up
fxp0                    up    up
gre                     up    up
ipip                    up    up
irb                     up    up
lo0                     up    up
lo0.0                   up    up   inet     10.255.0.1          --> 0/0
lo0.16384               up    up   inet     127.0.0.1           --> 0/0
lo0.16385               up    up   inet
lsi                     up    up
mtun                    up    up
pimd                    up    up
pime                    up    up
pip0                    up    up
tap                     up    up
vtep                    up    up
`)
}

// junosRoutes is the number of BGP routes in the simulated table.
const junosRoutes = 3000

// junosShowRoute streams a routing table of thousands of lines; its
// length is not announced, so the pager shows no percentage.
func junosShowRoute(c *simCall) simOutput {
	return simOutput{Lines: func(yield func(string) bool) {
		head := []string{
			"",
			fmt.Sprintf("inet.0: %d destinations, %d routes (%d active, 0 holddown, 0 hidden)", junosRoutes+4, junosRoutes+4, junosRoutes+4),
			"+ = Active Route, - = Last Active, * = Both",
			"",
			"0.0.0.0/0          *[Static/5] 2d 03:04:05",
			"                    >  to 192.0.2.254 via ge-0/0/0.0",
			"10.255.0.1/32      *[Direct/0] 2d 03:04:05",
			"                    >  via lo0.0",
		}
		for _, l := range head {
			if !yield(l) {
				return
			}
		}
		for i := range junosRoutes {
			prefix := fmt.Sprintf("172.%d.%d.0/24", 16+i/65536%16, i/256%256)
			if i%256 != 0 {
				prefix = fmt.Sprintf("172.%d.%d.%d/32", 16+i/65536%16, i/256%256, i%256)
			}
			lines := []string{
				fmt.Sprintf("%-18s *[BGP/170] 1d 02:%02d:%02d, localpref 100", prefix, i/60%60, i%60),
				fmt.Sprintf("                      AS path: 6500%d %d I, validation-state: unverified", 1+i%3, 64512+i%1000),
				"                    >  to 192.0.2.2 via ge-0/0/0.0",
			}
			for _, l := range lines {
				if !yield(l) {
					return
				}
			}
		}
		for _, l := range []string{"", "inet6.0: 1 destinations, 1 routes (1 active, 0 holddown, 0 hidden)",
			"+ = Active Route, - = Last Active, * = Both", "", "ff02::2/128        *[INET6/0] 2d 03:04:05", "                       MultiRecv"} {
			if !yield(l) {
				return
			}
		}
	}}
}
