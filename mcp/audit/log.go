package audit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// maxTail bounds how much of a file is read to find its last line: a
// record is a command line and a few fields.
const maxTail = 1 << 20

// Log appends records to one file. Safe for concurrent use, and for use
// by several processes on one file (two servers started with the same
// config): each write holds an exclusive flock on the file and continues
// from the last line there, whoever wrote it.
type Log struct {
	path string
	now  func() time.Time

	mu   sync.Mutex
	w    syncWriter
	file *os.File     // w as a file, for locking and reading; nil: w is all there is
	same func() error // checks the path still names the file written; nil: no check
	size int64        // the file's size after the last line this Log wrote or read
	seq  uint64       // of the last record
	prev string       // hash of the last line
	err  error        // sticky: the first failed write
	shut bool         // Close was called
}

// syncWriter is an *os.File as far as writing goes.
type syncWriter interface {
	io.Writer
	Sync() error
	Close() error
}

// Open opens path for appending, creating it with mode 0600, and
// continues the chain of the records already there. It refuses a symbolic
// link (not followed), anything but a regular file, a file owned by
// another user, with several names, or that group or others may write,
// with an error that says what to do; an existing file is made readable
// by its owner only. It also refuses a file whose last line is not a whole
// record (a crash or an edit cut it): Verify tells more.
func Open(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0o600)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("audit log %s is a symbolic link, which is not followed: give the real file's path", path)
	}
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	fi, err := checkFile(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audit log %s %w", path, err)
	}
	l := &Log{path: path, now: time.Now, w: f, file: f, size: -1}
	l.same = func() error { return samePath(path, fi) }
	unlock, err := l.lock()
	if err == nil {
		err = l.catchUp()
		unlock()
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// checkFile accepts a regular file of ours that only we may write, and
// makes it readable by us only.
func checkFile(f *os.File) (os.FileInfo, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf(": %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("is not a regular file (%s): give the path of a plain file", fi.Mode().Type())
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return nil, fmt.Errorf("belongs to uid %d, not to us (uid %d): give a file of our own", st.Uid, os.Getuid())
	} else if ok && st.Nlink > 1 {
		return nil, fmt.Errorf("has %d hard links, so another name could change it: give a file with one name", st.Nlink)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("is writable by group or others (mode %04o), who could rewrite it: chmod go-w it, or give a new file", fi.Mode().Perm())
	}
	// Commands and paths are nobody else's business either.
	if err := f.Chmod(0o600); err != nil {
		return nil, fmt.Errorf("could not be made private (chmod 0600): %w", err)
	}
	return fi, nil
}

// samePath reports an error when path no longer names the file fi
// describes: records written to a file moved away or removed would be
// lost from the log at path.
func samePath(path string, fi os.FileInfo) error {
	now, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("the audit log %s is gone (%v): records would be lost; restore it or restart the server", path, err)
	}
	if !os.SameFile(now, fi) {
		return fmt.Errorf("the audit log %s was replaced by another file while the server ran: records would go astray; restart the server", path)
	}
	return nil
}

// lock takes the file's exclusive flock, waiting for another process that
// holds it, and returns what releases it.
func (l *Log) lock() (func(), error) {
	if l.file == nil {
		return func() {}, nil
	}
	fd := int(l.file.Fd())
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX)
		if err == nil {
			return func() { _ = syscall.Flock(fd, syscall.LOCK_UN) }, nil
		}
		if !errors.Is(err, syscall.EINTR) {
			return nil, fmt.Errorf("the audit log %s could not be locked: %w", l.path, err)
		}
	}
}

// catchUp reads the seq and hash of the file's last line when another
// process (or the run before) wrote it. Call it with the lock held.
func (l *Log) catchUp() error {
	if l.file == nil {
		return nil
	}
	fi, err := l.file.Stat()
	if err != nil {
		return fmt.Errorf("the audit log %s could not be read: %w", l.path, err)
	}
	if fi.Size() == l.size {
		return nil
	}
	seq, prev, err := lastRecord(l.file, fi.Size(), l.path)
	if err != nil {
		return err
	}
	l.seq, l.prev, l.size = seq, prev, fi.Size()
	return nil
}

// lastRecord returns the seq and line hash of the last record of the file
// r (size bytes long), zero and the zero hash for an empty file.
func lastRecord(r io.ReaderAt, size int64, path string) (uint64, string, error) {
	if size == 0 {
		return 0, zeroHash, nil
	}
	n := min(size, maxTail)
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, size-n); err != nil {
		return 0, "", fmt.Errorf("the audit log %s: read its last record: %w", path, err)
	}
	broken := func(why string) error {
		return fmt.Errorf("the audit log %s: its last line %s, so the chain cannot continue: run \"mcp-ssh-session audit verify %s\", then move the file aside to start a new log", path, why, path)
	}
	if !bytes.HasSuffix(buf, []byte("\n")) {
		return 0, "", broken("is not complete (no newline at its end)")
	}
	line := buf[:len(buf)-1]
	i := bytes.LastIndexByte(line, '\n')
	if i < 0 && n < size {
		return 0, "", broken(fmt.Sprintf("is longer than %d bytes", maxTail))
	}
	line = line[i+1:]
	h, err := check(line)
	if err != nil {
		return 0, "", broken(err.Error())
	}
	return *h.Seq, lineHash(line), nil
}

// Write fills in r's time, seq and prev, appends it as one line and syncs
// the file. It blocks until the disk has it (and while another process
// writes to the file). After a failure every later Write returns the same
// error, since a half-written line may now end the file. It returns r as
// written.
func (l *Log) Write(r Record) (Record, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return r, l.err
	}
	unlock, err := l.lock()
	if err != nil {
		return r, err // nothing written: a later Write may succeed
	}
	defer unlock()
	if err := l.check(); err != nil {
		l.err = err
		return r, err
	}
	r.Time, r.Seq, r.Prev = timeText(l.now()), l.seq+1, l.prev
	line, err := encode(r)
	if err != nil {
		return r, err // nothing written: the log goes on
	}
	if _, err := l.w.Write(append(line, '\n')); err != nil {
		l.err = fmt.Errorf("the audit log %s could not be written: %w", l.path, err)
		return r, l.err
	}
	if err := l.w.Sync(); err != nil {
		l.err = fmt.Errorf("the audit log %s could not be synced to disk: %w", l.path, err)
		return r, l.err
	}
	l.seq, l.prev, l.size = r.Seq, lineHash(line), l.size+int64(len(line))+1
	return r, nil
}

// check makes sure the path still names the file and the chain state is
// the file's.
func (l *Log) check() error {
	if l.same != nil {
		if err := l.same(); err != nil {
			return err
		}
	}
	return l.catchUp()
}

// Path is the file the Log writes.
func (l *Log) Path() string { return l.path }

// Close closes the file. Writes after it fail; a second Close does
// nothing.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.shut {
		return nil
	}
	l.shut = true
	if l.err == nil {
		l.err = fmt.Errorf("the audit log %s is closed: the server is stopping", l.path)
	}
	return l.w.Close()
}
