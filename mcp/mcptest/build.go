package mcptest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// serverPackage is the import path of the binary under test.
const serverPackage = "github.com/mcp-ssh-session/mcp-ssh-session/cmd/mcp-ssh-session"

// buildTimeout bounds one go build; it only stops a build that hangs.
const buildTimeout = 5 * time.Minute

// build is one binary built at most once per process.
type build struct {
	once sync.Once
	path string
	err  error
}

var (
	// builds are the plain binary ([0]) and the race-detector one ([1]).
	builds [2]build

	dirMu sync.Mutex
	dir   string // where the binaries are built; "" until the first build
)

// Binary builds cmd/mcp-ssh-session once per test process and returns its
// path. With race it is built with the race detector, so that end-to-end
// tests run under -race also check the server; without, it is the binary
// users run, which is what benchmarks must measure. A failed build fails
// tb, and every later call in the process fails the same way.
func Binary(tb testing.TB, race bool) string {
	tb.Helper()
	b := &builds[0]
	if race {
		b = &builds[1]
	}
	b.once.Do(func() { b.path, b.err = goBuild(race) })
	if b.err != nil {
		tb.Fatal(b.err)
	}
	return b.path
}

// goBuild builds the binary into the shared build directory.
func goBuild(race bool) (string, error) {
	d, err := buildDir()
	if err != nil {
		return "", err
	}
	// Each build has a directory of its own, so that both keep the name
	// users know the program by.
	sub, args := "plain", []string{"build"}
	if race {
		sub, args = "race", append(args, "-race")
	}
	if err := os.MkdirAll(filepath.Join(d, sub), 0o755); err != nil {
		return "", fmt.Errorf("create a directory to build the server in: %w (check that TMPDIR is writable)", err)
	}
	path := filepath.Join(d, sub, "mcp-ssh-session")
	args = append(args, "-o", path, serverPackage)
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %v\n%s\nThe server does not build; run the same command in the module to see why.",
			strings.Join(args, " "), err, out)
	}
	return path, nil
}

// buildDir creates the build directory on first use.
func buildDir() (string, error) {
	dirMu.Lock()
	defer dirMu.Unlock()
	if dir == "" {
		d, err := os.MkdirTemp("", "mcptest-")
		if err != nil {
			return "", fmt.Errorf("create a directory to build the server in: %w (check that TMPDIR is writable)", err)
		}
		dir = d
	}
	return dir, nil
}

// RemoveBinaries deletes the binaries Binary built. Call it from TestMain
// after m.Run: the build directory outlives every test, so no test's
// cleanup can remove it.
func RemoveBinaries() {
	dirMu.Lock()
	defer dirMu.Unlock()
	if dir != "" {
		os.RemoveAll(dir)
	}
}
