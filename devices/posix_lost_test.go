package devices

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// loseTypedAhead is a login step that waits until the client has typed
// ahead, then loses it the way a shell starting its line editor can:
// "all" flushes the terminal's input, "part" reads the first 40 bytes
// away so that the shell parses the rest of the line (a syntax error).
const loseTypedAhead = `import os, select, sys, termios, time
select.select([0], [], [])
time.sleep(0.2)
if sys.argv[1] == "all":
    termios.tcflush(0, termios.TCIFLUSH)
else:
    os.read(0, 40)
`

// TestPosixPreparationLost: a shell that loses the typed-ahead
// preparation, wholly or in part, is prepared again once it shows its
// prompt, so commands still complete on the marker with their exact exit
// status and cwd: never by falling back to prompt matching.
func TestPosixPreparationLost(t *testing.T) {
	script := filepath.Join(t.TempDir(), "lose.py")
	if err := os.WriteFile(script, []byte(loseTypedAhead), 0o644); err != nil {
		t.Fatal(err)
	}
	// the test accounts run it: open the temporary directories to them
	for dir := filepath.Dir(script); dir != os.TempDir(); dir = filepath.Dir(dir) {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, how := range []string{"all", "part"} {
		t.Run(how, func(t *testing.T) {
			force := fmt.Sprintf(`ForceCommand /usr/bin/python3 %s %s; exec "$SHELL" -l`, script, how)
			kinds := []string{"bash", "dash", "zsh", "busybox"}
			h := newHarness(t, harnessOptions{SSHD: force}, kinds...)
			// the history check below reads what this test's shells add
			if err := os.Remove(filepath.Join(h.accounts["bash"].Home, ".bash_history")); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			for _, kind := range kinds {
				t.Run(kind, func(t *testing.T) {
					info, out := h.run(t, kind, "cd /tmp && echo in-$PWD; false", RunOptions{})
					if info.Fallback != "" {
						t.Fatalf("session fell back to prompt matching: %s", info.Fallback)
					}
					wantDone(t, info, out, StatusFailed, 1, "in-/tmp\n")
					if info.Cwd != "/tmp" {
						t.Errorf("cwd %q, want /tmp", info.Cwd)
					}
					if kind == "bash" {
						// nothing of the preparation stays in the history
						info, out := h.run(t, kind, "history | grep -e 'mcp[s]sh' -e 'ignore[s]pace' -e '_VER[S]ION'; echo done", RunOptions{})
						wantDone(t, info, out, StatusCompleted, 0, "done\n")
					}
				})
			}
		})
	}
}

// TestPosixStartupFilesInTheWay: start-up files that make PROMPT_COMMAND
// read-only (audit logging) or export every variable (set -a) still give
// a prepared shell with exact exit statuses, and no program the session
// runs sees the marker's text in its environment.
func TestPosixStartupFilesInTheWay(t *testing.T) {
	dir := t.TempDir()
	rcs := map[string]string{
		"readonly":  "readonly PROMPT_COMMAND='history -a'\nPS1='audit$ '\n",
		"allexport": "set -a\nPS1='all$ '\n",
	}
	for name, rc := range rcs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(rc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for d := dir; d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name := range rcs {
		t.Run(name, func(t *testing.T) {
			force := fmt.Sprintf("ForceCommand exec bash --rcfile %s -i", filepath.Join(dir, name))
			h := newHarness(t, harnessOptions{SSHD: force}, "nosudo")
			info, out := h.run(t, "nosudo", "cd /tmp; env | grep -e __mcpssh -e $'\\036'; sh -c 'exit 3'", RunOptions{})
			wantDone(t, info, out, StatusFailed, 3, "")
			if info.Fallback != "" || info.Cwd != "/tmp" {
				t.Errorf("fallback %q cwd %q; want a prepared shell in /tmp", info.Fallback, info.Cwd)
			}
		})
	}
}
