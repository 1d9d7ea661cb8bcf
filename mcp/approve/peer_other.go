//go:build !linux

package approve

import (
	"io/fs"
	"net"
)

type peer struct {
	pid, uid int
	terminal bool
	session  int
}

func (p *peer) refresh() {}

func sessionOf(int) int { return 0 }

// peerOf cannot tell who connected here: the process counts as another
// user's, so nothing is taken from it.
func peerOf(*net.UnixConn) (peer, error) { return peer{uid: -1}, nil }

func descendsFrom(pid, ancestor int) bool { return true }

func ownedByMe(fs.FileInfo) bool { return true }
