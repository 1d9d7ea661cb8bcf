package hosts

import "syscall"

// statSig reads path's signature; ok is false when stat fails.
func statSig(path string) fileSig {
	var st syscall.Stat_t
	if syscall.Stat(path, &st) != nil {
		return fileSig{}
	}
	return fileSig{ok: true, dev: uint64(st.Dev), ino: st.Ino, size: uint64(st.Size),
		mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(), mode: st.Mode, uid: st.Uid, gid: st.Gid}
}
