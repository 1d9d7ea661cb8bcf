package devices

import (
	"fmt"
	"os"
	"path"

	"github.com/pkg/sftp"
)

// maxLinks bounds how many symbolic links followLinks follows, as the
// kernel's ELOOP does.
const maxLinks = 40

// followLinks returns the path p's chain of symbolic links ends at; p
// itself when it is no link or does not exist. The end may not exist (a
// dangling link): writing creates it. Only links owned by root or by uid
// (the login user) are followed: another user's link, in a directory that
// user may write, could be pointed at any file of ours (ErrForeignLink).
func followLinks(cl *sftp.Client, p string) (string, error) {
	uid, known := uint32(0), false
	for range maxLinks {
		st, err := cl.Lstat(p)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			return p, nil
		}
		fs, _ := st.Sys().(*sftp.FileStat)
		if fs != nil && fs.UID != 0 && !known {
			uid, known = sftpUID(cl), true
		}
		if fs != nil && fs.UID != 0 && fs.UID != uid {
			return "", fmt.Errorf("write %s: the symbolic link is owned by uid %d: %w", p, fs.UID, ErrForeignLink)
		}
		to, err := cl.ReadLink(p)
		if err != nil {
			return "", fileErr("read the link", p, err)
		}
		if !path.IsAbs(to) {
			to = path.Join(path.Dir(p), to)
		}
		p = path.Clean(to)
	}
	return "", fmt.Errorf("%s: more than %d symbolic links in a row (a loop?): give the file's real path", p, maxLinks)
}

// privateDir creates a directory named prefix plus a random suffix in
// parent and makes it mode 0700, so that a file created inside is never
// open to others, whatever the server's umask: SFTP creates files with
// the server's default mode, and another user who opens a file before its
// mode is narrowed keeps reading it. Until the chmod the directory is
// empty and no one else may write in it.
func privateDir(cl *sftp.Client, parent, prefix string) (string, error) {
	dir := path.Join(parent, prefix+".mcpssh-"+tempSuffix()+".d")
	if err := cl.Mkdir(dir); err != nil {
		return "", fileErr("create a temporary directory in", parent, err)
	}
	err := cl.Chmod(dir, 0o700)
	if err == nil {
		// The name could have been swapped for a link meanwhile.
		var st os.FileInfo
		if st, err = cl.Lstat(dir); err == nil && (!st.IsDir() || st.Mode().Perm() != 0o700) {
			err = fmt.Errorf("%s changed under us (now %v)", dir, st.Mode())
		}
	}
	if err != nil {
		cl.RemoveDirectory(dir)
		return "", fileErr("make private the temporary directory", dir, err)
	}
	return dir, nil
}

// sftpUID is the login user's uid as the SFTP server sees it: the owner of
// the directory a session starts in (the home). When it cannot be told,
// only root's links are followed.
func sftpUID(cl *sftp.Client) uint32 {
	wd, err := cl.Getwd()
	if err != nil {
		return 0
	}
	st, err := cl.Stat(wd)
	if err != nil {
		return 0
	}
	if fs, ok := st.Sys().(*sftp.FileStat); ok {
		return fs.UID
	}
	return 0
}
