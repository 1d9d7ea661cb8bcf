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
	p := peer{pid: int(cred.Pid), uid: int(cred.Uid)}
	if st, err := procStat(p.pid); err == nil && len(st) > 4 {
		p.terminal = st[4] != "0" // tty_nr
	}
	return p, nil
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
// directly or not, by it (following parents up to process 1).
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
			return false
		}
		if pid, err = strconv.Atoi(st[1]); err != nil {
			return false
		}
	}
	return false
}

func ownedByMe(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Getuid()
}
