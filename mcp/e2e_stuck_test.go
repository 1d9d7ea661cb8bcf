package mcp

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A file call the SFTP server never answers (here: a name that is a
// regular file when checked and a FIFO when opened) must not keep the
// server from ending when its stdin closes.
func TestE2EStuckFileCallDoesNotHoldShutdown(t *testing.T) {
	s, _ := linuxServer(t)
	ctx := testContext(t, 2*time.Minute)
	dir := userDir(t, s.user)
	path := filepath.Join(dir, "flip")
	stop := make(chan struct{})
	done := make(chan struct{})
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

	stuck := false
	for i := 0; i < 400 && !stuck; i++ {
		res := make(chan struct{})
		go func() {
			s.callErr(ctx, "read_file", map[string]any{"host": "lab", "remote_path": path}, nil)
			close(res)
		}()
		select {
		case <-res:
		case <-time.After(3 * time.Second):
			stuck = true
		}
	}
	if !stuck {
		t.Skip("no read_file met the FIFO between its check and its open in 400 tries")
	}
	// The client closes stdin, waits 5 s for the server to exit, and
	// only then sends signals: a server that exits by itself does so well
	// before.
	exited := make(chan struct{})
	start := time.Now()
	go func() {
		s.Server.Close()
		close(exited)
	}()
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		syscall.Kill(s.PID, syscall.SIGKILL)
		t.Fatalf("the server did not exit within 30 s of its stdin closing while a file call was stuck, even when signalled")
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("the server took %s to end after its stdin closed (a stuck file call held it until it was signalled)", took.Round(time.Millisecond))
	}
	if log := s.Log(); !strings.Contains(log, "shutting down") || strings.Contains(log, "panic") {
		t.Errorf("server log does not show an orderly shutdown:\n%.3000s", log)
	}
}
