package devices

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strconv"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// knownHostsDB is a known_hosts database built from several files, with
// the file names its answers carry mapped back to the user's files.
type knownHostsDB struct {
	check ssh.HostKeyCallback
	names map[string]string // temporary copy → the file it stands for
}

// name is the user's file behind f (a name from a knownhosts answer).
func (db *knownHostsDB) name(f string) string {
	if orig, ok := db.names[f]; ok {
		return orig
	}
	return f
}

// loadKnownHosts reads files as knownhosts.New does, except that a line
// it cannot parse is skipped with a warning naming file and line, as
// OpenSSH does: one bad line must not make every host unverifiable. A
// file with bad lines is read through a private copy with those lines
// blanked, so line numbers stay those of the original.
func loadKnownHosts(files []string, logger *slog.Logger) (*knownHostsDB, error) {
	if check, err := knownhosts.New(files...); err == nil {
		return &knownHostsDB{check: check}, nil
	}
	db := &knownHostsDB{names: map[string]string{}}
	paths := make([]string, 0, len(files))
	for _, f := range files {
		p, cleanup, err := cleanKnownHosts(f, logger)
		if err != nil {
			return nil, err
		}
		defer cleanup()
		if p != f {
			db.names[p] = f
		}
		paths = append(paths, p)
	}
	check, err := knownhosts.New(paths...)
	if err != nil {
		return nil, err
	}
	db.check = check
	return db, nil
}

// knownHostsLineErr matches knownhosts' "knownhosts: FILE:LINE: why".
var knownHostsLineErr = regexp.MustCompile(`^knownhosts: (.*):(\d+): (.*)$`)

// cleanKnownHosts returns file itself when knownhosts can read it, or else
// a private copy with the unreadable lines blanked, and a function that
// removes that copy.
func cleanKnownHosts(file string, logger *slog.Logger) (string, func(), error) {
	nothing := func() {}
	_, err := knownhosts.New(file)
	if err == nil {
		return file, nothing, nil
	}
	data, rerr := os.ReadFile(file)
	if rerr != nil {
		return "", nothing, err
	}
	lines := bytes.Split(data, []byte("\n"))
	for i, l := range lines {
		// Longer lines stop knownhosts' scanner, and with it the file.
		if len(l) >= bufio.MaxScanTokenSize {
			logger.Warn("skipping a known_hosts line that is too long", "file", file, "line", i+1, "bytes", len(l))
			lines[i] = nil
		}
	}
	tmp, terr := os.CreateTemp("", "mcp-ssh-session-known_hosts-*")
	if terr != nil {
		return "", nothing, fmt.Errorf("%w (and no temporary copy without the bad line: %v)", err, terr)
	}
	tmp.Close()
	cleanup := func() { os.Remove(tmp.Name()) }
	for range len(lines) + 1 {
		if werr := os.WriteFile(tmp.Name(), bytes.Join(lines, []byte("\n")), 0o600); werr != nil {
			cleanup()
			return "", nothing, errors.Join(err, werr)
		}
		if _, err = knownhosts.New(tmp.Name()); err == nil {
			return tmp.Name(), cleanup, nil
		}
		m := knownHostsLineErr.FindStringSubmatch(err.Error())
		n := 0
		if m != nil {
			n, _ = strconv.Atoi(m[2])
		}
		if m == nil || (m[1] != file && m[1] != tmp.Name()) || n < 1 || n > len(lines) {
			cleanup()
			return "", nothing, err
		}
		logger.Warn("skipping a known_hosts line that cannot be parsed", "file", file, "line", n, "reason", m[3])
		lines[n-1] = nil
	}
	cleanup()
	return "", nothing, err
}
