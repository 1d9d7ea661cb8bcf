package devsim

import (
	"fmt"
	"net/netip"
	"strings"
)

// Handlers and outputs of the RouterOS commands. Addresses are the device
// section "ip address", one "address<TAB>interface" entry each.

func routerOSLogin(c *simCall) {
	c.Print("\n\n\n" +
		"  MMM      MMM       KKK                          TTTTTTTTTTT      KKK\n" +
		"  MMMM    MMMM       KKK                          TTTTTTTTTTT      KKK\n" +
		"  MMM MMMM MMM  III  KKK  KKK  RRRRRR     OOOOOO      TTT     III  KKK  KKK\n" +
		"  MMM  MM  MMM  III  KKKKK     RRR  RRR  OOO  OOO     TTT     III  KKKKK\n" +
		"  MMM      MMM  III  KKK KKK   RRRRRR    OOO  OOO     TTT     III  KKK KKK\n" +
		"  MMM      MMM  III  KKK  KKK  RRR  RRR   OOOOOO      TTT     III  KKK  KKK\n\n" +
		"  MikroTik RouterOS 7.11 (c) 1999-2023       https://www.mikrotik.com/\n\n" +
		c.Options().Banner + "\n\nPress F1 for help\n\n")
}

func routerOSSetup(d *simDevice) {
	d.setSection("ip address", []string{"192.0.2.51/24\tether1", "10.255.3.1/32\tloopback"})
}

func routerOSAddrs(c *simCall) [][2]string {
	lines, _ := c.device().section("ip address")
	out := make([][2]string, 0, len(lines))
	for _, l := range lines {
		a, i, _ := strings.Cut(l, "\t")
		out = append(out, [2]string{a, i})
	}
	return out
}

// routerOSAddressAdd takes "address=A/N interface=X" in either order.
func routerOSAddressAdd(c *simCall) error {
	var addr, iface string
	for _, a := range c.Args {
		k, v, _ := strings.Cut(a, "=")
		switch k {
		case "address":
			addr = v
		case "interface":
			iface = v
		default:
			c.Printf("expected end of command (line 1 column %d)\n", strings.Index(c.Line, a)+1)
			return nil
		}
	}
	if _, err := netip.ParsePrefix(addr); err != nil {
		c.Println("invalid value for argument address")
		return nil
	}
	if !strings.HasPrefix(iface, "ether") && iface != "loopback" {
		c.Println("input does not match any value of interface")
		return nil
	}
	for _, a := range routerOSAddrs(c) {
		if a[0] == addr {
			c.Println("failure: already have such address")
			return nil
		}
	}
	lines, _ := c.device().section("ip address")
	c.device().setSection("ip address", append(lines, addr+"\t"+iface))
	return nil
}

func routerOSIdentityPrint(c *simCall) error {
	c.Printf("  name: %s\n", c.Hostname())
	return nil
}

func routerOSIdentitySet(c *simCall) error {
	name, ok := strings.CutPrefix(c.Args[0], "name=")
	if !ok || name == "" {
		c.Printf("expected end of command (line 1 column %d)\n", strings.Index(c.Line, c.Args[0])+1)
		return nil
	}
	c.SetHostname(name)
	return nil
}

func routerOSReboot(c *simCall) error {
	ans, err := c.ReadLine("Reboot, yes? [y/N]:", false)
	if err != nil {
		return ignoreInterrupt(err)
	}
	if strings.TrimSpace(ans) != "y" {
		c.Println("action cancelled")
		return nil
	}
	c.Println("system will reboot shortly")
	return c.CloseConnection()
}

func routerOSResource(*simCall) simOutput {
	return textOutput(`                   uptime: 1d2h3m4s
                  version: 7.11 (stable)
               build-time: 2023-08-15 09:33:58
         factory-software: 7.1
              free-memory: 1798.6MiB
             total-memory: 2048.0MiB
                      cpu: QEMU
                cpu-count: 2
                 cpu-load: 0%
           free-hdd-space: 80.2MiB
          total-hdd-space: 89.2MiB
  write-sect-since-reboot: 1280
         write-sect-total: 1280
        architecture-name: x86_64
               board-name: CHR QEMU Standard PC (i440FX + PIIX, 1996)
                 platform: MikroTik
`)
}

// routerOSPorts is the number of Ethernet ports of the simulated router.
const routerOSPorts = 24

func routerOSInterfaces(*simCall) simOutput {
	lines := []string{
		"Flags: R - RUNNING",
		"Columns: NAME, TYPE, ACTUAL-MTU, L2MTU, MAC-ADDRESS",
		" #   NAME      TYPE      ACTUAL-MTU  L2MTU  MAC-ADDRESS      ",
	}
	for i := range routerOSPorts {
		lines = append(lines, fmt.Sprintf("%2d R ether%-4d ether           1500   1514  52:54:00:00:01:%02X", i, i+1, i+1))
	}
	return sliceOutput(append(lines, fmt.Sprintf("%2d R loopback  loopback        65536         00:00:00:00:00:00", routerOSPorts)))
}

func routerOSAddresses(c *simCall) simOutput {
	lines := []string{"Columns: ADDRESS, NETWORK, INTERFACE", " #  ADDRESS          NETWORK        INTERFACE"}
	for i, a := range routerOSAddrs(c) {
		p, _ := netip.ParsePrefix(a[0])
		lines = append(lines, fmt.Sprintf("%2d  %-16s %-14s %s", i, a[0], p.Masked().Addr(), a[1]))
	}
	return sliceOutput(lines)
}

// routerOSExport prints the configuration as a script.
func routerOSExport(c *simCall) simOutput {
	lines := []string{
		"# 2026-12-06 23:12:34 by RouterOS 7.11",
		"# software id = SIMROS01",
		"#",
		"/interface bridge",
		"add name=bridge1 comment=\"[admin@gw] > is not a prompt\"",
		"/interface ethernet",
	}
	for i := range routerOSPorts {
		lines = append(lines, fmt.Sprintf("set [ find default-name=ether%d ] comment=\"port %d\" disable-running-check=no", i+1, i+1))
	}
	lines = append(lines, "/interface bridge port")
	for i := 2; i <= routerOSPorts; i++ {
		lines = append(lines, fmt.Sprintf("add bridge=bridge1 interface=ether%d", i))
	}
	lines = append(lines, "/ip address")
	for _, a := range routerOSAddrs(c) {
		p, _ := netip.ParsePrefix(a[0])
		lines = append(lines, fmt.Sprintf("add address=%s interface=%s network=%s", a[0], a[1], p.Masked().Addr()))
	}
	return sliceOutput(append(lines,
		"/ip route", "add gateway=192.0.2.254",
		"/system identity", "set name="+c.Hostname(),
		"/system note", "set show-at-login=no"))
}
