package devices

import (
	"net"
	"syscall"
)

// sshd leaves Nagle's algorithm on until a session asks for a terminal,
// and for exec and SFTP channels for good. When it sends two small
// packets in a row, the second waits for our acknowledgement of the first,
// which Linux delays by up to 40 ms: the login's round trips (the first
// channel open above all) and small SFTP replies each stalled that long.
// Asking for a quick acknowledgement after every read keeps them flowing.
// The kernel clears the option on its own, hence after every read.

// quickAck wraps a TCP connection so that every read re-arms TCP_QUICKACK.
func quickAck(nc net.Conn) net.Conn {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nc
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nc
	}
	return &quickAckConn{TCPConn: tc, rc: rc}
}

type quickAckConn struct {
	*net.TCPConn
	rc syscall.RawConn
}

func (q *quickAckConn) Read(p []byte) (int, error) {
	n, err := q.TCPConn.Read(p)
	if n > 0 {
		// A failure only costs the delay this avoids.
		_ = q.rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
		})
	}
	return n, err
}
