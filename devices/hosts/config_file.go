package hosts

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// maxConfigBytes bounds the config file: it is a page of settings.
const maxConfigBytes = 1 << 20

// readConfigFile reads our config file after checking who could have
// written it. A missing file is fs.ErrNotExist, unwrapped.
func readConfigFile(file string) ([]byte, error) {
	fail := func(msg, hint string, err error) error {
		return &ResolveError{File: file, Msg: msg, Hint: hint, Err: err}
	}
	f, err := os.OpenFile(file, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, fail("cannot read config: "+err.Error(), "fix its permissions or choose another file with --config", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fail("cannot read config: "+err.Error(), "", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fail("cannot read config: it is "+FileKind(fi.Mode())+", not a regular file", "give the path of a plain file with --config", nil)
	}
	if err := checkConfigOwner(file, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return nil, fail("cannot read config: "+err.Error(), "", err)
	}
	if len(data) > maxConfigBytes {
		return nil, fail(fmt.Sprintf("larger than %d bytes", maxConfigBytes), "this is not a config file", nil)
	}
	return data, nil
}

// checkConfigOwner refuses a config file, or a directory on its path, that
// someone other than this user or root owns or may write: they could
// make the server run a command of theirs as a secret reference, or send
// our secrets elsewhere. A directory with the sticky bit (/tmp) is fine:
// others may create files there but not replace ours.
func checkConfigOwner(file string, fi os.FileInfo) error {
	bad := func(what, path string) error {
		return &ResolveError{File: file, Msg: fmt.Sprintf("bad owner or permissions on %s %s: others could change the commands it runs", what, path),
			Hint: "it must belong to you (or root) and not be writable by group or others: chmod go-w " + path}
	}
	if !ownerOK(fi) || fi.Mode().Perm()&0o022 != 0 {
		return bad("the file", file)
	}
	real, err := filepath.EvalSymlinks(file)
	if err != nil {
		return &ResolveError{File: file, Msg: "cannot resolve its path: " + err.Error(), Err: err}
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return &ResolveError{File: file, Msg: "cannot resolve its path: " + err.Error(), Err: err}
	}
	// Both the directories of the name (which could hold a link someone
	// else may replace) and those of the file it leads to.
	for _, p := range []string{abs, real} {
		for dir := filepath.Dir(p); ; dir = filepath.Dir(dir) {
			di, err := os.Stat(dir)
			if err != nil {
				return &ResolveError{File: file, Msg: "cannot check directory " + dir + ": " + err.Error(), Err: err}
			}
			if !ownerOK(di) || (di.Mode().Perm()&0o022 != 0 && di.Mode()&os.ModeSticky == 0) {
				return bad("the directory", dir)
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return nil
}

// ownerOK reports whether fi belongs to this user or to root.
func ownerOK(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || st.Uid == 0 || int(st.Uid) == os.Getuid()
}
