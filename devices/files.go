package devices

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/pkg/sftp"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// Errors of file operations; match them with errors.Is.
var (
	ErrNotFound   = errors.New("devices: no such file or directory")
	ErrIsDir      = errors.New("devices: is a directory")
	ErrPermission = errors.New("devices: permission denied")
	ErrSudo       = errors.New("devices: sudo failed")
	ErrTooLarge   = errors.New("devices: data too large")
	// ErrNotRegular means the path is not a regular file (a FIFO, a
	// device, a socket): reading one can block forever.
	ErrNotRegular = errors.New("devices: not a regular file")
	// ErrForeignLink means a symbolic link on the way is owned by a user
	// other than root and the login user, who could point it anywhere.
	ErrForeignLink = errors.New("devices: symbolic link owned by another user")
)

// DefaultMaxFileBytes is the size limit of reads and writes when the
// options leave it zero.
const DefaultMaxFileBytes = 2 << 20

// ReadOptions adjust ReadFile.
type ReadOptions struct {
	MaxBytes     int64  // most bytes returned; zero means DefaultMaxFileBytes, negative is an error
	SudoPassword string // when set, a read refused for permission is retried with sudo
	UseSudo      bool   // read with sudo from the start (SudoPassword "" suits NOPASSWD rules)
}

// ReadResult is what ReadFile read.
type ReadResult struct {
	Path      string // the absolute remote path read ("~" expanded)
	Data      []byte // at most MaxBytes
	Size      int64  // the file's size when it was opened
	Truncated bool   // the file holds more than Data
	ViaSudo   bool
}

// WriteOptions adjust WriteFile.
type WriteOptions struct {
	// Append adds to the end of the file instead of replacing it. Unlike
	// a replace it is not atomic: a failure can leave part of the data.
	Append   bool
	MakeDirs bool        // create missing parent directories
	Mode     os.FileMode // used when ModeSet; otherwise an existing file keeps its mode and a new one gets 0644
	ModeSet  bool
	MaxBytes int64 // largest data accepted; zero means DefaultMaxFileBytes, negative is an error

	SudoPassword string // when set, a write refused for permission is retried with sudo
	UseSudo      bool   // write with sudo from the start
}

// WriteResult is what WriteFile did.
type WriteResult struct {
	Path    string // the absolute remote path written
	Written int64
	ViaSudo bool
}

// ReadFile reads a remote file over SFTP. "~" and "~/..." are expanded
// against the SFTP working directory (the login directory), and relative
// paths are taken from there too. A directory is ErrIsDir, a missing file
// ErrNotFound, a refused one ErrPermission unless sudo may be used (see
// ReadOptions). ctx ending stops the read (and the shared SFTP client).
func (c *Conn) ReadFile(ctx context.Context, p string, opts ReadOptions) (ReadResult, error) {
	limit, err := sizeLimit(opts.MaxBytes)
	if err != nil {
		return ReadResult{}, err
	}
	if opts.UseSudo && path.IsAbs(p) {
		// Nothing to expand: a host without the sftp subsystem can
		// still be read through sudo.
		return c.sudoRead(ctx, path.Clean(p), limit, opts.SudoPassword)
	}
	var res ReadResult
	err = c.withSFTP(ctx, func(cl *sftp.Client) error {
		if res.Path, err = absRemote(cl, p); err != nil {
			return err
		}
		if opts.UseSudo {
			return errPermissionSudo
		}
		return sftpRead(cl, &res, limit)
	})
	if errors.Is(err, errPermissionSudo) || (errors.Is(err, ErrPermission) && opts.SudoPassword != "") {
		return c.sudoRead(ctx, res.Path, limit, opts.SudoPassword)
	}
	return res, err
}

// errPermissionSudo routes UseSudo to the sudo path from inside withSFTP.
var errPermissionSudo = errors.New("use sudo")

func sftpRead(cl *sftp.Client, res *ReadResult, limit int64) error {
	st, err := cl.Stat(res.Path)
	if err != nil {
		return fileErr("stat", res.Path, err)
	}
	// Opening a FIFO or a device would block the SFTP server, and with
	// it every file call to the host.
	if err := regularFile(res.Path, st); err != nil {
		return fmt.Errorf("read %w", err)
	}
	f, err := cl.Open(res.Path)
	if err != nil {
		return fileErr("open", res.Path, err)
	}
	defer f.Close()
	// One byte past the limit tells a file that is too long from one
	// that is exactly as long (/proc files report size 0, logs grow).
	var b bytes.Buffer
	b.Grow(int(min(max(st.Size(), 0), limit) + 1))
	if _, err := b.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return fileErr("read", res.Path, err)
	}
	res.Size = st.Size()
	res.Data = b.Bytes()
	res.Truncated = int64(len(res.Data)) > limit || res.Size > limit
	res.Data = res.Data[:min(int64(len(res.Data)), limit)]
	return nil
}

// WriteFile writes data to a remote file over SFTP. A replace is atomic:
// the data goes to a temporary file in a private directory beside the
// target, which gets the old file's mode and (when we may) owner and is
// then renamed over the target, so a failure leaves the old file as it
// was. A symbolic link is followed: the file it names is written and the
// link stays. Only regular files are written (ErrNotRegular). See
// WriteOptions for append and sudo.
func (c *Conn) WriteFile(ctx context.Context, p string, data []byte, opts WriteOptions) (WriteResult, error) {
	limit, err := sizeLimit(opts.MaxBytes)
	if err != nil {
		return WriteResult{}, err
	}
	if int64(len(data)) > limit {
		return WriteResult{}, fmt.Errorf("write %s: %d bytes exceed the limit of %d: %w", p, len(data), limit, ErrTooLarge)
	}
	res := WriteResult{Written: int64(len(data))}
	err = c.withSFTP(ctx, func(cl *sftp.Client) error {
		if res.Path, err = absRemote(cl, p); err != nil {
			return err
		}
		if opts.UseSudo {
			return errPermissionSudo
		}
		return sftpWrite(cl, res.Path, data, opts)
	})
	if errors.Is(err, errPermissionSudo) || (errors.Is(err, ErrPermission) && opts.SudoPassword != "") {
		res.ViaSudo = true
		return res, c.sudoWrite(ctx, res.Path, data, opts)
	}
	if err != nil {
		return WriteResult{}, err
	}
	return res, nil
}

