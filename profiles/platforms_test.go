package profiles

import (
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// Transcripts of the platforms added after IOS and Junos, as the devices
// print them (after CR/LF normalization), and what their built-in
// profiles must make of them.
func TestPlatformTranscripts(t *testing.T) {
	s := loadDefaults(t)
	tests := []struct {
		profile, name, output string
		wantError, wantLine   string
		wantWaiting           string
	}{
		{"arista_eos", "invalid input by position", "% Invalid input (at token 1: 'bogus')\n", "invalid_input", "% Invalid input (at token 1: 'bogus')", ""},
		{"arista_eos", "warnings are no errors", "! Interface does not exist. The configuration will not take effect until the module is inserted.\n", "", "", ""},
		{"arista_eos", "terminal settings", "Pagination disabled.\n", "", "", ""},
		{"arista_eos", "reload", "Proceed with reload? [confirm]", "", "", "input:confirm"},
		{"arista_eos", "save on reload", "System configuration has been modified. Save? [yes/no/cancel/diff]:", "", "", "input:save_question"},
		{"arista_eos", "pager", "interface Ethernet1\n   description to spine1\n --More-- ", "", "", "pager:more"},
		{"cisco_nxos", "invalid under a caret", "show intrface\n          ^\n% Invalid command at '^' marker.\n", "invalid", "% Invalid command at '^' marker.", ""},
		{"cisco_nxos", "feature not enabled", "ERROR: Please enable the feature first\n", "error_line", "ERROR: Please enable the feature first", ""},
		{"cisco_nxos", "log lines are no errors", "2026 Dec  6 23:00:00 nx1 %ETHPORT-5-IF_DOWN_ERROR_DISABLED: Interface Ethernet1/1 is down (Error disabled)\n", "", "", ""},
		{"cisco_nxos", "reload", "This command will reboot the system. (y/n)?  [n] ", "", "", "input:y_n"},
		{"cisco_nxos", "pager", "Eth1/3        1       eth  access down    Link not connected\n--More--", "", "", "pager:more"},
		{"vyos", "invalid command", "\n  Invalid command: show [interfacess]\n\n", "invalid_command", "  Invalid command: show [interfacess]", ""},
		{"vyos", "bad path, then set failed", "\n  Configuration path: [interfaces foo] is not valid\n  Set failed\n\n", "path_not_valid", "  Configuration path: [interfaces foo] is not valid", ""},
		{"vyos", "empty commit", "No configuration changes to commit\n", "", "", ""},
		{"vyos", "failing commit", "[ interfaces ethernet eth1 address fd5d:12c9:2201:1::1/64 ]\nRTNETLINK answers: No buffer space available\n\n[[interfaces ethernet eth1]] failed\nCommit failed\n", "commit_failed", "[[interfaces ethernet eth1]] failed", ""},
		{"vyos", "less", "    ethernet eth2 {\n        hw-id 52:54:00:00:00:02\n:", "", "", "pager:less"},
		{"vyos", "reboot", "Are you sure you want to reboot this system? [y/N] ", "", "", "input:yes_no"},
		{"cisco_xr", "empty commit is no error", "% No configuration changes to commit.\n", "", "", ""},
		{"cisco_xr", "failing commit",
			"% Failed to commit one or more configuration items during a pseudo-atomic operation. All changes made have been reverted. Please issue 'show configuration failed [inheritance]' from this session to view the errors\n",
			"commit_failed", "% Failed to commit one or more configuration items during a pseudo-atomic operation. All changes made have been reverted. Please issue 'show configuration failed [inheritance]' from this session to view the errors", ""},
		{"cisco_xr", "invalid under a caret", "                       ^\n% Invalid input detected at '^' marker.\n", "invalid_input", "% Invalid input detected at '^' marker.", ""},
		{"cisco_xr", "uncommitted changes", "Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:", "", "", "input:yes_no_cancel"},
		{"mikrotik_routeros", "bad command", "bad command name frob (line 1 column 1)\n", "bad_command", "bad command name frob (line 1 column 1)", ""},
		{"mikrotik_routeros", "failure", "failure: already have such address\n", "failure", "failure: already have such address", ""},
		{"mikrotik_routeros", "comments are no errors", "add bridge=bridge1 interface=ether2 comment=\"failure: cable\"\n", "", "", ""},
		{"mikrotik_routeros", "pager", " 23 R ether24   ether           1500   1514  52:54:00:00:01:18\n-- [Q quit|D dump|down]", "", "", "pager:more"},
		{"mikrotik_routeros", "reboot", "Reboot, yes? [y/N]:", "", "", "input:yes_no"},
		{"cisco_asa", "invalid under a caret", "show intrface\n     ^\nERROR: % Invalid input detected at '^' marker.\n", "error", "ERROR: % Invalid input detected at '^' marker.", ""},
		{"cisco_asa", "wrong enable secret", "Invalid password\n", "invalid_password", "Invalid password", ""},
		{"cisco_asa", "log lines are no errors", "%ASA-4-106023: Deny tcp src outside:192.0.2.1/443 dst inside:10.0.0.1/3456 by access-group \"outside_in\" [0x0, 0x0]\n", "", "", ""},
		{"cisco_asa", "warnings are no errors", "WARNING: interface GigabitEthernet0/4 security level is 0.\n", "", "", ""},
		{"cisco_asa", "pager", " nameif inside\n security-level 100\n<--- More --->", "", "", "pager:more"},
		{"cisco_asa", "reload", "Proceed with reload? [confirm]", "", "", "input:confirm"},
		{"huawei_vrp", "unrecognized under a caret", "display interfacez\n        ^\nError: Unrecognized command found at '^' position.\n", "error", "Error: Unrecognized command found at '^' position.", ""},
		{"huawei_vrp", "ambiguous without a blank", "Error:Ambiguous command found at '^' position.\n", "error", "Error:Ambiguous command found at '^' position.", ""},
		{"huawei_vrp", "info is no error", "Info: The configuration takes effect on the current user terminal interface only.\n", "", "", ""},
		{"huawei_vrp", "log lines are no errors", "Dec  6 2026 23:00:00 HUAWEI %%01IFNET/4/LINK_STATE(l)[0]:The line protocol IP on the interface Vlanif10 has entered the DOWN state.\n", "", "", ""},
		{"huawei_vrp", "pager", " port link-type access\n shutdown\n  ---- More ----", "", "", "pager:more"},
		{"huawei_vrp", "save", "  The current configuration will be written to the device.\n  Are you sure to continue?[Y/N]:", "", "", "input:y_n"},
		{"dell_os10", "unrecognized", "% Error: Unrecognized command.\n", "error", "% Error: Unrecognized command.", ""},
		{"dell_os10", "bad value", "% Error: Illegal parameter.\n", "error", "% Error: Illegal parameter.", ""},
		{"dell_os10", "log lines are no errors", "<165>1 2026-12-06T23:00:00+00:00 OS10 dn_alm 1024 - - Node.1-Unit.1:PRI [event], Dell EMC (OS10) %IFM_OSTATE_DN: Interface operation state is down :ethernet1/1/3\n", "", "", ""},
		{"dell_os10", "pager", "interface ethernet1/1/3\n switchport access vlan 1\n--more--", "", "", "pager:more"},
		{"dell_os10", "reload", "Proceed to reboot the system? [confirm yes/no]:", "", "", "input:y_n"},
		{"aruba_aoscx", "invalid input", "Invalid input: bogus\n", "invalid_input", "Invalid input: bogus", ""},
		{"aruba_aoscx", "incomplete", "Command incomplete.\n", "incomplete", "Command incomplete.", ""},
		{"aruba_aoscx", "save is no error", "Configuration changes will take time to process, please be patient.\n", "", "", ""},
		{"aruba_aoscx", "pager", "interface 1/1/3\n    no routing\n--More--", "", "", "pager:more"},
		{"aruba_aoscx", "boot", "Continue (y/n)? ", "", "", "input:y_n"},
		{"cisco_xr", "commit log line", "RP/0/RP0/CPU0:Dec  6 23:12:35.100 UTC: config[65740]: %MGBL-CONFIG-6-DB_COMMIT : Configuration committed by user 'admin'.\n", "", "", ""},
	}
	for _, tc := range tests {
		p := mustProfile(t, s, tc.profile)
		name, line := firstError(p, tc.output)
		if name != tc.wantError || line != tc.wantLine {
			t.Errorf("%s %s: error %q on line %q, want %q on %q", tc.profile, tc.name, name, line, tc.wantError, tc.wantLine)
		}
		if got := waiting(p, tc.output); got != tc.wantWaiting {
			t.Errorf("%s %s: waiting %q, want %q (tail %q)", tc.profile, tc.name, got, tc.wantWaiting, tc.output)
		}
	}
}

// TestPlatformDetection: the platforms that print something of their own
// at login are recognized by it, and only by it.
func TestPlatformDetection(t *testing.T) {
	s := loadDefaults(t)
	const debian = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"
	tests := []struct{ name, version, login, want string }{
		{"nx-os 9 header", "SSH-2.0-OpenSSH_8.3", "Cisco Nexus Operating System (NX-OS) Software\nTAC support: http://www.cisco.com/tac\nCopyright (C) 2002-2023, Cisco and/or its affiliates.\nnx1# ", "cisco_nxos"},
		{"nx-os 10 header", "SSH-2.0-OpenSSH_8.3", "Cisco NX-OS Software\nCopyright (c) 2002-2023, Cisco Systems, Inc. All rights reserved.\nnx1# ", "cisco_nxos"},
		{"vyos greeting behind debian", debian, "Welcome to VyOS!\n\nVyOS is a free software distribution that includes multiple components,\nvyos@vyos:~$ ", "vyos"},
		{"a linux banner naming vyos", debian, "Welcome to VyOS lab hosts, ask netops\nalice@web1:~$ ", "linux"},
		{"ios xr behind a cisco ssh server", "SSH-2.0-Cisco-2.0", "\nLab PE router\n\nRP/0/RP0/CPU0:pe7#", "cisco_xr"},
		{"ios behind a cisco ssh server", "SSH-2.0-Cisco-1.25", "\nbanner\n\nR1>", "cisco_ios"},
		{"routeros logo", "SSH-2.0-ROSSSH", "\n  MMM      MMM       KKK\n\n  MikroTik RouterOS 7.11 (c) 1999-2023       https://www.mikrotik.com/\n\nPress F1 for help\n\n[admin@MikroTik] > ", "mikrotik_routeros"},
		{"asa behind a cisco ssh server", "SSH-2.0-Cisco-1.25", "Edge firewall\nType help or '?' for a list of available commands.\nasa1> ", "cisco_asa"},
		{"asa failover prompt", "SSH-2.0-Cisco-1.25", "Type help or '?' for a list of available commands.\nfw/pri/act> ", "cisco_asa"},
		{"vrp vty users", "SSH-2.0-HUAWEI-1.5", "Info: The max number of VTY users is 5, the number of current VTY users online is 1, and total number of terminal users online is 1.\n      The current login time is 2026-12-06 23:12:34.\n<sw-core-1>", "huawei_vrp"},
		{"os10 behind debian's motd reads as linux", "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7", "Linux OS10 4.19.194 #1 SMP Debian 4.19.194-3 x86_64\n\nThe programs included with the Debian GNU/Linux system are free software;\nLast login: Sun Dec  6 23:00:00 2026 from 127.0.0.1\nOS10# ", "linux"},
		{"aos-cx login count", "SSH-2.0-OpenSSH_8.0", "Last login: 2021-01-12 09:51:14 from 10.252.1.15\nUser \"admin\" has logged in 84 times in the past 30 days\nsw-agg01#", "aruba_aoscx"},
		{"eos is not claimed", "SSH-2.0-OpenSSH_7.8", "Last login: Sun Dec  6 23:00:00 2026 from 127.0.0.1\nleaf1>", ""},
	}
	for _, tc := range tests {
		if got := s.DetectLogin(tc.version, tc.login); got != tc.want {
			t.Errorf("%s: DetectLogin(%q, %q) = %q, want %q", tc.name, tc.version, tc.login, got, tc.want)
		}
	}
}

// TestRouterOSColouredLine: RouterOS draws the typed line again in colour
// after Enter. Once the terminal bytes are normalized, as the engine does
// before matching, the error is found and the prompt ends the output.
func TestRouterOSColouredLine(t *testing.T) {
	p := mustProfile(t, loadDefaults(t), "mikrotik_routeros")
	raw := "/system resource prnt\r[admin@MikroTik] > \x1b[m\x1b[32m/system\x1b[m \x1b[33mresource\x1b[m \x1b[34mprnt\x1b[m\r\n" +
		"bad command name prnt (line 1 column 18)\r\n[admin@MikroTik] > "
	text := expect.Normalize([]byte(raw))
	if name, line := firstError(p, text); name != "bad_command" || line != "bad command name prnt (line 1 column 18)" {
		t.Errorf("error %q on line %q in %q", name, line, text)
	}
	if !p.Modes[0].Prompt.Regexp.MatchString(text) {
		t.Errorf("the prompt does not end %q", text)
	}
}
