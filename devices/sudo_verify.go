package devices

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/cmdline"
)

// The session's sudo prompt is private text (SUDO_PROMPT with a random
// part), but it is in the environment of every program the session runs,
// so any of them can print it and wait for what is typed next. Before the
// password goes out, a second channel on the same connection looks at the
// terminal: the password is typed only when a sudo process is in the
// terminal's foreground process group, and that sudo reads its password
// from the terminal (no -S, which reads standard input and would leave
// the password in the terminal for the shell to run as a command).

// sudoVerifyTimeout bounds the look at the terminal.
const sudoVerifyTimeout = 10 * time.Second

// errSudoUnverified: the prompt could not be shown to come from sudo
// itself reading the terminal; the password was not typed.
var errSudoUnverified = errors.New("not answered")

// foregroundScript prints, for each process in the foreground process
// group of the terminal of the shell $1, its name, its effective user ID
// and its arguments separated by spaces, with tabs between. It reads /proc
// only (Linux).
const foregroundScript = `read -r l < /proc/$1/stat || exit 3
set -- ${l##*) }
fg=$6
for d in /proc/[0-9]*; do
  read -r l < "$d/stat" 2>/dev/null || continue
  set -- ${l##*) }
  [ "$3" = "$fg" ] || continue
  u=; while read -r k r e x; do [ "$k" = Uid: ] && { u=$e; break; }; done < "$d/status"
  c=${l#*\(}; printf '%s\t%s\t' "${c%)*}" "$u"
  tr '\0' ' ' < "$d/cmdline" 2>/dev/null; echo
done`

// verifySudo returns nil when sudo itself, reading the terminal, is in
// the foreground of the shell pid's terminal; otherwise an error that
// says why the prompt is not answered.
func verifySudo(ctx context.Context, probe func(context.Context, string) (string, error), pid int) error {
	return verifyAsker(ctx, probe, pid, "sudo")
}

// verifyAsker returns nil when a process named name (sudo, su) is in the
// foreground of the shell pid's terminal, and, for sudo, reads the
// terminal; otherwise an error that says why the prompt is not answered.
func verifyAsker(ctx context.Context, probe func(context.Context, string) (string, error), pid int, asker string) error {
	if probe == nil || pid <= 0 {
		return fmt.Errorf("%w: the session cannot tell whether %s itself asks (its shell's process is unknown)", errSudoUnverified, asker)
	}
	ctx, cancel := context.WithTimeout(ctx, sudoVerifyTimeout)
	defer cancel()
	out, err := probe(ctx, "sh -c "+shellQuote(foregroundScript)+" sh "+strconv.Itoa(pid))
	if err != nil {
		return fmt.Errorf("%w: the session could not check that %s itself asks (%v)", errSudoUnverified, asker, err)
	}
	found := false
	for _, line := range strings.Split(out, "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 || f[0] != asker {
			continue
		}
		// anyone can name a process "sudo"; only the real, set-user-ID
		// program runs as root while it asks
		if f[1] != "0" {
			continue
		}
		args := f[2]
		if asker == "sudo" && cmdline.SudoReadsStdin(strings.Fields(args)) {
			return fmt.Errorf("%w: this sudo reads its password from standard input (-S), not from the terminal; run it without -S", errSudoUnverified)
		}
		found = true
	}
	if !found {
		return fmt.Errorf("%w: the prompt did not come from %s (no %s process is in the terminal's foreground)", errSudoUnverified, asker, asker)
	}
	return nil
}
