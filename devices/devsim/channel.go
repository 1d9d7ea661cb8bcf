package devsim

import (
	"context"
	"net"
	"sync"

	"golang.org/x/crypto/ssh"
)

// serveChannel answers the requests of one session channel: pty-req,
// env and window-change are accepted, then one shell or exec request
// starts the interpreter. The channel closes when the interpreter ends.
func (s *Server) serveChannel(ctx context.Context, conn *ssh.ServerConn, ch ssh.Channel, reqs <-chan *ssh.Request) {
	var wg sync.WaitGroup
	defer wg.Wait()
	defer ch.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	started := false
	for req := range reqs {
		switch req.Type {
		case "pty-req", "env", "window-change":
			req.Reply(true, nil)
		case "shell", "exec":
			if started {
				req.Reply(false, nil)
				continue
			}
			var command string
			if req.Type == "exec" {
				var payload struct{ Command string }
				if err := ssh.Unmarshal(req.Payload, &payload); err != nil {
					req.Reply(false, nil)
					continue
				}
				command = payload.Command
			}
			started = true
			req.Reply(true, nil)
			sess := s.newSession(ctx, conn, ch)
			wg.Go(func() {
				if req.Type == "exec" {
					sess.runExec(command)
				} else {
					sess.runShell()
				}
				// Closing ends the request loop and the reader too, so
				// nothing outlives the channel.
				ch.Close()
				<-sess.readerDone
			})
		default:
			if req.WantReply {
				req.Reply(false, nil)
			}
		}
	}
	cancel()
}

// remoteIP returns the client's IP address as a device logs it.
func remoteIP(conn *ssh.ServerConn) string {
	host, _, err := net.SplitHostPort(conn.RemoteAddr().String())
	if err != nil {
		return conn.RemoteAddr().String()
	}
	return host
}
