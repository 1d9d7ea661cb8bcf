package approve

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The socket speaks one JSON object per line each way: a message, then
// its reply, then the connection closes.

// message is what a terminal sends.
type message struct {
	Op      string `json:"op"` // "list" or "answer"
	ID      string `json:"id,omitempty"`
	Approve bool   `json:"approve,omitempty"`
}

// reply is what the server answers.
type reply struct {
	Requests []Request `json:"requests,omitempty"`
	Error    string    `json:"error,omitempty"`
}

// ioTimeout bounds one exchange on the socket.
const ioTimeout = 10 * time.Second

// Dir is the directory of the sockets: $XDG_RUNTIME_DIR/mcp-ssh-session,
// or, without a runtime directory, mcp-ssh-session-UID in the temporary
// directory. It is created with mode 0700 when missing, and refused when
// it is a symbolic link, belongs to another user or others may enter it.
func Dir() (string, error) {
	dirs := candidates()
	return checkDir(dirs[0], true)
}

// Dirs are the directories a server of this user may listen in that
// exist and are safe: a terminal may have a runtime directory that the
// MCP client did not pass to the server, or the other way round.
func Dirs() []string {
	var out []string
	for _, d := range candidates() {
		if _, err := checkDir(d, false); err == nil {
			out = append(out, d)
		}
	}
	return out
}

// candidates are the socket directories, the preferred first.
func candidates() []string {
	tmp := filepath.Join(os.TempDir(), fmt.Sprintf("mcp-ssh-session-%d", os.Getuid()))
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" && filepath.IsAbs(rt) {
		if st, err := os.Stat(rt); err == nil && st.IsDir() {
			return []string{filepath.Join(rt, "mcp-ssh-session"), tmp}
		}
	}
	return []string{tmp}
}

// checkDir makes dir (when create) and checks that it is safe.
func checkDir(dir string, create bool) (string, error) {
	if !create {
		if _, err := os.Lstat(dir); err != nil {
			return "", err
		}
	} else if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("approve: create %s: %w", dir, err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return "", fmt.Errorf("approve: %w", err)
	}
	switch {
	case !st.IsDir():
		return "", fmt.Errorf("approve: %s is not a directory (a symbolic link or a file); remove it, and it is made again", dir)
	case !ownedByMe(st):
		return "", fmt.Errorf("approve: %s belongs to another user; remove it, or set XDG_RUNTIME_DIR to a directory of yours", dir)
	case st.Mode().Perm()&0o077 != 0:
		return "", fmt.Errorf("approve: others may enter %s (mode %v); run chmod 700 on it", dir, st.Mode().Perm())
	}
	return dir, nil
}

// Listen starts answering terminals on a socket of its own in dir
// (approvals-PID.sock, mode 0600), until Close.
func (b *Broker) Listen(dir string) error {
	path := filepath.Join(dir, fmt.Sprintf("approvals-%d.sock", os.Getpid()))
	_ = os.Remove(path) // left by an earlier process that had this PID
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("approve: listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("approve: %w", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(true)
	b.mu.Lock()
	b.ln, b.path, b.parent, b.session = ln, path, os.Getppid(), sessionOf(os.Getpid())
	b.mu.Unlock()
	go b.serve(ln)
	return nil
}

// Close stops the socket; requests still waiting can then only be
// answered by the MCP client or time out.
func (b *Broker) Close() error {
	b.mu.Lock()
	ln := b.ln
	b.ln, b.path = nil, ""
	b.mu.Unlock()
	if ln == nil {
		return nil
	}
	return ln.Close()
}

func (b *Broker) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go b.handle(c.(*net.UnixConn))
	}
}

// handle serves one connection: one message, one reply.
func (b *Broker) handle(c *net.UnixConn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(ioTimeout))
	send := func(r reply) {
		json.NewEncoder(c).Encode(r)
	}
	peer, err := peerOf(c)
	if err != nil {
		send(reply{Error: err.Error()})
		return
	}
	if peer.uid != os.Getuid() {
		b.log.Warn("approval socket: a process of another user was turned away", "uid", peer.uid, "pid", peer.pid)
		send(reply{Error: "this server takes answers only from its own user"})
		return
	}
	line, err := bufio.NewReaderSize(c, 4096).ReadSlice('\n')
	if err != nil {
		send(reply{Error: "send one JSON object on one line"})
		return
	}
	var m message
	if err := json.Unmarshal(line, &m); err != nil {
		send(reply{Error: "the message is not JSON: " + err.Error()})
		return
	}
	peer.refresh() // as it is now, not when it connected
	switch m.Op {
	case "list":
		// The full detail (a write's diff shows a file's current content)
		// only to a process that could approve; the rest to any of ours.
		reqs := b.list()
		if b.mayApprove(peer) != nil {
			for i := range reqs {
				if reqs[i].Detail != "" {
					reqs[i].Detail = "(shown only to mcp-ssh-session approve at a terminal)"
				}
			}
		}
		send(reply{Requests: reqs})
	case "answer":
		a := Answer{Outcome: Declined, By: fmt.Sprintf("terminal (pid %d)", peer.pid)}
		if m.Approve {
			if err := b.mayApprove(peer); err != nil {
				b.log.Warn("approval socket: an approval was turned away", "id", m.ID, "pid", peer.pid, "err", err)
				send(reply{Error: err.Error()})
				return
			}
			a.Outcome = Approved
		}
		if err := b.answer(strings.TrimSpace(m.ID), a); err != nil {
			send(reply{Error: err.Error()})
			return
		}
		send(reply{})
	default:
		send(reply{Error: fmt.Sprintf("unknown op %q: list or answer", m.Op)})
	}
}

// mayApprove refuses an approval from a process without a controlling
// terminal, one in the server's own session, or one that the server's
// parent (the MCP client that runs the agent) started: that is where an
// agent's own shell tool runs. What cannot be seen counts against the
// approval: a session or a parent outside this PID namespace shows as 0
// in /proc, and then the two cannot be told apart (a container run by
// docker run -i, or a pipeline in unshare --pid).
func (b *Broker) mayApprove(peer peer) error {
	if !peer.terminal {
		return errors.New("an approval must come from a person at a terminal: this process has no controlling terminal (or has exited); run mcp-ssh-session approve ID in a terminal window")
	}
	b.mu.Lock()
	parent, session := b.parent, b.session
	b.mu.Unlock()
	if peer.session == 0 {
		return errors.New("an approval must come from a terminal whose session this server can see: this process's session began outside the server's PID namespace; run mcp-ssh-session approve ID in a terminal window opened inside it, or answer in the MCP client")
	}
	if peer.session == session {
		return errors.New("an approval must come from a terminal of its own: this process is in the same session as the MCP server (started by the same client); run mcp-ssh-session approve ID in a terminal window of your own")
	}
	if parent <= 1 {
		return errors.New("terminal approval is off for this server: it cannot see the MCP client that started it (its parent is outside its PID namespace, or has exited), so it cannot tell a person's terminal from one the agent opened; answer in the MCP client, or run the server where it can see its client")
	}
	if descendsFrom(peer.pid, parent) {
		return fmt.Errorf("an approval must come from a terminal that the MCP client did not start (the client, process %d, runs the agent): run mcp-ssh-session approve ID in a terminal window of your own", parent)
	}
	return nil
}
