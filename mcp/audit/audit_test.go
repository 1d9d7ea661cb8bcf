package audit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeLog writes n records to a new log at path and returns the file.
func writeLog(t *testing.T, path string, n int) []byte {
	t.Helper()
	l, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	for i := range n {
		code := i
		if _, err := l.Write(Record{Event: EventCall, Tool: "execute_command", Host: "lab",
			Command: fmt.Sprintf("echo %d", i), ExitCode: &code, Policy: PolicyAllow}); err != nil {
			t.Fatalf("Write %d: %v", i, err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func verifyBytes(data []byte) (int, error) { return Verify(bytes.NewReader(data)) }

// lineOf is the 1-based line holding byte i of data.
func lineOf(data []byte, i int) int { return bytes.Count(data[:i], []byte("\n")) + 1 }

func TestAuditVerifyAcceptsAWrittenLog(t *testing.T) {
	data := writeLog(t, filepath.Join(t.TempDir(), "audit.jsonl"), 5)
	if n, err := verifyBytes(data); err != nil || n != 5 {
		t.Fatalf("Verify = %d, %v; want 5, nil\n%s", n, err, data)
	}
	first := strings.SplitN(string(data), "\n", 2)[0]
	for _, want := range []string{`"seq":1,`, `"prev":"` + zeroHash + `"`, `"policy":"allow","approved_by":""`, `"time":"20`} {
		if !strings.Contains(first, want) {
			t.Errorf("first record %q lacks %q", first, want)
		}
	}
}

// Every single byte changed anywhere, the last record included, is
// caught and blamed on the line that holds it.
func TestAuditVerifyCatchesEveryFlippedByte(t *testing.T) {
	data := writeLog(t, filepath.Join(t.TempDir(), "audit.jsonl"), 3)
	for i := range data {
		for _, flip := range []byte{0x01, 0x20} {
			bad := bytes.Clone(data)
			bad[i] ^= flip
			_, err := verifyBytes(bad)
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("byte %d (%q) ^ %#x: Verify = %v, want a VerifyError", i, data[i], flip, err)
			}
			// A broken newline merges two lines or splits one: the
			// first line touched is the one blamed.
			if want := lineOf(data, i); ve.Line != want {
				t.Fatalf("byte %d (%q) ^ %#x: blamed line %d, want %d: %v", i, data[i], flip, ve.Line, want, err)
			}
		}
	}
}

func TestAuditVerifyCatchesRemovedMovedAndCutLines(t *testing.T) {
	data := writeLog(t, filepath.Join(t.TempDir(), "audit.jsonl"), 4)
	lines := strings.SplitAfter(string(data), "\n")[:4]
	join := func(ls ...string) []byte { return []byte(strings.Join(ls, "")) }
	cases := []struct {
		name string
		data []byte
		line int
	}{
		{"middle removed", join(lines[0], lines[2], lines[3]), 2},
		{"first removed", join(lines[1], lines[2], lines[3]), 1},
		{"two swapped", join(lines[0], lines[2], lines[1], lines[3]), 2},
		{"one repeated", join(lines[0], lines[1], lines[1], lines[2]), 3},
		{"cut in the middle of a line", join(lines[0], lines[1], lines[2][:40]), 3},
		{"cut before the last newline", join(lines[0], lines[1], strings.TrimSuffix(lines[2], "\n")), 3},
		{"blank line inserted", join(lines[0], "\n", lines[1]), 2},
	}
	for _, c := range cases {
		_, err := verifyBytes(c.data)
		var ve *VerifyError
		if !errors.As(err, &ve) || ve.Line != c.line {
			t.Errorf("%s: Verify = %v, want a VerifyError on line %d", c.name, err, c.line)
		}
	}
}

// A server started again on the same file continues its chain and seq.
func TestAuditChainContinuesAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	writeLog(t, path, 2)
	data := writeLog(t, path, 3)
	if n, err := verifyBytes(data); err != nil || n != 5 {
		t.Fatalf("after a restart: Verify = %d, %v; want 5, nil\n%s", n, err, data)
	}
}

func TestAuditOpenRefusesACutLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	data := writeLog(t, path, 2)
	if err := os.WriteFile(path, data[:len(data)-10], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "audit verify") {
		t.Fatalf("Open of a log cut short = %v, want an error that says to verify it", err)
	}
}

func TestAuditOpenCreatesAPrivateFileAndRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	writeLog(t, path, 1)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new log: %v, %v; want mode 0600", fi.Mode(), err)
	}
	link := filepath.Join(dir, "link.jsonl")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(link); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Open(symlink) = %v, want a refusal naming the link", err)
	}
	if _, err := Open(dir); err == nil {
		t.Errorf("Open(directory) succeeded")
	}
	loose := filepath.Join(dir, "loose.jsonl")
	if err := os.WriteFile(loose, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chmod(loose, 0o622)
	if _, err := Open(loose); err == nil || !strings.Contains(err.Error(), "chmod go-w") {
		t.Errorf("Open(group-writable file) = %v, want a refusal saying chmod go-w", err)
	}
	readable := filepath.Join(dir, "readable.jsonl")
	os.WriteFile(readable, nil, 0o644)
	if l, err := Open(readable); err != nil {
		t.Errorf("Open(mode 0644 file) = %v, want it accepted", err)
	} else {
		l.Close()
		if fi, _ := os.Stat(readable); fi.Mode().Perm() != 0o600 {
			t.Errorf("an existing 0644 log was left %v, want 0600", fi.Mode().Perm())
		}
	}
	hard := filepath.Join(dir, "hard.jsonl")
	if err := os.Link(path, hard); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(hard); err == nil || !strings.Contains(err.Error(), "hard links") {
		t.Errorf("Open(file with two names) = %v, want a refusal", err)
	}
}

