package approve

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// sockets are the servers' sockets in dirs.
func sockets(dirs []string) []string {
	var out []string
	for _, d := range dirs {
		socks, _ := filepath.Glob(filepath.Join(d, "approvals-*.sock"))
		out = append(out, socks...)
	}
	return out
}

// Pending lists the requests waiting in every server of this user whose
// socket is in one of dirs, oldest first. A socket left by a server that
// ended is removed. errs holds what could not be read from the others.
func Pending(ctx context.Context, dirs ...string) (reqs []Request, errs []error) {
	for _, s := range sockets(dirs) {
		r, err := exchange(ctx, s, message{Op: "list"})
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			_ = os.Remove(s) // nobody listens: its server ended
		case err != nil:
			errs = append(errs, err)
		default:
			reqs = append(reqs, r.Requests...)
		}
	}
	slices.SortFunc(reqs, func(a, b Request) int { return a.Asked.Compare(b.Asked) })
	return reqs, errs
}

// Find returns the pending request id and the socket of its server.
func Find(ctx context.Context, id string, dirs ...string) (Request, string, error) {
	for _, s := range sockets(dirs) {
		r, err := exchange(ctx, s, message{Op: "list"})
		if err != nil {
			continue
		}
		for _, req := range r.Requests {
			if req.ID == id {
				return req, s, nil
			}
		}
	}
	return Request{}, "", fmt.Errorf("no request %s is waiting (it was answered or timed out); mcp-ssh-session approvals lists those that are", id)
}

// Send answers request id on the server of socket sock.
func Send(ctx context.Context, sock, id string, approve bool) error {
	_, err := exchange(ctx, sock, message{Op: "answer", ID: id, Approve: approve})
	return err
}

// exchange sends m on the socket at path and reads the reply; a reply
// with an error is returned as that error.
func exchange(ctx context.Context, path string, m message) (reply, error) {
	ctx, cancel := context.WithTimeout(ctx, ioTimeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return reply{}, err
	}
	defer c.Close()
	dl, _ := ctx.Deadline()
	c.SetDeadline(dl)
	if err := json.NewEncoder(c).Encode(m); err != nil {
		return reply{}, fmt.Errorf("approve: %s: %w", path, err)
	}
	var r reply
	line, err := bufio.NewReader(c).ReadBytes('\n')
	if err != nil {
		return reply{}, fmt.Errorf("approve: %s: no reply: %w", path, err)
	}
	if err := json.Unmarshal(line, &r); err != nil {
		return reply{}, fmt.Errorf("approve: %s: the reply is not JSON: %w", path, err)
	}
	if r.Error != "" {
		return r, errors.New(r.Error)
	}
	return r, nil
}

// Left is how long until the request's deadline, in whole seconds.
func (r Request) Left(now time.Time) time.Duration {
	return max(r.Deadline.Sub(now), 0).Truncate(time.Second)
}
