package devices

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/pkg/sftp"
)

// Exit statuses of our sudo scripts; sudo itself exits with 1.
const (
	exitIsDir    = 20
	exitNotFound = 21
	exitNoAccess = 22
	exitFailed   = 23
	exitSpecial  = 24 // not a regular file
	exitLink     = 25 // a link another user owns; stderr names it
)

// sudoPrefix runs a command under sudo that reads the password from the
// first line of stdin (-S), prints no prompt (-p ”), and ignores a cached
// timestamp (-k) so that it always reads that line: otherwise the password
// would stay unread on stdin. LC_ALL=C keeps sudo's messages in English
// for sudoFailure.
const sudoPrefix = "LC_ALL=C sudo -S -k -p '' -- "

// sudoReadScript prints the file's size on one line, then at most $2
// bytes of it. Only a regular file is read: a FIFO would block for ever.
const sudoReadScript = `f=$1
[ -d "$f" ] && exit 20
[ -e "$f" ] || exit 21
[ -f "$f" ] || exit 24
[ -r "$f" ] || exit 22
size=$(stat -c %s -- "$f") || exit 23
printf '%s\n' "$size"
exec head -c "$2" -- "$f"`

func (c *Conn) sudoRead(ctx context.Context, p string, limit int64, password string) (ReadResult, error) {
	cmd := sudoPrefix + "sh -c " + quoteSh(sudoReadScript) + " sh " + quoteSh(p) + " " + strconv.FormatInt(limit+1, 10)
	var out, errb bytes.Buffer
	code, err := c.Exec(ctx, cmd, passwordLine(password), &out, &errb)
	if err != nil {
		return ReadResult{}, fmt.Errorf("read %s with sudo: %w", p, err)
	}
	if code != 0 {
		return ReadResult{}, sudoFailure("read", p, code, errb.String())
	}
	sizeLine, data, ok := bytes.Cut(out.Bytes(), []byte("\n"))
	size, err := strconv.ParseInt(string(sizeLine), 10, 64)
	if !ok || err != nil {
		return ReadResult{}, fmt.Errorf("read %s with sudo: unexpected output %q", p, lastBytes(out.Bytes(), 80))
	}
	res := ReadResult{Path: p, Size: size, ViaSudo: true}
	res.Truncated = int64(len(data)) > limit || size > limit
	res.Data = data[:min(int64(len(data)), limit)]
	return res, nil
}

// sudoWriteScript installs $1 (our upload) as $2. A link is followed to
// the file it names, which is written (the link stays), but only a link
// root or the login user owns: root following another user's link would
// write wherever that user points it. Anything but a regular file is
// refused. The existing file is opened once (fd 4) and checked to be the
// file whose name was checked, and its owner and mode are read from that
// descriptor, so a name swapped meanwhile is refused rather than used.
//
// A replace creates a temporary file beside the target exclusively (set
// -C: never through a name someone else made; a name made anyway is
// caught because the file must be root's and empty) and private (umask
// 077), then writes, chowns and chmods it only through its descriptor 3
// (/proc/self/fd/3), so that a user who may write the directory and swaps
// the name for a link gets none of root's writes, and renames it over
// the target last: the target is either old or new, never partial. $3 is
// the mode ("" keeps the old one, 644 for a new file), $4=1 appends
// instead (to the file opened as fd 4), $5=1 creates missing directories.
const sudoWriteScript = `src=$1 dst=$2 mode=$3
if [ "$5" = 1 ]; then mkdir -p -- "$(dirname -- "$dst")" || exit 23; fi
n=0
while [ -L "$dst" ]; do
  o=$(stat -c %u -- "$dst") || exit 23
  [ "$o" = 0 ] || [ "$o" = "$SUDO_UID" ] || { echo "$dst" >&2; exit 25; }
  to=$(readlink -- "$dst") || exit 23
  case $to in /*) dst=$to ;; *) dst=$(dirname -- "$dst")/$to ;; esac
  n=$((n+1)); [ "$n" -lt 40 ] || { echo "too many links from $2" >&2; exit 23; }
done
[ -d "$dst" ] && exit 20
[ -e "$dst" ] && { [ -f "$dst" ] || exit 24; }
dir=$(dirname -- "$dst")
[ -d "$dir" ] || exit 21
[ -e /proc/self/fd/0 ] || { echo "this host has no /proc/self/fd, which a safe sudo write needs" >&2; exit 23; }
umask 077
ino() { stat -L -c %d:%i "$1"; }
changed() { echo "$dst changed while it was being written: check who else may write $dir" >&2; exit 23; }
if [ -e "$dst" ]; then
  exec 4<"$dst" || exit 23
  [ -f /proc/self/fd/4 ] && [ "$(ino /proc/self/fd/4)" = "$(stat -c %d:%i -- "$dst")" ] || changed
  owner=$(stat -L -c %u:%g /proc/self/fd/4) && old=$(stat -L -c %a /proc/self/fd/4) || exit 23
fi
if [ "$4" = 1 ] && [ -n "$owner" ]; then
  exec 3>>"$dst" || exit 23
  [ "$(ino /proc/self/fd/3)" = "$(ino /proc/self/fd/4)" ] || changed
  cat -- "$src" >&3 || exit 23
  exit 0
fi
tmp=$(mktemp -u "$dir/.mcpssh-XXXXXXXXXXXX") || exit 23
set -C
exec 3>"$tmp" || exit 23
set +C
trap 'rm -f -- "$tmp"' EXIT
[ -f /proc/self/fd/3 ] && [ "$(stat -L -c %u:%s /proc/self/fd/3)" = 0:0 ] || changed
cat -- "$src" >&3 || exit 23
if [ -n "$owner" ]; then chown "$owner" /proc/self/fd/3 || exit 23; fi
chmod "${mode:-${old:-644}}" /proc/self/fd/3 || exit 23
exec 3>&- 4<&-
mv -f -- "$tmp" "$dst" || exit 23
trap - EXIT`

