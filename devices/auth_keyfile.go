package devices

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/crypto/ssh"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

func readPublicKey(path string) (ssh.PublicKey, error) {
	data, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	return pub, err
}

// readKeyFile reads a key file that is a regular file of at most
// hosts.MaxKeyFileBytes. O_NONBLOCK keeps the open of a FIFO from blocking
// (the dial would hang, and its goroutine with it); the size is checked on
// the open file and the read is bounded, so a device such as /dev/zero
// costs nothing.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return nil, err
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s is %s, not a regular file", tildePath(path), hosts.FileKind(fi.Mode()))
	case fi.Size() > hosts.MaxKeyFileBytes:
		return nil, fmt.Errorf("%s is larger than any key (%d bytes, limit %d)", tildePath(path), fi.Size(), hosts.MaxKeyFileBytes)
	}
	data, err := io.ReadAll(io.LimitReader(f, hosts.MaxKeyFileBytes+1))
	if err == nil && len(data) > hosts.MaxKeyFileBytes {
		err = fmt.Errorf("%s grew larger than any key while read", tildePath(path))
	}
	return data, err
}
