package approve

import (
	"fmt"
	"io/fs"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// peer is the process at the other end of a connection.
type peer struct {
	pid, uid int
	terminal bool // it has a controlling terminal
	session  int  // its session ID; 0 when unknown
}

// peerOf asks the kernel who connected (SO_PEERCRED) and reads whether
// that process has a controlling terminal.
func peerOf(c *net.UnixConn) (peer, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return peer{}, err
	}
	var cred *syscall.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return peer{}, err
	}
	if cerr != nil {
		return peer{}, fmt.Errorf("cannot tell who connected: %w", cerr)
	}
	return peer{pid: int(cred.Pid), uid: int(cred.Uid)}, nil
}

// refresh reads, now, whether the peer process still exists, has a
// controlling terminal and which session it is in. A process that is
// gone (it connected, then handed the socket to a child and exited)
// counts as without a terminal: nothing is taken on trust.
func (p *peer) refresh() {
	p.terminal, p.session = false, 0
	if st, err := procStat(p.pid); err == nil && len(st) > 4 {
		p.terminal = st[4] != "0" // tty_nr
		p.session, _ = strconv.Atoi(st[3])
	}
}

// sessionOf is process pid's session ID; 0 when it cannot be read.
func sessionOf(pid int) int {
	st, err := procStat(pid)
	if err != nil || len(st) < 4 {
		return 0
	}
	n, _ := strconv.Atoi(st[3])
	return n
}

// procStat is the fields of /proc/PID/stat after the command name: state,
// ppid, pgrp, session, tty_nr, ...
func procStat(pid int) ([]string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the name may hold spaces and parentheses
	if i < 0 {
		return nil, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	return strings.Fields(s[i+1:]), nil
}

// descendsFrom reports whether process pid is ancestor or was started,
// directly or not, by it (following parents up to process 1). A chain
// that cannot be read counts as descending: it fails closed.
func descendsFrom(pid, ancestor int) bool {
	for range 4096 {
		if pid == ancestor {
			return true
		}
		if pid <= 1 {
			return false
		}
		st, err := procStat(pid)
		if err != nil || len(st) < 2 {
			return true
		}
		if pid, err = strconv.Atoi(st[1]); err != nil {
			return true
		}
	}
	return true
}

func ownedByMe(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Getuid()
}
