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

	"github.com/pkg/sftp"
)

// Exit statuses of our sudo scripts; sudo itself exits with 1.
const (
	exitIsDir    = 20
	exitNotFound = 21
	exitNoAccess = 22
	exitFailed   = 23
)

// sudoPrefix runs a command under sudo that reads the password from the
// first line of stdin (-S), prints no prompt (-p ”), and ignores a cached
// timestamp (-k) so that it always reads that line: otherwise the password
// would stay unread on stdin. LC_ALL=C keeps sudo's messages in English
// for sudoFailure.
const sudoPrefix = "LC_ALL=C sudo -S -k -p '' -- "

// sudoReadScript prints the file's size on one line, then at most $2
// bytes of it.
const sudoReadScript = `f=$1
[ -d "$f" ] && exit 20
[ -e "$f" ] || exit 21
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

// sudoWriteScript installs $1 (our upload) as $2. A replace copies into a
// temporary file in the target's directory, gives it the old file's owner
// and mode (or $3), and renames it over the target, so the target is
// either old or new, never partial. $4=1 appends instead; $5=1 creates
// missing directories.
const sudoWriteScript = `src=$1 dst=$2 mode=$3
dir=$(dirname -- "$dst")
if [ "$5" = 1 ]; then mkdir -p -- "$dir" || exit 23; fi
[ -d "$dst" ] && exit 20
[ -d "$dir" ] || exit 21
if [ "$4" = 1 ]; then
  [ -e "$dst" ] || new=1
  cat -- "$src" >> "$dst" || exit 23
  if [ -n "$new" ]; then chmod "${mode:-644}" "$dst" || exit 23; fi
  exit 0
fi
tmp=$(mktemp "$dir/.mcpssh-XXXXXXXX") || exit 23
trap 'rm -f -- "$tmp"' EXIT
cat -- "$src" > "$tmp" || exit 23
if [ -e "$dst" ]; then
  chown "$(stat -c %u:%g -- "$dst")" "$tmp" || exit 23
  [ -n "$mode" ] || mode=$(stat -c %a -- "$dst") || exit 23
fi
chmod "${mode:-644}" "$tmp" || exit 23
mv -f -- "$tmp" "$dst" || exit 23
trap - EXIT`

// sudoWrite uploads data to a private file we own, then has sudo install
// it. The data never travels on a command line, and the password only on
// stdin.
func (c *Conn) sudoWrite(ctx context.Context, p string, data []byte, opts WriteOptions) error {
	var upload string
	err := c.withSFTP(ctx, func(cl *sftp.Client) error {
		var err error
		upload, err = uploadPrivate(cl, data)
		return err
	})
	if err != nil {
		return fmt.Errorf("write %s with sudo: %w", p, err)
	}
	defer c.withSFTP(context.WithoutCancel(ctx), func(cl *sftp.Client) error { return cl.Remove(upload) })

	mode, flag := "", func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	if opts.ModeSet {
		mode = strconv.FormatUint(uint64(unixMode(opts.Mode)), 8)
	}
	cmd := sudoPrefix + "sh -c " + quoteSh(sudoWriteScript) + " sh " + quoteSh(upload) + " " + quoteSh(p) +
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

// uploadPrivate writes data to a new 0600 file in the home directory, or in
// /tmp when the home is not writable, and returns its path.
func uploadPrivate(cl *sftp.Client, data []byte) (string, error) {
	var firstErr error
	for _, dir := range []string{"~", "/tmp"} {
		dir, err := absRemote(cl, dir)
		if err != nil {
			return "", err
		}
		name := path.Join(dir, ".mcpssh-"+tempSuffix()+".upload")
		f, err := cl.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
		if err != nil {
			if firstErr == nil {
				firstErr = fileErr("create", name, err)
			}
			continue
		}
		err = cl.Chmod(name, 0o600)
		if err == nil {
			_, err = f.Write(data)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			cl.Remove(name)
			return "", fileErr("upload to", name, err)
		}
		return name, nil
	}
	return "", firstErr
}

// sudoFailure explains a non-zero exit of a sudo script. The texts matched
// are sudo's own messages (LC_ALL=C).
func sudoFailure(op, p string, code int, stderr string) error {
	switch code {
	case exitIsDir:
		return fmt.Errorf("%s %s: %w", op, p, ErrIsDir)
	case exitNotFound:
		return fmt.Errorf("%s %s: %w", op, p, ErrNotFound)
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