// sudoWrite uploads data to a private file we own, then has sudo install
// it. The data never travels on a command line, and the password only on
// stdin.
func (c *Conn) sudoWrite(ctx context.Context, p string, data []byte, opts WriteOptions) error {
	var up upload
	err := c.withSFTP(ctx, func(cl *sftp.Client) error {
		var err error
		up, err = uploadPrivate(cl, data)
		return err
	})
	if err != nil {
		return fmt.Errorf("write %s with sudo: %w", p, err)
	}
	defer func() {
		// Removal outlives a cancelled call, but not a stuck server.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), uploadRemoveTimeout)
		defer cancel()
		c.withSFTP(rctx, up.remove)
	}()

	mode, flag := "", func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	if opts.ModeSet {
		mode = strconv.FormatUint(uint64(unixMode(opts.Mode)), 8)
	}
	cmd := sudoPrefix + "sh -c " + quoteSh(sudoWriteScript) + " sh " + quoteSh(up.file) + " " + quoteSh(p) +
		" " + quoteSh(mode) + " " + flag(opts.Append) + " " + flag(opts.MakeDirs)
	var errb bytes.Buffer
	code, err := c.Exec(ctx, cmd, passwordLine(opts.SudoPassword), nil, &errb)
	if err != nil {
		return fmt.Errorf("write %s with sudo: %w", p, err)
	}
	if code != 0 {
		return sudoFailure("write", p, code, errb.String())
	}
	return nil
}

// uploadRemoveTimeout bounds the removal of an upload after the write.
const uploadRemoveTimeout = 10 * time.Second

// upload is a file of ours in a private directory, for sudo to install.
type upload struct{ dir, file string }

func (u upload) remove(cl *sftp.Client) error {
	cl.Remove(u.file)
	return cl.RemoveDirectory(u.dir)
}

// uploadPrivate writes data to a new file in a fresh 0700 directory in the
// home directory, or in /tmp when the home is not writable: nobody else
// can open it while it fills.
func uploadPrivate(cl *sftp.Client, data []byte) (upload, error) {
	var firstErr error
	for _, parent := range []string{"~", "/tmp"} {
		parent, err := absRemote(cl, parent)
		if err != nil {
			return upload{}, err
		}
		dir, err := privateDir(cl, parent, "")
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		up := upload{dir: dir, file: path.Join(dir, "upload")}
		f, err := cl.OpenFile(up.file, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
		if err == nil {
			_, err = f.Write(data)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			up.remove(cl)
			return upload{}, fileErr("upload to", up.file, err)
		}
		return up, nil
	}
	return upload{}, firstErr
}

// sudoFailure explains a non-zero exit of a sudo script. The texts matched
// are sudo's own messages (LC_ALL=C).
func sudoFailure(op, p string, code int, stderr string) error {
	switch code {
	case exitIsDir:
		return fmt.Errorf("%s %s: %w", op, p, ErrIsDir)
	case exitNotFound:
		return fmt.Errorf("%s %s: %w", op, p, ErrNotFound)
	case exitSpecial:
		return fmt.Errorf("%s %s: not a regular file (a FIFO, device or socket): %w", op, p, ErrNotRegular)
	case exitLink:
		return fmt.Errorf("%s %s: %s is a symbolic link owned by another user, which sudo does not follow: %w",
			op, p, lastBytes([]byte(stderr), 200), ErrForeignLink)
	case exitNoAccess:
		return fmt.Errorf("%s %s (even with sudo): %w", op, p, ErrPermission)
	case exitFailed:
		return fmt.Errorf("%s %s with sudo failed: %s", op, p, lastBytes([]byte(stderr), 300))
	}
	switch {
	case strings.Contains(stderr, "incorrect password") || strings.Contains(stderr, "Sorry, try again"):
		return fmt.Errorf("%s %s: sudo rejected the password: %w", op, p, ErrSudo)
	case strings.Contains(stderr, "password is required") || strings.Contains(stderr, "no password was provided"):
		return fmt.Errorf("%s %s: sudo needs a password: give sudo_password: %w", op, p, ErrSudo)
	case strings.Contains(stderr, "not in the sudoers") || strings.Contains(stderr, "not allowed") ||
		strings.Contains(stderr, "may not run sudo"):
		return fmt.Errorf("%s %s: this user may not use sudo here: %w", op, p, ErrSudo)
	case strings.Contains(stderr, "command not found") || code == 127:
		return fmt.Errorf("%s %s: sudo is not installed on the host: %w", op, p, ErrSudo)
	}
	return fmt.Errorf("%s %s with sudo: exit status %d: %s: %w", op, p, code, lastBytes([]byte(stderr), 300), ErrSudo)
}

// passwordLine is sudo -S's stdin: the password on one line, or nothing
// at all without one, so that sudo reports a missing password rather
// than a wrong empty one.
func passwordLine(password string) io.Reader {
	if password == "" {
		return strings.NewReader("")
	}
	return strings.NewReader(password + "\n")
}

// unixMode converts Go's mode bits to the octal a chmod takes.
func unixMode(m os.FileMode) uint32 {
	u := uint32(m.Perm())
	if m&os.ModeSetuid != 0 {
		u |= 0o4000
	}
	if m&os.ModeSetgid != 0 {
		u |= 0o2000
	}
	if m&os.ModeSticky != 0 {
		u |= 0o1000
	}
	return u
}

// lastBytes returns at most the last n bytes of b, as text.
func lastBytes(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
