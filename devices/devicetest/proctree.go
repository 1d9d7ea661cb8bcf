package devicetest

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// killTree kills p and all its descendants. sshd puts every connection
// in a new session, so killing its process group would leave the
// connections (and their shells) running. Each process found is stopped
// first so that it can neither fork nor be reparented away from the tree
// while the tree is walked; then all are killed at once. p is signalled
// through os.Process, which cannot hit a recycled PID once p has been
// waited for; the descendants are found while their ancestors are stopped
// and so cannot be reaped and recycled meanwhile.
//
// SIGSTOP does not abort a fork in progress: the child may join the
// process table after the signal was sent, and after a scan of /proc
// looked. So each round waits until the processes it signalled show as
// stopped (a fork they were in has then finished) before scanning again.
func killTree(p *os.Process) {
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		return // already gone: its children were reparented away from us
	}
	waitStopped(p.Pid)
	stopped := map[int]bool{}
	for round := 0; round < 50; round++ {
		var signalled []int
		for _, pid := range descendants(p.Pid) {
			if !stopped[pid] {
				stopped[pid] = true
				signalled = append(signalled, pid)
				syscall.Kill(pid, syscall.SIGSTOP)
			}
		}
		if len(signalled) == 0 {
			break
		}
		for _, pid := range signalled {
			waitStopped(pid)
		}
	}
	for pid := range stopped {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	p.Kill()
}

// waitStopped waits, up to a second, until pid is stopped or gone. A
// process stuck in the kernel keeps the wait to its bound; the kill goes
// ahead regardless.
func waitStopped(pid int) {
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		_, state, ok := procStat(pid)
		if !ok || state == "T" || state == "t" || state == "Z" || state == "X" {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// descendants lists the live (not zombie) descendants of root from /proc.
func descendants(root int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, state, ok := procStat(pid)
		if ok && state != "Z" {
			children[ppid] = append(children[ppid], pid)
		}
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		out = append(out, children[p]...)
		queue = append(queue, children[p]...)
	}
	return out
}

// procStat reads the state and parent of pid. The command name in
// /proc/PID/stat may hold spaces and parentheses, so fields are counted
// from the last ')'.
func procStat(pid int) (ppid int, state string, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, "", false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, "", false
	}
	fields := strings.Fields(s[i+1:])
	if len(fields) < 2 {
		return 0, "", false
	}
	ppid, err = strconv.Atoi(fields[1])
	return ppid, fields[0], err == nil
}
