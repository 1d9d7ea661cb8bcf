package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// --log-file never follows a link (someone who may write the directory
// could point it at any file of ours), never opens anything but a regular
// file (a FIFO would block the start for ever), and creates the file 0600.
func TestLogFileRefusesLinksAndSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "server.log")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if f, err := openLogFile(link); err == nil {
		f.Close()
		t.Errorf("openLogFile(a link) succeeded; want it refused")
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep\n" {
		t.Errorf("the link's target now holds %q", b)
	}
	if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o644 {
		t.Errorf("the link's target became mode %v", fi.Mode().Perm())
	}

	fifo := filepath.Join(dir, "fifo.log")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := openLogFile(fifo)
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("openLogFile(a FIFO) succeeded; want it refused")
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("openLogFile(a FIFO) blocked")
	}

	hard := filepath.Join(dir, "hard.log")
	if err := os.Link(victim, hard); err != nil {
		t.Fatal(err)
	}
	if f, err := openLogFile(hard); err == nil {
		f.Close()
		t.Errorf("openLogFile(a second name of another file) succeeded; want it refused")
	}

	fresh := filepath.Join(dir, "new.log")
	f, err := openLogFile(fresh)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o600 {
		t.Errorf("new log file mode %v, want 0600", fi.Mode().Perm())
	}
}
