package devsim

import (
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestRouterOSTranscript(t *testing.T) {
	d := StartDevice(t, Options{Platform: "routeros"})
	term := dialTerm(t, d)
	runSteps(t, term, []termStep{
		{name: "logo", want: []string{"  MikroTik RouterOS 7.11 (c) 1999-2023       https://www.mikrotik.com/\r\n", "Press F1 for help\r\n\r\n[admin@MikroTik] > "}},
		{name: "resource", send: "/system resource print\r", want: []string{"version: 7.11 (stable)\r\n", "platform: MikroTik\r\n[admin@MikroTik] > "}},
		{name: "bad command, echo drawn again in colour", send: "frob\r",
			want: []string{"frob\r[admin@MikroTik] > \x1b[m\x1b[32mfrob\x1b[m\r\nbad command name frob (line 1 column 1)\r\n[admin@MikroTik] > "}},
		{name: "bad later word", send: "/system resource prnt\r", want: []string{"bad command name prnt (line 1 column 18)\r\n[admin@MikroTik] > "}},
		{name: "menu", send: "/ip address\r", want: []string{"address\x1b[m\r\n[admin@MikroTik] /ip address> "}},
		{name: "add", send: "add address=198.51.100.1/24 interface=ether2\r", want: []string{"\r\n[admin@MikroTik] /ip address> "}},
		{name: "duplicate", send: "add address=198.51.100.1/24 interface=ether2\r", want: []string{"failure: already have such address\r\n[admin@MikroTik] /ip address> "}},
		{name: "bad interface", send: "add address=198.51.100.9/24 interface=wlan9\r", want: []string{"input does not match any value of interface\r\n"}},
		{name: "print", send: "print\r", want: []string{" 2  198.51.100.1/24  198.51.100.0   ether2\r\n[admin@MikroTik] /ip address> "}},
		{name: "up", send: "..\r", want: []string{"..\x1b[m\r\n[admin@MikroTik] > "}},
		{name: "identity", send: "/system identity set name=gw9\r", want: []string{"\r\n[admin@gw9] > "}},
		{name: "reboot declined", send: "/system reboot\r", want: []string{"Reboot, yes? [y/N]:"}},
		{name: "cancelled", send: "n\r", want: []string{"action cancelled\r\n[admin@gw9] > "}},
	})
}

func TestRouterOSPagerAndConsoleOptions(t *testing.T) {
	d := StartDevice(t, Options{Platform: "routeros"})
	term := dialTerm(t, d)
	term.expect("[admin@MikroTik] > ")
	term.send("/export\r")
	term.expect("-- [Q quit|D dump|down]")
	term.send("D")
	if got := term.expect("set show-at-login=no\r\n[admin@MikroTik] > "); strings.Count(got, "Q quit") > 1 {
		t.Errorf("D did not dump the rest: %q", tail(got))
	}

	// "+ct511w4098h" after the name: the same user, 4098 rows, no pager.
	cfg := d.ClientConfig()
	cfg.User = "admin+ct511w4098h"
	cfg.Auth = []ssh.AuthMethod{ssh.Password(d.Options.Password)}
	term = dialTermConfig(t, d, cfg)
	term.expect("[admin@MikroTik] > ")
	term.send("/export\r")
	if got := term.expect("set show-at-login=no\r\n[admin@MikroTik] > "); strings.Contains(got, "Q quit") || strings.Contains(got, "\x1b[") {
		t.Errorf("a login with c and 4098h still paged or coloured: %q", tail(got))
	}
}
