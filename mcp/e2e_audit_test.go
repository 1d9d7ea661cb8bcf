package mcp

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// auditLine is a record of the audit log as the tests read it.
type auditLine map[string]any

func (r auditLine) str(key string) string { v, _ := r[key].(string); return v }

// readAudit returns the records of the audit log at path.
func readAudit(t *testing.T, path string) []auditLine {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the audit log: %v", err)
	}
	var out []auditLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r auditLine
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit record %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

// waitAudit reads the audit log until want accepts its records: the
// record of a command's end follows its result by a moment.
func waitAudit(t *testing.T, ctx context.Context, path string, want func([]auditLine) bool) []auditLine {
	t.Helper()
	for {
		recs := readAudit(t, path)
		if want(recs) {
			return recs
		}
		select {
		case <-ctx.Done():
			t.Fatalf("audit log never had the records awaited; it has %d:\n%v", len(recs), recs)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func findAudit(recs []auditLine, event, tool, key, value string) (auditLine, bool) {
	for _, r := range recs {
		if r.str("event") == event && (tool == "" || r.str("tool") == tool) && r.str(key) == value {
			return r, true
		}
	}
	return nil, false
}

// verifyAudit runs the real binary's audit verify on path.
func verifyAudit(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(mcptest.Binary(t, raceEnabled), "audit", "verify", path).CombinedOutput()
	if err != nil {
		t.Fatalf("audit verify %s: %v\n%s", path, err, out)
	}
	return string(out)
}

// auditRun is what TestE2EAuditLog did, for the checks of its records.
type auditRun struct {
	acct                  devicetest.Account
	file                  string // written, then read
	out                   string // output of outID
	sudoID, outID, readID string
}

const (
	auditTyped = "typed-Secret-91q" // typed with send_input
	// auditMasked is a call's su_password that its command also holds.
	// It stands in for a real secret there: a command line goes into the
	// test account's shell history, which the devices tests check for the
	// account password.
	auditMasked = "masked-Secret-52w"
)

func TestE2EAuditLog(t *testing.T) {
	acct := sudoAccount(t)
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, "--audit-log", path)
	s.user = sshd.User
	ctx := testContext(t, 2*time.Minute)
	a := auditCalls(t, ctx, s, acct, userDir(t, acct.Name)+"/audited.txt")

	recs := waitAudit(t, ctx, path, func(recs []auditLine) bool {
		_, x := findAudit(recs, "command_end", "", "command_id", a.sudoID)
		_, y := findAudit(recs, "command_end", "", "command_id", a.outID)
		_, z := findAudit(recs, "command_end", "", "command_id", a.readID)
		return x && y && z
	})
	checkAuditCalls(t, recs, a)
	checkAuditEnd(t, recs, a)
	data, _ := os.ReadFile(path)
	for _, secret := range []string{acct.Password, devicetest.AccountPassword, auditTyped, auditMasked} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("a secret (%d bytes) appears in the audit log", len(secret))
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("audit log mode %v, %v; want 0600", fi.Mode(), err)
	}

	// A command still running when the server stops ends in the log too.
	sleepID := run(t, ctx, s, "sleep 60", map[string]any{"username": acct.Name, "timeout": 0}).str("command_id")
	s.assertNoSecrets(devicetest.AccountPassword, auditTyped, auditMasked)
	s.Close()
	if last, ok := findAudit(readAudit(t, path), "command_end", "", "command_id", sleepID); !ok {
		t.Errorf("no command_end record for a command the shutdown stopped")
	} else if last.str("status") == "running" {
		t.Errorf("the stopped command's end record says running: %v", last)
	}
	if got := verifyAudit(t, path); !strings.HasPrefix(got, "ok, ") || !strings.HasSuffix(got, " records\n") {
		t.Errorf("audit verify = %q, want ok, N records", got)
	}
}

// auditCalls runs a sudo command with the login and sudo passwords in the
// call, a command whose output the log hashes, write_file and read_file,
// and a command that reads a line typed with send_input.
func auditCalls(t *testing.T, ctx context.Context, s *e2eServer, acct devicetest.Account, file string) auditRun {
	t.Helper()
	a := auditRun{acct: acct, file: file}
	as := map[string]any{"username": acct.Name, "password": acct.Password, "sudo_password": acct.Password}
	r := run(t, ctx, s, "sudo -k; sudo id -u", as)
	wantStatus(t, r, "completed")
	a.sudoID = r.str("command_id")
	// A call's secret that also appears in its command is masked there.
	wantStatus(t, run(t, ctx, s, ": "+auditMasked, map[string]any{"username": acct.Name, "su_password": auditMasked}), "completed")
	r = run(t, ctx, s, "printf 'audit %s\\n' $((6*7)); seq 1 300", map[string]any{"username": acct.Name})
	wantStatus(t, r, "completed")
	a.out, a.outID = r.str("output"), r.str("command_id")
	if r.Data["truncated"] != false {
		t.Fatalf("output truncated; the test needs it whole")
	}
	w := s.call(t, ctx, "write_file", map[string]any{"host": "lab", "username": acct.Name, "remote_path": file, "content": "audited\n"})
	rf := s.call(t, ctx, "read_file", map[string]any{"host": "lab", "username": acct.Name, "remote_path": file})
	if w.IsError || rf.IsError || rf.str("content") != "audited\n" {
		t.Fatalf("write_file then read_file: %s\n%s", w.Text, rf.Text)
	}
	a.readID = run(t, ctx, s, "read -r x; echo read ${#x}", map[string]any{"username": acct.Name, "timeout": 0}).str("command_id")
	s.waitStatus(t, ctx, a.readID, func(st string) bool { return st == "awaiting_input" || st == "running" })
	if in := s.call(t, ctx, "send_input", map[string]any{"command_id": a.readID, "input_text": auditTyped + "\n"}); in.IsError {
		t.Fatalf("send_input: %s", in.Text)
	}
	s.waitStatus(t, ctx, a.readID, finished)
	return a
}

// checkAuditCalls checks the call and result records of a's calls.
func checkAuditCalls(t *testing.T, recs []auditLine, a auditRun) {
	t.Helper()
	for _, tool := range []string{"execute_command", "write_file", "read_file", "send_input", "get_command_status"} {
		call, ok := findAudit(recs, "call", tool, "client_name", "e2e")
		if !ok || call.str("client_version") != "1" || call.str("time") == "" || call.str("policy") != "allow" {
			t.Errorf("no call record of %s with the client's name and version, time and policy: %v", tool, call)
		}
		if _, ok := findAudit(recs, "result", tool, "outcome", "ok"); !ok {
			t.Errorf("no result record of %s with outcome ok", tool)
		}
	}
	call, ok := findAudit(recs, "call", "write_file", "path", a.file)
	if !ok || call.str("host") != "lab" {
		t.Errorf("write_file's call record lacks its path and host: %v", call)
	}
	if res, ok := findAudit(recs, "result", "write_file", "path", a.file); !ok || res["call_seq"] != call["seq"] {
		t.Errorf("write_file's result record %v does not name its call record's seq %v", res, call["seq"])
	}
	if _, ok := findAudit(recs, "call", "read_file", "path", a.file); !ok {
		t.Errorf("read_file's call record lacks its path")
	}
	if c, ok := findAudit(recs, "call", "execute_command", "command", "sudo -k; sudo id -u"); !ok || c.str("host") != "lab" {
		t.Errorf("the sudo command's call record is missing or lacks its host: %v", c)
	}
}

// checkAuditEnd checks the record of the end of a's hashed command.
func checkAuditEnd(t *testing.T, recs []auditLine, a auditRun) {
	t.Helper()
	end, _ := findAudit(recs, "command_end", "", "command_id", a.outID)
	sum := sha256.Sum256([]byte(a.out))
	if end.str("output_sha256") != hex.EncodeToString(sum[:]) || end["output_bytes"] != float64(len(a.out)) ||
		end["exit_code"] != float64(0) || end.str("status") != "completed" || !strings.HasPrefix(end.str("target"), a.acct.Name+"@") {
		t.Errorf("command end record %v: want output_sha256 %x, output_bytes %d, exit 0, completed, target %s@...", end, sum, len(a.out), a.acct.Name)
	}
	if _, ok := end["duration_ms"]; !ok {
		t.Errorf("command end record has no duration_ms: %v", end)
	}
	start, _ := findAudit(recs, "result", "execute_command", "command_id", a.outID)
	if end["call_seq"] == nil || end["call_seq"] != start["call_seq"] {
		t.Errorf("command end record's call_seq %v, want the seq of the call that started it (%v)", end["call_seq"], start["call_seq"])
	}
}

// With audit.fail_closed, a command whose call cannot be recorded never
// reaches the host; without it the command runs and the failure is logged.
func TestE2EAuditFailClosed(t *testing.T) {
	sshd := devicetest.StartSSHD(t, devicetest.SSHDOptions{})
	for _, failClosed := range []bool{true, false} {
		cfgDir := t.TempDir()
		path := filepath.Join(cfgDir, "audit.jsonl")
		cfg := filepath.Join(cfgDir, "config.yaml")
		text := "audit:\n  file: " + path + "\n"
		if failClosed {
			text += "  fail_closed: true\n"
		}
		if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		s := startServer(t, []mcptest.Host{sshdHost("lab", sshd, sshd.User)}, "--config", cfg)
		s.user = sshd.User
		ctx := testContext(t, time.Minute)
		wantStatus(t, run(t, ctx, s, "true", nil), "completed")

		// The log's file is replaced by a directory while the server runs.
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
		marker := filepath.Join(userDir(t, sshd.User), "ran")
		r := run(t, ctx, s, "touch "+marker, nil)
		_, err := os.Stat(marker)
		if failClosed {
			if !r.IsError || !strings.Contains(r.Text, "audit log could not be written") || !strings.Contains(r.Text, path) {
				t.Errorf("fail_closed: the call was not refused with the reason: isError %v\n%s", r.IsError, r.Text)
			}
			if err == nil {
				t.Errorf("fail_closed: the command reached the host although its call was not recorded")
			}
			if rs := s.call(t, ctx, "list_sessions", map[string]any{}); !rs.IsError {
				t.Errorf("fail_closed: list_sessions ran unrecorded: %s", rs.Text)
			}
		} else {
			wantStatus(t, r, "completed")
			if err != nil {
				t.Errorf("without fail_closed the command did not run: %v", err)
			}
			if !strings.Contains(s.Log(), "audit log not written") {
				t.Errorf("without fail_closed the failure is not in the server log")
			}
		}
		s.Close()
	}
}
