package hosts

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// config.yaml runs its {command: ...} references, so a file (or a
// directory holding it) that someone else may change is refused, as ssh
// refuses such an ssh_config.
func TestConfigFileOwnerAndMode(t *testing.T) {
	load := func(dirMode, fileMode os.FileMode, owner int) error {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "conf")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, []byte("hosts:\n  - match: '*'\n    password: {command: \"echo x\"}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if owner >= 0 {
			if err := os.Chown(path, owner, owner); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(path, fileMode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, dirMode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadConfig(path)
		return err
	}
	if err := load(0o700, 0o600, -1); err != nil {
		t.Fatalf("a private config file was refused: %v", err)
	}
	bad := map[string]error{
		"world-writable file":      load(0o700, 0o666, -1),
		"group-writable file":      load(0o700, 0o620, -1),
		"world-writable directory": load(0o777, 0o600, -1),
	}
	if os.Getuid() == 0 {
		if u, err := user.Lookup("nobody"); err == nil {
			uid, _ := strconv.Atoi(u.Uid)
			bad["file of another user"] = load(0o700, 0o600, uid)
		}
	}
	// A link to a good file, sitting in a directory others may write:
	// they could point it elsewhere.
	good := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(good, []byte("hosts: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o777)
	if err := os.Symlink(good, filepath.Join(open, "config.yaml")); err != nil {
		t.Fatal(err)
	}
	_, bad["link in a world-writable directory"] = LoadConfig(filepath.Join(open, "config.yaml"))
	for what, err := range bad {
		if !errors.Is(err, ErrResolve) || !strings.Contains(err.Error(), "bad owner or permissions") {
			t.Errorf("%s: LoadConfig = %v, want it refused for bad owner or permissions", what, err)
		}
	}
}
