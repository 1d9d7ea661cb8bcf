package devicetest

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killTree leaves nothing of a tree that keeps forking while it is
// killed: processes fork at the moment they are stopped, and their
// children must not escape.
func TestKillTreeForkingTree(t *testing.T) {
	for i := range 10 {
		// The tree is a process group of its own (a shell without job
		// control keeps it for every child), so what escapes is found by
		// group even after it was reparented.
		script := `while :; do sh -c 'sleep 30 & sleep 30 & wait' & done`
		cmd := exec.Command("sh", "-c", script)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pgid := cmd.Process.Pid
		t.Cleanup(func() { syscall.Kill(-pgid, syscall.SIGKILL) })
		time.Sleep(30 * time.Millisecond) // let the tree grow
		killTree(cmd.Process)
		cmd.Wait()
		var left []int
		deadline := time.Now().Add(2 * time.Second)
		for {
			left = inGroup(pgid)
			if len(left) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if len(left) > 0 {
			t.Fatalf("round %d: %d processes of the tree outlived killTree (pids %v)", i, len(left), left)
		}
	}
}

// inGroup lists the live processes of process group pgid.
func inGroup(pgid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		// state, ppid, pgrp
		if len(fields) > 2 && fields[0] != "Z" && fields[2] == strconv.Itoa(pgid) {
			out = append(out, pid)
		}
	}
	return out
}
