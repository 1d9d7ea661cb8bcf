package hosts

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Running ssh -G costs tens of milliseconds of CPU (OpenSSH initializes
// its crypto library first), and the manager resolves a host for every
// command. Its answer depends only on the configuration files and on the
// question asked, so it is kept per question for as long as a hash of
// every file the configuration can include is unchanged. Configurations
// whose answer can change without a file changing (Match exec and Match
// localnetwork) are never cached.

// maxCacheEntries bounds each cache; a full cache starts over.
const maxCacheEntries = 512

// boundedCache is a map safe for concurrent use that forgets everything
// when it is full; entries are keyed by content hashes, so there is no
// staleness to manage, only size.
type boundedCache[V any] struct {
	mu      sync.Mutex
	entries map[string]V
}

func (c *boundedCache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[key]
	return v, ok
}

func (c *boundedCache[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCacheEntries {
		c.entries = map[string]V{}
	}
	c.entries[key] = v
}

// sshGCacheKey identifies one ssh -G question under the current
// configuration; ok is false when the answer must not be cached.
func (r *Resolver) sshGCacheKey(in layer) (key string, ok bool) {
	h := sha256.New()
	if !r.hashConfigFile(h, r.sshConfig, 0) {
		return "", false
	}
	fmt.Fprintf(h, "\x00%s\x00%s\x00%d\x00%s\x00%s", in.alias, in.user, in.port, in.hostName, r.wrapperConfig(in))
	return hex.EncodeToString(h.Sum(nil)), true
}

// hashConfigFile feeds path and its content into h, then every file its
// Include lines name (in any block: a superset is harmless). It reports
// false when the file holds a Match criterion whose answer depends on more
// than the files, or when Include nests deeper than OpenSSH allows.
func (r *Resolver) hashConfigFile(h interface{ Write([]byte) (int, error) }, path string, depth int) bool {
	if depth > maxIncludeDepth {
		return false
	}
	f := r.configFile(path)
	h.Write(f.digest)
	if !f.cacheable {
		return false
	}
	for _, args := range f.includes {
		if !r.hashIncludes(h, args, depth) {
			return false
		}
	}
	return true
}

// scannedFile is what hashConfigFile needs of one configuration file.
type scannedFile struct {
	sig       fileSig
	digest    []byte     // path, size, mode, owner and a hash of the content
	includes  [][]string // the arguments of its Include lines
	cacheable bool       // no Match exec or Match localnetwork
}

// fileSig tells whether a file may have changed since it was read: its
// identity, size, mode, owner and change times. ok is false when stat
// failed.
type fileSig struct {
	ok             bool
	dev, ino, size uint64
	mtime, ctime   int64
	mode, uid, gid uint32
}

// configFile returns path scanned, reading it again only when its stat
// signature changed: a resolution per command then costs a stat per file
// instead of reading and hashing every file the configuration includes.
func (r *Resolver) configFile(path string) *scannedFile {
	sig := statSig(path)
	if v, ok := r.scanned.Load(path); ok && sig.trusted() && v.(*scannedFile).sig == sig {
		return v.(*scannedFile)
	}
	f := scanConfigFile(path)
	f.sig = sig
	if sig.trusted() {
		r.scanned.Store(path, f)
	}
	return f
}

// racyWindow is how recent a change may be for a signature not to be
// trusted: a file written twice within its file system's timestamp
// granularity, with the same size, would keep its signature.
const racyWindow = 2 * time.Second

// trusted reports whether sig can stand for the file's content: stat
// worked and the file last changed more than racyWindow ago. The change
// time counts too: a copy that keeps the old modification time (cp -p,
// rsync -t) still sets it, and nobody can set it back.
func (s fileSig) trusted() bool {
	return s.ok && time.Since(time.Unix(0, max(s.mtime, s.ctime))) > racyWindow
}

func scanConfigFile(path string) *scannedFile {
	h := sha256.New()
	f := &scannedFile{cacheable: true}
	data, err := os.ReadFile(path)
	fmt.Fprintf(h, "%s\x00%d\x00", path, len(data))
	if fi, serr := os.Stat(path); serr == nil {
		// ssh checks owner and mode, so they are part of its answer.
		fmt.Fprintf(h, "%v\x00", fi.Mode())
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			fmt.Fprintf(h, "%d:%d\x00", st.Uid, st.Gid)
		}
	}
	if err != nil {
		// missing or unreadable: ssh's answer (or error) is stable too
		fmt.Fprintf(h, "error %v\x00", err)
		f.digest = h.Sum(nil)
		return f
	}
	h.Write(data)
	f.digest = h.Sum(nil)
	for line := range strings.Lines(string(data)) {
		if !mayBeDirective(line) {
			continue
		}
		m := directiveLine.FindStringSubmatch(strings.TrimRight(line, "\r\n"))
		if m == nil {
			continue
		}
		args := splitArgs(stripComment(m[3]))
		switch strings.ToLower(m[2]) {
		case "match":
			for _, a := range args {
				switch strings.TrimPrefix(strings.ToLower(a), "!") {
				case "exec", "localnetwork":
					f.cacheable = false
				}
			}
		case "include":
			f.includes = append(f.includes, args)
		}
	}
	return f
}

func (r *Resolver) hashIncludes(h interface{ Write([]byte) (int, error) }, args []string, depth int) bool {
	for _, arg := range args {
		p := expandTilde(arg, r.home)
		if !filepath.IsAbs(p) {
			p = filepath.Join(r.home, ".ssh", p)
		}
		paths := r.glob(p)
		fmt.Fprintf(h, "glob %s %d\x00", p, len(paths))
		for _, inc := range paths {
			if !r.hashConfigFile(h, inc, depth+1) {
				return false
			}
		}
	}
	return true
}

// globbed is a glob's result and the signature of the one directory it
// read.
type globbed struct {
	dirSig fileSig
	paths  []string
}

// glob is filepath.Glob, reusing the last result while the directory it
// lists is unchanged (an entry added, removed or renamed changes the
// directory's times). Patterns with wildcards above the last element are
// globbed every time.
func (r *Resolver) glob(pattern string) []string {
	dir := filepath.Dir(pattern)
	if strings.ContainsAny(dir, `*?[\`) {
		paths, _ := filepath.Glob(pattern)
		return paths
	}
	sig := statSig(dir)
	if v, ok := r.globs.Load(pattern); ok && sig.trusted() && v.(*globbed).dirSig == sig {
		return v.(*globbed).paths
	}
	paths, _ := filepath.Glob(pattern)
	if sig.trusted() {
		r.globs.Store(pattern, &globbed{dirSig: sig, paths: paths})
	}
	return paths
}

// mayBeDirective is a quick test for a line that could be Match or
// Include, so that the regular expression runs on few lines.
func mayBeDirective(line string) bool {
	line = strings.TrimLeft(line, " \t")
	return len(line) >= 5 && (strings.EqualFold(line[:5], "match") || len(line) >= 7 && strings.EqualFold(line[:7], "include"))
}
