package approve

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	if err == nil || !(strings.Contains(err.Error(), "no controlling terminal") || strings.Contains(err.Error(), "MCP client did not start")) {
		t.Errorf("approval from the client's own tree: %v", err)
	}
	Send(context.Background(), sock, r.ID, false)
	if a := <-got; a.Outcome != Declined {
		t.Errorf("outcome %v", a.Outcome)
	}
}

func TestMayApprove(t *testing.T) {
	b := New(time.Minute, nil)
	b.parent = os.Getppid()
	if err := b.mayApprove(peer{pid: os.Getpid(), terminal: false}); err == nil || !strings.Contains(err.Error(), "no controlling terminal") {
		t.Errorf("no terminal: %v", err)
	}
	if err := b.mayApprove(peer{pid: os.Getpid(), terminal: true}); err == nil || !strings.Contains(err.Error(), "did not start") {
		t.Errorf("a process the client started: %v", err)
	}
	// A child of the test descends from the test's parent too; the test
	// does not descend from its child.
	sib := exec.Command("sleep", "30")
	if err := sib.Start(); err != nil {
		t.Fatal(err)
	}
	defer sib.Process.Kill()
	b.parent = os.Getppid()
	if err := b.mayApprove(peer{pid: sib.Process.Pid, terminal: true}); err == nil {
		t.Error("a grandchild of the client was taken for a person's terminal")
	}
	b.parent = sib.Process.Pid
	if err := b.mayApprove(peer{pid: os.Getpid(), terminal: true}); err != nil {
		t.Errorf("a process the client did not start, with a terminal: %v", err)
	}
}

// TestMayApproveSessionAndGoneProcesses: a process in the server's own
// session is turned away, and so is one whose ancestry cannot be read
// (it exited after handing its connection on).
func TestMayApproveSessionAndGoneProcesses(t *testing.T) {
	b := New(time.Minute, nil)
	b.session = sessionOf(os.Getpid())
	if err := b.mayApprove(peer{pid: os.Getpid(), terminal: true, session: b.session}); err == nil || !strings.Contains(err.Error(), "same session") {
		t.Errorf("a process of the server's session: %v", err)
	}
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
