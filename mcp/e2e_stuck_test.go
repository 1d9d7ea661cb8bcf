package mcp

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A file call the SFTP server never answers (here: a name that is a
// regular file when checked and a FIFO when opened) must not keep the
// server from ending when its stdin closes or it gets SIGTERM.
func TestE2EStuckFileCallDoesNotHoldShutdown(t *testing.T) {
	t.Run("stdin closed", func(t *testing.T) {
		s := stuckServer(t)
		// The client closes stdin, waits 5 s for the server to exit, and
		// only then sends signals: a server that exits by itself does so
		// well before.
		start := time.Now()
		exited := make(chan struct{})
		go func() {
			s.Server.Close()
			close(exited)
		}()
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			syscall.Kill(s.PID, syscall.SIGKILL)
			t.Fatalf("the server did not exit within 30 s of its stdin closing, even when signalled")
		}
		wantOrderlyExit(t, s, time.Since(start))
	})
	t.Run("SIGTERM", func(t *testing.T) {
		s := stuckServer(t)
		start := time.Now()
		syscall.Kill(s.PID, syscall.SIGTERM)
		for !processEnded(s.PID) && time.Since(start) < 30*time.Second {
			time.Sleep(50 * time.Millisecond) // polling a process we do not own
		}
		wantOrderlyExit(t, s, time.Since(start))
	})
}

func wantOrderlyExit(t *testing.T, s *e2eServer, took time.Duration) {
	t.Helper()
	if took > 4*time.Second {
		t.Errorf("the server took %s to end (a stuck file call held it)", took.Round(time.Millisecond))
	}
	if log := s.Log(); strings.Contains(log, "panic") {
		t.Errorf("server log shows a panic:\n%.3000s", log)
	}
}

// processEnded reports whether pid has exited (gone, or a zombie waiting
// for the client to reap it).
func processEnded(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return strings.HasPrefix(rest, "Z")
}

// stuckServer starts a server and leaves one read_file call stuck on the
// SFTP server; it skips when no call gets stuck.
func stuckServer(t *testing.T) *e2eServer {
	t.Helper()
	s, _ := linuxServer(t)
	ctx := testContext(t, 2*time.Minute)
	dir := userDir(t, s.user)
	path := filepath.Join(dir, "flip")
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { // swaps path between a regular file and a FIFO
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			tmp := filepath.Join(dir, "next")
			if i%2 == 0 {
				os.WriteFile(tmp, []byte("plain\n"), 0o644)
			} else {
				syscall.Mkfifo(tmp, 0o666)
			}
			os.Rename(tmp, path)
		}
	}()
	defer func() { close(stop); <-done }()
	for range 400 {
		res := make(chan struct{})
		go func() {
			s.callErr(ctx, "read_file", map[string]any{"host": "lab", "remote_path": path}, nil)
			close(res)
		}()
		select {
		case <-res:
		case <-time.After(3 * time.Second):
			return s
		}
	}
	t.Skip("no read_file met the FIFO between its check and its open in 400 tries")
	return nil
}