// failingWriter fails every write after the first ok ones.
type failingWriter struct {
	bytes.Buffer
	ok int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.ok == 0 {
		return 0, errors.New("no space left on device")
	}
	w.ok--
	return w.Buffer.Write(p)
}
func (w *failingWriter) Sync() error  { return nil }
func (w *failingWriter) Close() error { return nil }

func TestAuditWriteFailureIsSticky(t *testing.T) {
	w := &failingWriter{ok: 1}
	l := &Log{path: "test.jsonl", now: timeNowForTest, w: w, prev: zeroHash}
	if _, err := l.Write(Record{Event: EventCall}); err != nil {
		t.Fatal(err)
	}
	_, err := l.Write(Record{Event: EventCall})
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("second Write = %v, want the writer's error", err)
	}
	w.ok = 10
	if _, again := l.Write(Record{Event: EventCall}); again == nil {
		t.Fatalf("Write after a failure succeeded: the chain would follow a half-written line")
	}
}

func TestAuditWriteFailsWhenTheFileIsReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Write(Record{Event: EventCall}); err != nil {
		t.Fatal(err)
	}
	os.Rename(path, path+".old")
	if _, err := l.Write(Record{Event: EventCall}); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Fatalf("Write after the file was moved away = %v, want an error", err)
	}
}

func TestAuditConcurrentWritesKeepTheChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				if _, err := l.Write(Record{Event: EventCall, Command: fmt.Sprintf("g%d-%d", g, i)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	l.Close()
	f, _ := os.Open(path)
	defer f.Close()
	if n, err := Verify(f); err != nil || n != 80 {
		t.Fatalf("Verify = %d, %v; want 80, nil", n, err)
	}
}

func timeNowForTest() (t time.Time) { return time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC) }

// Two servers on one file (two clients started with the same config)
// write one chain between them.
func TestAuditTwoWritersShareOneChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, l := range []*Log{a, b, a, b} {
		wg.Go(func() {
			for i := range 10 {
				if _, err := l.Write(Record{Event: EventCall, Command: fmt.Sprint(i)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	a.Close()
	b.Close()
	f, _ := os.Open(path)
	defer f.Close()
	if n, err := Verify(f); err != nil || n != 40 {
		t.Fatalf("Verify = %d, %v; want 40, nil", n, err)
	}
}
