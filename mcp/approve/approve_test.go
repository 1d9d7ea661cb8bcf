package approve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func listening(t *testing.T, timeout time.Duration) (*Broker, string) {
	t.Helper()
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	b := New(timeout, nil)
	if err := b.Listen(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, dir
}

// waitPending waits until a request is listed on the socket.
func waitPending(t *testing.T, dir string) Request {
	t.Helper()
	for range 1000 {
		reqs, errs := Pending(context.Background(), dir)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if len(reqs) > 0 {
			return reqs[0]
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no request was listed")
	return Request{}
}

func TestNobodyToAsk(t *testing.T) {
	b := New(time.Hour, nil)
	if a := b.Ask(context.Background(), Request{}, nil); a.Outcome != Unreachable {
		t.Errorf("outcome %v, want Unreachable at once", a.Outcome)
	}
}

// TestDenyFromTerminal: a request is listed on the socket in full, and a
// denial from any process of the user ends it.
func TestDenyFromTerminal(t *testing.T) {
	b, dir := listening(t, time.Minute)
	got := make(chan Answer, 1)
	go func() {
		got <- b.Ask(context.Background(), Request{Host: "r1", Action: "command", Text: "reload", Rule: "the ask rule"}, nil)
	}()
	r := waitPending(t, dir)
	if r.Text != "reload" || r.Host != "r1" || r.Rule != "the ask rule" || len(r.ID) != 8 || r.Deadline.Sub(r.Asked) != time.Minute {
		t.Errorf("listed request %+v", r)
	}
	req, sock, err := Find(context.Background(), r.ID, dir)
	if err != nil || req.ID != r.ID {
		t.Fatalf("Find: %v %+v", err, req)
	}
	if err := Send(context.Background(), sock, r.ID, false); err != nil {
		t.Fatal(err)
	}
	a := <-got
	if a.Outcome != Declined || !strings.HasPrefix(a.By, "terminal (pid ") {
		t.Errorf("answer %+v, want declined by a terminal", a)
	}
	if err := Send(context.Background(), sock, r.ID, false); err == nil || !strings.Contains(err.Error(), "no request") {
		t.Errorf("a second answer to an ended request: %v", err)
	}
}

// TestApprovalFromTheServersOwnTree: this test process is the parent of
// nothing here, but it is a descendant of its own parent, which a broker
// takes for the MCP client: its approval is turned away (for want of a
// terminal, or for its ancestry).
func TestApprovalFromTheServersOwnTree(t *testing.T) {
	b, dir := listening(t, time.Minute)
	got := make(chan Answer, 1)
	go func() { got <- b.Ask(context.Background(), Request{Text: "reload"}, nil) }()
	r := waitPending(t, dir)
	_, sock, _ := Find(context.Background(), r.ID, dir)
	err := Send(context.Background(), sock, r.ID, true)
	if err == nil || !(strings.Contains(err.Error(), "no controlling terminal") || strings.Contains(err.Error(), "MCP client did not start") ||
		strings.Contains(err.Error(), "terminal approval is off")) {
		t.Errorf("approval from the client's own tree: %v", err)
	}
	Send(context.Background(), sock, r.ID, false)
	if a := <-got; a.Outcome != Declined {
		t.Errorf("outcome %v", a.Outcome)
	}
}

// TestMayApprove builds the process tree it checks: a child of this test
// stands for the MCP client, the child's child for a shell the agent
// started, and this test for a terminal the client did not start.
// Session IDs are set, not read, so the test holds where /proc shows a
// session of 0 (a session begun outside this PID namespace, as on CI
// machines) and where the test is process 1 of a namespace of its own.
func TestMayApprove(t *testing.T) {
	const server, other = 1000001, 1000002
	client := exec.Command("sh", "-c", "sleep 30 & echo $!; wait")
	out, err := client.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { client.Process.Kill(); client.Wait() }()
	var shell int
	if _, err := fmt.Fscan(out, &shell); err != nil || shell <= 1 {
		t.Fatalf("the client's child: %d %v", shell, err)
	}
	defer syscall.Kill(shell, syscall.SIGKILL)

	b := New(time.Minute, nil)
	b.parent, b.session = client.Process.Pid, server
	refused := func(p peer, want string) {
		t.Helper()
		if err := b.mayApprove(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("peer %+v, parent %d: %v, want an error with %q", p, b.parent, err, want)
		}
	}
	refused(peer{pid: os.Getpid(), terminal: false, session: other}, "no controlling terminal")
	refused(peer{pid: shell, terminal: true, session: other}, "did not start")
	refused(peer{pid: client.Process.Pid, terminal: true, session: other}, "did not start")
	refused(peer{pid: os.Getpid(), terminal: true, session: server}, "same session")
	refused(peer{pid: os.Getpid(), terminal: true, session: 0}, "session this server can see")
	if err := b.mayApprove(peer{pid: os.Getpid(), terminal: true, session: other}); err != nil {
		t.Errorf("a process the client did not start, with a terminal of its own: %v", err)
	}
	// A server that cannot see its client takes no terminal's approval.
	for _, parent := range []int{0, 1} {
		b.parent = parent
		refused(peer{pid: os.Getpid(), terminal: true, session: other}, "terminal approval is off")
	}
	// Nor does one whose own session cannot be seen tell a peer of
	// session 0 from itself.
	b.parent, b.session = client.Process.Pid, 0
	refused(peer{pid: os.Getpid(), terminal: true, session: 0}, "session this server can see")
}

// TestMayApproveTheRealSelf: this test process, read from /proc as the
// server reads a peer, may not approve for a broker that takes it for
// both server and client, whatever namespace the test runs in.
func TestMayApproveTheRealSelf(t *testing.T) {
	b := New(time.Minute, nil)
	b.parent, b.session = os.Getppid(), sessionOf(os.Getpid())
	p := peer{pid: os.Getpid()}
	p.refresh()
	p.terminal = true // as if it had one; the session and ancestry must still refuse it
	if err := b.mayApprove(p); err == nil {
		t.Errorf("the server's own process (session %d, parent %d) may approve", p.session, b.parent)
	}
}

// TestGoneProcesses: a process whose ancestry cannot be read (it exited
// after handing its connection on) counts as descending from the client
// and as without a terminal.
func TestGoneProcesses(t *testing.T) {
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	if !descendsFrom(gone.Process.Pid, 1<<30) {
		t.Error("an exited process was taken for one the client did not start")
	}
	p := peer{pid: gone.Process.Pid, terminal: true, session: 42}
	p.refresh()
	if p.terminal {
		t.Error("an exited process was taken for one with a terminal")
	}
}

func TestTimeout(t *testing.T) {
	b, _ := listening(t, 50*time.Millisecond)
	if a := b.Ask(context.Background(), Request{}, nil); a.Outcome != TimedOut {
		t.Errorf("outcome %v, want TimedOut", a.Outcome)
	}
}

// TestFirstAnswerWins: a terminal's denial ends a request the client is
// still asking about, and ends the client's question.
func TestFirstAnswerWins(t *testing.T) {
	b, dir := listening(t, time.Minute)
	asked, stopped := make(chan struct{}), make(chan error, 1)
	ask := func(ctx context.Context, r Request) (Answer, error) {
		close(asked)
		<-ctx.Done()
		stopped <- ctx.Err()
		return Answer{Outcome: Approved, By: "elicitation"}, nil
	}
	got := make(chan Answer, 1)
	go func() { got <- b.Ask(context.Background(), Request{}, ask) }()
	<-asked
	r := waitPending(t, dir)
	_, sock, _ := Find(context.Background(), r.ID, dir)
	if err := Send(context.Background(), sock, r.ID, false); err != nil {
		t.Fatal(err)
	}
	if a := <-got; a.Outcome != Declined {
		t.Errorf("outcome %v, want the terminal's denial", a.Outcome)
	}
	if err := <-stopped; !errors.Is(err, context.Canceled) {
		t.Errorf("the client's question was not ended: %v", err)
	}
}

// TestClientErrorLeavesTerminal: a client that fails to ask is no answer;
// without a terminal it is Unreachable, with its error.
func TestClientErrorLeavesTerminal(t *testing.T) {
	b := New(time.Minute, nil)
	a := b.Ask(context.Background(), Request{}, func(context.Context, Request) (Answer, error) { return Answer{}, errors.New("boom") })
	if a.Outcome != Unreachable || a.Why != "boom" {
		t.Errorf("answer %+v", a)
	}
}

func TestDirRefusesUnsafe(t *testing.T) {
	rt := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", rt)
	dir := filepath.Join(rt, "mcp-ssh-session")
	os.Mkdir(dir, 0o755)
	os.Chmod(dir, 0o755)
	if _, err := Dir(); err == nil || !strings.Contains(err.Error(), "chmod 700") {
		t.Errorf("a directory others may enter: %v", err)
	}
	os.Remove(dir)
	os.Symlink(t.TempDir(), dir)
	if _, err := Dir(); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("a symbolic link: %v", err)
	}
	os.Remove(dir)
	got, err := Dir()
	if err != nil || got != dir {
		t.Fatalf("Dir: %q %v", got, err)
	}
	b := New(time.Minute, nil)
	if err := b.Listen(got); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	st, err := os.Stat(b.SocketPath())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v %v, want 0600", st.Mode().Perm(), err)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", st.Mode().Perm())
	}
}

func TestVisible(t *testing.T) {
	in := "ls\x1b[2J\u202eevil\u200b\ttab\nnext\x7f"
	want := `ls\u{001B}[2J\u{202E}evil\u{200B}` + "\ttab\nnext" + `\u{007F}`
	if got := Visible(in); got != want {
		t.Errorf("Visible(%q) = %q, want %q", in, got, want)
	}
}