func sftpWrite(cl *sftp.Client, p string, data []byte, opts WriteOptions) error {
	if opts.MakeDirs {
		if err := cl.MkdirAll(path.Dir(p)); err != nil {
			return fileErr("create directories for", p, err)
		}
	}
	// A link (/etc/resolv.conf, sites-enabled/*) stays a link: the file
	// it names is the one written.
	p, err := followLinks(cl, p)
	if err != nil {
		return err
	}
	st, err := cl.Stat(p)
	exists := err == nil
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fileErr("stat", p, err)
	}
	if exists {
		if err := regularFile(p, st); err != nil {
			return fmt.Errorf("write %w", err)
		}
	}
	if opts.Append && exists {
		return sftpAppend(cl, p, data)
	}
	mode := os.FileMode(0o644)
	var owner *sftp.FileStat
	if exists {
		mode = st.Mode() & (os.ModePerm | os.ModeSetuid | os.ModeSetgid | os.ModeSticky)
		owner, _ = st.Sys().(*sftp.FileStat)
	}
	if opts.ModeSet {
		mode = opts.Mode
	}
	return sftpReplace(cl, p, data, mode, owner)
}

// regularFile refuses a directory (ErrIsDir) and anything else that is not
// a regular file (ErrNotRegular).
func regularFile(p string, st os.FileInfo) error {
	switch {
	case st.IsDir():
		return fmt.Errorf("%s: %w", p, ErrIsDir)
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s is %s: %w", p, hosts.FileKind(st.Mode()), ErrNotRegular)
	}
	return nil
}

// sftpReplace writes data to a file in a fresh private directory beside p,
// gives it mode and owner (when not nil) through its open handle, and
// renames it over p. Nobody else can open the file while it fills, and a
// name swapped under us (for a link elsewhere) gets no write, mode or
// owner of ours. On failure the temporary files are removed and p is left
// as it was.
func sftpReplace(cl *sftp.Client, p string, data []byte, mode os.FileMode, owner *sftp.FileStat) error {
	dir, err := privateDir(cl, path.Dir(p), "."+path.Base(p))
	if err != nil {
		return err
	}
	tmp := path.Join(dir, "data")
	renamed := false
	defer func() {
		if !renamed {
			cl.Remove(tmp)
		}
		cl.RemoveDirectory(dir)
	}()
	f, err := cl.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return fileErr("create a temporary file for", p, err)
	}
	_, err = f.Write(data)
	if err == nil && owner != nil {
		// Only root may give a file away; for others the file is
		// already theirs, so a refusal changes nothing that could be kept.
		f.Chown(int(owner.UID), int(owner.GID))
	}
	if err == nil {
		err = f.Chmod(mode) // after chown, which clears set-id bits
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fileErr("write", p, err)
	}
	if _, ok := cl.HasExtension("posix-rename@openssh.com"); ok {
		err = cl.PosixRename(tmp, p)
	} else {
		err = cl.Rename(tmp, p)
	}
	if err != nil {
		return fileErr("rename into place", p, err)
	}
	renamed = true
	return nil
}

// sftpAppend appends to an existing regular file. A new file is written
// as a replace instead, so that it is never readable by others before its
// mode is set.
func sftpAppend(cl *sftp.Client, p string, data []byte) error {
	f, err := cl.OpenFile(p, os.O_WRONLY|os.O_APPEND)
	if err != nil {
		return fileErr("open for append", p, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fileErr("append to", p, err)
	}
	return nil
}

// absRemote expands "~" and makes p absolute against the SFTP working
// directory, which is where the server starts a session: the home.
func absRemote(cl *sftp.Client, p string) (string, error) {
	if p == "" {
		return "", errors.New("empty path: give an absolute path or one starting with ~/")
	}
	if strings.HasPrefix(p, "/") {
		return path.Clean(p), nil
	}
	wd, err := cl.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the remote home directory: %w", err)
	}
	switch {
	case p == "~":
		return wd, nil
	case strings.HasPrefix(p, "~/"):
		return path.Join(wd, p[2:]), nil
	case strings.HasPrefix(p, "~"):
		return "", fmt.Errorf("path %q: ~user is not supported; write the user's home directory out", p)
	}
	return path.Join(wd, p), nil
}

// fileErr maps an SFTP error to our sentinels, keeping the operation and
// path in the message.
func fileErr(op, p string, err error) error {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s %s: %w", op, p, ErrNotFound)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%s %s: %w", op, p, ErrPermission)
	}
	return fmt.Errorf("%s %s: %w", op, p, err)
}

func sizeLimit(n int64) (int64, error) {
	switch {
	case n < 0:
		return 0, fmt.Errorf("max bytes %d is negative: give a positive limit, or 0 for the default", n)
	case n == 0:
		return DefaultMaxFileBytes, nil
	}
	return n, nil
}

func tempSuffix() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// quoteSh quotes s for a POSIX shell: inside single quotes nothing is
// special, and a single quote itself is closed, escaped and reopened.
func quoteSh(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
