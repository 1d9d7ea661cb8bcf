package hosts

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// key_filename names a key file: a device, a FIFO or a huge file is
// refused at once with what is wrong with it.
func TestKeyFilenameMustBeRegularAndSmall(t *testing.T) {
	b := newResolveBed(t)
	fifo := filepath.Join(b.home, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(b.home, "big")
	if err := os.WriteFile(big, make([]byte, 2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	r := b.resolver(t, "lib")
	for _, p := range []string{"/dev/zero", fifo, big, b.home} {
		e := resolveErr(t, r, Request{Host: "web", KeyFilename: p})
		if e.Setting != "key_filename" || !strings.Contains(e.Error(), p) {
			t.Errorf("key_filename %s: %v; want an error about key_filename naming the file", p, e)
		}
	}
	good := b.write(t, "id_test", "not parsed here")
	if tg := resolveOK(t, r, Request{Host: "web", KeyFilename: good}); tg.IdentityFiles[0] != good {
		t.Errorf("IdentityFiles = %q, want %q first", tg.IdentityFiles, good)
	}
}
