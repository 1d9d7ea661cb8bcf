package mcp

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

// configDevice is a simulated device behind the binary, with a function
// that reads its committed configuration through another session.
type configDevice struct {
	s       *e2eServer
	host    string
	profile string
	extra   map[string]any
}

func (d configDevice) call(t *testing.T, ctx context.Context, tool string, args map[string]any) callResult {
	t.Helper()
	all := map[string]any{"host": d.host, "profile": d.profile, "password": devicePassword}
	for k, v := range d.extra {
		all[k] = v
	}
	for k, v := range args {
		all[k] = v
	}
	return d.s.call(t, ctx, tool, all)
}

// running is the device's configuration as a show command prints it in
// the agent's own session. A log message the device printed while the
// command was typed (IOS announces a configuration change a moment after
// it, and redraws the prompt and the typed line) comes before the
// configuration: what precedes IOS's "Building configuration..." is left
// out.
func (d configDevice) running(t *testing.T, ctx context.Context, command string) string {
	t.Helper()
	r := d.call(t, ctx, "execute_command", map[string]any{"command": command})
	wantStatus(t, r, "completed")
	out := r.str("output")
	if i := strings.Index(out, "Building configuration..."); i > 0 {
		out = out[i:]
	}
	if strings.Contains(command, "display set") {
		// Junos broadcasts its automatic rollback to every session: keep
		// the set lines only.
		var set []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "set ") {
				set = append(set, l)
			}
		}
		out = strings.Join(set, "\n")
	}
	return out
}

// waitRolledBack polls the configuration until it no longer holds marker
// (the device rolled an unconfirmed change back by itself), then wants it
// to be before again.
func (d configDevice) waitRolledBack(t *testing.T, ctx context.Context, show, marker, before string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for strings.Contains(d.running(t, ctx, show), marker) {
		if time.Now().After(deadline) {
			t.Fatalf("the device did not roll back the unconfirmed change (%q is still there after %s)", marker, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if after := d.running(t, ctx, show); after != before {
		t.Errorf("after the automatic rollback:\n%s\nwant:\n%s", after, before)
	}
}

func wantConfigStatus(t *testing.T, r callResult, want string) {
	t.Helper()
	if r.IsError || r.str("status") != want {
		t.Fatalf("status %q (isError %v), want %q:\n%s", r.str("status"), r.IsError, want, r.Text)
	}
}

// TestE2EConfigJunos: check changes nothing, a commit with one bad line
// leaves the device as it was and names the line, a commit sticks,
// rollback_config restores the configuration before it, and confirm_config
// keeps a confirmed commit.
func TestE2EConfigJunos(t *testing.T) {
	// A device minute lasts half a second, so that an unconfirmed commit
	// rolls back within the test.
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "junos", Hostname: "vmx7", Password: devicePassword, MinuteLength: 500 * time.Millisecond})
	auditFile := filepath.Join(t.TempDir(), "audit.jsonl")
	s := startServer(t, []mcptest.Host{deviceHost("vmx7", dev)}, "--audit-log", auditFile)
	ctx := testContext(t, 3*time.Minute)
	d := configDevice{s: s, host: "vmx7", profile: "junos"}
	const show = "show configuration | display set"
	before := d.running(t, ctx, show)
	change := []any{"set system host-name vmx8", "set interfaces ge-0/0/1 description uplink"}

	t.Run("check changes nothing", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"lines": change})
		wantConfigStatus(t, r, "checked")
		for _, want := range []string{"+  host-name vmx8;", "uplink"} {
			if !strings.Contains(r.str("diff"), want) {
				t.Errorf("the diff does not show %q:\n%s", want, r.str("diff"))
			}
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("check changed the configuration:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
	t.Run("a bad line commits nothing", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": []any{"set system host-name vmx8", "set bogus statement here", "set system domain-name lab"}})
		wantConfigStatus(t, r, "rejected")
		errs, _ := r.Data["errors"].([]any)
		if len(errs) != 1 {
			t.Fatalf("errors %v, want the one bad line", r.Data["errors"])
		}
		e := errs[0].(map[string]any)
		if e["index"] != float64(1) || e["line"] != "set bogus statement here" || e["message"] == "" {
			t.Errorf("error %v, want index 1, the line and the device's message", e)
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("a rejected commit changed the configuration:\n%s", after)
		}
	})
	t.Run("lines that are not statements are never typed", func(t *testing.T) {
		for _, lines := range [][]any{
			{"set system services telnet", "commit"},               // would commit behind the transaction's back
			{"set system services telnet", "edit interfaces"},      // would hide the change from show | compare
			{"run request system reboot"},                          // an operational command
			{"set system services telnet", "rollback 1", "commit"}, // would commit another configuration
		} {
			r := d.call(t, ctx, "apply_config", map[string]any{"lines": lines})
			if !r.IsError || !strings.Contains(r.Text, "not a configuration statement") || !strings.Contains(r.Text, "nothing was typed") {
				t.Errorf("lines %q were not refused:\n%s", lines, r.Text)
			}
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("a refused transaction changed the configuration:\n%s", after)
		}
		r, err := s.callErr(ctx, "execute_command", map[string]any{"host": "vmx7", "profile": "junos", "password": devicePassword,
			"session": "config", "command": "commit"}, nil)
		if err != nil || !r.IsError || !strings.Contains(r.Text, "reserved") {
			t.Errorf("execute_command in the transactions' session: %v\n%s", err, r.Text)
		}
	})
	t.Run("commit, then rollback", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": "set system domain-name lab.example\nset interfaces ge-0/0/1 description uplink", "comment": "lab change"})
		wantConfigStatus(t, r, "committed")
		if r.str("rollback_id") != "1" {
			t.Errorf("rollback_id %q, want 1", r.str("rollback_id"))
		}
		committed := d.running(t, ctx, show)
		if !strings.Contains(committed, "domain-name lab.example") {
			t.Fatalf("after commit the configuration lacks the change:\n%s", committed)
		}
		r = d.call(t, ctx, "rollback_config", map[string]any{"to": "1"})
		wantConfigStatus(t, r, "rolled_back")
		if !strings.Contains(r.str("diff"), "domain-name lab.example") {
			t.Errorf("the rollback's diff does not show what it undid:\n%s", r.str("diff"))
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("after rollback to 1:\n%s\nwant the configuration before the commit:\n%s", after, before)
		}
		r = d.call(t, ctx, "rollback_config", map[string]any{"to": "1; request system reboot"})
		if !r.IsError || !strings.Contains(r.Text, "not a rollback id") {
			t.Errorf("a rollback id with a command after it was not refused:\n%s", r.Text)
		}
	})
	t.Run("commit_confirmed undoes itself", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit_confirmed", "confirm_minutes": 1, "lines": []any{"set system domain-name unconfirmed.example"}})
		wantConfigStatus(t, r, "awaiting_confirmation")
		d.waitRolledBack(t, ctx, show, "unconfirmed.example", before, 30*time.Second)
		// A commit with nothing pending would commit nothing and look
		// like a confirmation: the change must be found first.
		r = d.call(t, ctx, "confirm_config", nil)
		if !r.IsError || !strings.Contains(r.Text, "no longer holds the pending change") {
			t.Errorf("confirm after the device rolled back:\n%s", r.Text)
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("the failed confirm changed the configuration:\n%s", after)
		}
	})
	t.Run("commit_confirmed, then confirm", func(t *testing.T) {
		r := d.call(t, ctx, "confirm_config", nil)
		if !r.IsError || !strings.Contains(r.Text, "no commit_confirmed") {
			t.Errorf("confirm with nothing pending:\n%s", r.Text)
		}
		// 30 device minutes: 15 s here.
		r = d.call(t, ctx, "apply_config", map[string]any{"mode": "commit_confirmed", "confirm_minutes": 30, "lines": []any{"set system domain-name confirmed.example"}})
		wantConfigStatus(t, r, "awaiting_confirmation")
		by, err := time.Parse(time.RFC3339, r.str("confirm_by"))
		if err != nil || by.Before(time.Now().Add(29*time.Minute)) || by.After(time.Now().Add(30*time.Minute+time.Second)) {
			t.Errorf("confirm_by %q (%v), want 30 minutes from now", r.str("confirm_by"), err)
		}
		r = d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": []any{"set system domain-name other.example"}})
		if !r.IsError || !strings.Contains(r.Text, "awaits confirmation") {
			t.Errorf("a commit while a confirmation is pending was not refused:\n%s", r.Text)
		}
		r = d.call(t, ctx, "confirm_config", nil)
		wantConfigStatus(t, r, "committed")
		time.Sleep(31 * 500 * time.Millisecond) // past the deadline: the change stays
		if !strings.Contains(d.running(t, ctx, show), "confirmed.example") {
			t.Error("the confirmed change did not stay")
		}
		r = d.call(t, ctx, "confirm_config", nil)
		if !r.IsError {
			t.Errorf("a second confirm found something pending:\n%s", r.Text)
		}
	})
	t.Run("the audit log has the lines and outcomes", func(t *testing.T) {
		data, _ := os.ReadFile(auditFile)
		if strings.Contains(string(data), devicePassword) {
			t.Error("the audit log holds the device password")
		}
		var found bool
		for _, rec := range readAudit(t, auditFile) {
			if rec.str("tool") == "apply_config" && rec.str("event") == "call" && rec.str("command") == "(commit_confirmed) set system domain-name confirmed.example" {
				found = true
			}
		}
		if !found {
			t.Errorf("no call record with the committed lines in:\n%s", data)
		}
	})
}

// TestE2EConfigFRR: on the real vtysh, which has no transactions,
// apply_config refuses every mode with the reason and types nothing: the
// running configuration is the same before and after.
func TestE2EConfigFRR(t *testing.T) {
	f := devicetest.StartFRR(t, devicetest.FRROptions{Routes: -1})
	s := startServer(t, []mcptest.Host{{Alias: "frr", HostName: f.Host, Port: f.Port, User: f.User,
		IdentityFile: f.ClientKey.Path, KnownHosts: f.KnownHostsPath}})
	ctx := testContext(t, 2*time.Minute)
	before := f.Vtysh(t, "show running-config")
	for _, mode := range []string{"check", "commit", "commit_confirmed"} {
		r := s.call(t, ctx, "apply_config", map[string]any{"host": "frr", "mode": mode, "lines": []any{"ip route 192.0.2.0/24 Null0"}})
		wantRefused(t, r, "no candidate", "nothing was changed", "execute_command")
	}
	r := s.call(t, ctx, "rollback_config", map[string]any{"host": "frr", "to": "1"})
	wantRefused(t, r, "no candidate")
	if after := f.Vtysh(t, "show running-config"); after != before {
		t.Errorf("the running configuration changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestE2EConfigConcurrent: two commits to one device at the same time run
// one after the other: each diff holds its own change only, and both
// changes are in the configuration.
func TestE2EConfigConcurrent(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "junos", Hostname: "vmx5", Password: devicePassword})
	s := startServer(t, []mcptest.Host{deviceHost("vmx5", dev)})
	ctx := testContext(t, 2*time.Minute)
	d := configDevice{s: s, host: "vmx5", profile: "junos"}
	d.running(t, ctx, "show version") // log in once, so both calls share the connection
	lines := []string{"set interfaces ge-0/0/1 description first", "set interfaces ge-0/0/2 description second"}
	results := make(chan callResult, 2)
	errs := make(chan error, 2)
	for _, l := range lines {
		go func() {
			r, err := s.callErr(ctx, "apply_config", map[string]any{"host": "vmx5", "profile": "junos", "password": devicePassword,
				"mode": "commit", "lines": []any{l}}, nil)
			results <- r
			errs <- err
		}()
	}
	for range lines {
		r := <-results
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		wantConfigStatus(t, r, "committed")
		first, second := strings.Contains(r.str("diff"), "first"), strings.Contains(r.str("diff"), "second")
		if first == second {
			t.Errorf("a commit's diff holds both changes or neither (they interleaved):\n%s", r.str("diff"))
		}
	}
	conf := d.running(t, ctx, "show configuration interfaces | display set")
	for _, want := range []string{"description first", "description second"} {
		if !strings.Contains(conf, want) {
			t.Errorf("the configuration lacks %q:\n%s", want, conf)
		}
	}
}

// TestE2EConfigIOS: on the simulated IOS, which has no candidate, a check
// applies and reverts (the running configuration is the same after), a
// commit with a bad line leaves the device as it was, a commit sticks
// and rolls back to its rollback_id, and a commit_confirmed that nobody
// confirms is undone by the device by itself.
func TestE2EConfigIOS(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "ios", Hostname: "R1", Password: devicePassword, EnableSecret: enableSecret,
		MinuteLength: time.Second})
	s := startServer(t, []mcptest.Host{deviceHost("R1", dev)})
	ctx := testContext(t, 3*time.Minute)
	d := configDevice{s: s, host: "R1", profile: "cisco_ios", extra: map[string]any{"enable_password": enableSecret}}
	const show = "show running-config"
	before := d.running(t, ctx, show)

	t.Run("no archive: said exactly", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"lines": []any{"hostname R9"}})
		wantConfigStatus(t, r, "failed")
		if !strings.Contains(r.str("note"), "path flash:archive") {
			t.Errorf("the failure does not say how to configure the archive:\n%s", r.Text)
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("the failed check changed the configuration:\n%s", after)
		}
	})
	r := d.call(t, ctx, "execute_command", map[string]any{"command": "configure terminal\narchive\npath flash:archive\nmaximum 14\nend"})
	wantStatus(t, r, "completed")
	before = d.running(t, ctx, show)

	t.Run("check changes nothing", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"lines": []any{"hostname R9", "interface Loopback9", " description lab"}})
		wantConfigStatus(t, r, "checked")
		for _, want := range []string{"+hostname R9", "-hostname R1", "interface Loopback9"} {
			if !strings.Contains(r.str("diff"), want) {
				t.Errorf("the diff does not show %q:\n%s", want, r.str("diff"))
			}
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("check changed the configuration:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
	t.Run("a bad line commits nothing", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": []any{"hostname R9", "bogus command here", "ip route 192.0.2.0 255.255.255.0 127.0.0.9"}})
		wantConfigStatus(t, r, "rejected")
		errs, _ := r.Data["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["index"] != float64(1) || !strings.Contains(errs[0].(map[string]any)["message"].(string), "Invalid input") {
			t.Errorf("errors %v, want line 1 with the device's message", r.Data["errors"])
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("a rejected commit changed the configuration:\n%s", after)
		}
	})
	t.Run("a line that leaves configuration mode is undone", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"lines": []any{"do write memory"}})
		if !r.IsError || !strings.Contains(r.Text, "not a configuration line") {
			t.Errorf("do write memory was not refused:\n%s", r.Text)
		}
		r = d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": []any{"hostname R9", "exit", "ip route 192.0.2.0 255.255.255.0 127.0.0.9"}})
		wantConfigStatus(t, r, "failed")
		if !strings.Contains(r.str("note"), "left the configuration mode") || !strings.Contains(r.str("note"), "left as it was") {
			t.Errorf("note %q", r.str("note"))
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("the failed transaction changed the configuration:\n%s", after)
		}
	})
	t.Run("commit, then rollback", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": []any{"ip route 192.0.2.0 255.255.255.0 127.0.0.9"}})
		wantConfigStatus(t, r, "committed")
		id := r.str("rollback_id")
		if !strings.HasPrefix(id, "flash:archive") {
			t.Fatalf("rollback_id %q, want the archive file", id)
		}
		if !strings.Contains(d.running(t, ctx, show), "ip route 192.0.2.0 255.255.255.0 127.0.0.9") {
			t.Fatal("the committed line is not in the running configuration")
		}
		// Past the revert timer begin armed (5 device minutes): a commit is
		// confirmed and stays.
		time.Sleep(6 * time.Second)
		if !strings.Contains(d.running(t, ctx, show), "ip route 192.0.2.0") {
			t.Fatal("the device reverted a committed change")
		}
		r = d.call(t, ctx, "rollback_config", map[string]any{"to": id})
		wantConfigStatus(t, r, "rolled_back")
		if !strings.Contains(r.str("diff"), "ip route 192.0.2.0") {
			t.Errorf("the rollback's diff does not show what it undid:\n%s", r.str("diff"))
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("after the rollback:\n%s\nwant:\n%s", after, before)
		}
	})
	t.Run("commit_confirmed undoes itself", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit_confirmed", "confirm_minutes": 3, "lines": []any{"ip route 198.51.100.0 255.255.255.0 127.0.0.7"}})
		wantConfigStatus(t, r, "awaiting_confirmation")
		d.waitRolledBack(t, ctx, show, "198.51.100.0", before, time.Minute)
		r = d.call(t, ctx, "confirm_config", nil)
		if !r.IsError || !strings.Contains(r.Text, "rolled back by itself") {
			t.Errorf("confirm after the device rolled back:\n%s", r.Text)
		}
	})
	t.Run("commit_confirmed, confirmed, stays", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit_confirmed", "confirm_minutes": 30, "lines": []any{"ip route 198.51.100.0 255.255.255.0 127.0.0.8"}})
		wantConfigStatus(t, r, "awaiting_confirmation")
		wantConfigStatus(t, d.call(t, ctx, "confirm_config", nil), "committed")
		if r := d.call(t, ctx, "execute_command", map[string]any{"command": "show archive config rollback timer"}); !strings.Contains(r.str("output"), "No Rollback Confirmed Change pending") {
			t.Errorf("after confirm_config the device still has a revert timer:\n%s", r.Text)
		}
		if !strings.Contains(d.running(t, ctx, show), "127.0.0.8") {
			t.Error("the confirmed change is not in the configuration")
		}
	})
}

// TestE2EConfigEOS: on the simulated EOS, transactions run in a
// configuration session named after the transaction: a check changes
// nothing, a bad line commits nothing, a commit rolls back to the file
// saved before it, an unconfirmed commit timer undoes itself, and
// confirm_config commits the session it names.
func TestE2EConfigEOS(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "eos", Hostname: "leaf7", Password: devicePassword, EnableSecret: enableSecret,
		MinuteLength: 500 * time.Millisecond})
	s := startServer(t, []mcptest.Host{deviceHost("leaf7", dev)})
	ctx := testContext(t, 3*time.Minute)
	d := configDevice{s: s, host: "leaf7", profile: "arista_eos", extra: map[string]any{"enable_password": enableSecret}}
	const show = "show running-config"
	before := d.running(t, ctx, show)
	// noSessions: a transaction's session is committed or aborted, never
	// left pending on the switch.
	noSessions := func(t *testing.T, after string) {
		t.Helper()
		if list := d.running(t, ctx, "show configuration sessions"); !strings.Contains(list, "Maximum number of pending sessions") || strings.Contains(list, "mcp") {
			t.Errorf("%s left its session on the switch:\n%s", after, list)
		}
	}

	t.Run("check changes nothing", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"lines": []any{"interface Loopback9", "ip address 10.9.9.9/32", "exit", "ip route 10.99.0.0/16 192.0.2.1"}})
		wantConfigStatus(t, r, "checked")
		for _, want := range []string{"--- system:/running-config", "+interface Loopback9", "+   ip address 10.9.9.9/32", "+ip route 10.99.0.0/16 192.0.2.1"} {
			if !strings.Contains(r.str("diff"), want) {
				t.Errorf("the diff does not show %q:\n%s", want, r.str("diff"))
			}
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("check changed the configuration:\nbefore:\n%s\nafter:\n%s", before, after)
		}
		noSessions(t, "a check")
	})
	t.Run("a bad line commits nothing", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": []any{"ip route 10.98.0.0/16 192.0.2.1", "bogus command here", "hostname leaf9"}})
		wantConfigStatus(t, r, "rejected")
		errs, _ := r.Data["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["index"] != float64(1) || errs[0].(map[string]any)["message"] != "% Invalid input (at token 0: 'bogus')" {
			t.Errorf("errors %v, want line 1 with the switch's message", r.Data["errors"])
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("a rejected commit changed the configuration:\n%s", after)
		}
		noSessions(t, "a rejected commit")
	})
	t.Run("lines that would end the session are never typed", func(t *testing.T) {
		for _, line := range []string{"commit", "abort", "copy flash:x session-config", "configure session other", "show running-config"} {
			r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": []any{"ip route 10.98.0.0/16 192.0.2.1", line}})
			if !r.IsError || !strings.Contains(r.Text, "nothing was typed") {
				t.Errorf("line %q was not refused:\n%s", line, r.Text)
			}
		}
	})
	t.Run("commit, then rollback", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": []any{"ip route 10.97.0.0/16 192.0.2.1"}})
		wantConfigStatus(t, r, "committed")
		id := r.str("rollback_id")
		if !strings.HasPrefix(id, "flash:before-mcp") {
			t.Fatalf("rollback_id %q, want the file saved before the commit", id)
		}
		if !strings.Contains(d.running(t, ctx, show), "ip route 10.97.0.0/16 192.0.2.1") {
			t.Fatal("the committed line is not in the running configuration")
		}
		r = d.call(t, ctx, "rollback_config", map[string]any{"to": id})
		wantConfigStatus(t, r, "rolled_back")
		if !strings.Contains(r.str("diff"), "-ip route 10.97.0.0/16 192.0.2.1") {
			t.Errorf("the rollback's diff does not show what it undid:\n%s", r.str("diff"))
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("after the rollback:\n%s\nwant:\n%s", after, before)
		}
		r = d.call(t, ctx, "rollback_config", map[string]any{"to": "flash:none.cfg"})
		wantConfigStatus(t, r, "failed")
		if !strings.Contains(r.str("note"), "no such saved configuration") {
			t.Errorf("rollback to a missing file: %s", r.Text)
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("a failed rollback changed the configuration:\n%s", after)
		}
		noSessions(t, "a commit, a rollback and a failed rollback")
	})
	t.Run("commit_confirmed undoes itself", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit_confirmed", "confirm_minutes": 1, "lines": []any{"ip route 10.96.0.0/16 192.0.2.1"}})
		wantConfigStatus(t, r, "awaiting_confirmation")
		d.waitRolledBack(t, ctx, show, "10.96.0.0", before, 30*time.Second)
		r = d.call(t, ctx, "confirm_config", nil)
		if !r.IsError || !strings.Contains(r.Text, "rolled") {
			t.Errorf("confirm after the switch rolled back:\n%s", r.Text)
		}
	})
	t.Run("rollback while a commit timer runs", func(t *testing.T) {
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit_confirmed", "confirm_minutes": 60, "lines": []any{"ip route 10.93.0.0/16 192.0.2.1"}})
		wantConfigStatus(t, r, "awaiting_confirmation")
		r = d.call(t, ctx, "rollback_config", map[string]any{"to": r.str("rollback_id")})
		wantConfigStatus(t, r, "rolled_back")
		if !strings.Contains(r.str("diff"), "+ip route 10.93.0.0/16 192.0.2.1") || !strings.Contains(r.str("note"), "cancelled first") {
			t.Errorf("the rollback does not show the cancelled change:\n%s", r.Text)
		}
		if after := d.running(t, ctx, show); after != before {
			t.Errorf("after the rollback:\n%s\nwant:\n%s", after, before)
		}
		// Its timer is gone with it: it cannot put anything back later.
		noSessions(t, "a rollback during a commit timer")
	})
	t.Run("commit_confirmed, confirmed, stays", func(t *testing.T) {
		// 60 device minutes: 30 s here.
		r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit_confirmed", "confirm_minutes": 60, "lines": []any{"ip route 10.95.0.0/16 192.0.2.1"}})
		wantConfigStatus(t, r, "awaiting_confirmation")
		wantConfigStatus(t, d.call(t, ctx, "confirm_config", nil), "committed")
		// The session is gone: confirming it again is an error on the switch.
		r = d.call(t, ctx, "execute_command", map[string]any{"command": "configure session " + strings.TrimSuffix(strings.TrimPrefix(r.str("rollback_id"), "flash:before-"), ".cfg") + " commit"})
		if !strings.Contains(r.str("output"), "does not exist") {
			t.Errorf("the confirmed session is still pending on the switch:\n%s", r.Text)
		}
		time.Sleep(61 * 500 * time.Millisecond) // past the deadline: the change stays
		if !strings.Contains(d.running(t, ctx, show), "10.95.0.0/16") {
			t.Error("the confirmed change did not stay")
		}
		noSessions(t, "a confirmed commit")
	})
}

// TestE2EConfigPolicyCoversSteps: the host's rules hold for the commands a
// transaction types, not only for the agent's lines: "ask" on configure
// holds for apply_config on IOS (whose begin is configure terminal ...),
// and "deny" on configure replace refuses rollback_config.
func TestE2EConfigPolicyCoversSteps(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "ios", Hostname: "R2", Password: devicePassword, EnableSecret: enableSecret})
	cfg := writeConfig(t, "hosts:\n  - match: [R2]\n    policy:\n      ask: ['^conf']\n      deny: ['^configure replace']\n")
	s := startServer(t, []mcptest.Host{deviceHost("R2", dev)}, "--config", cfg, "--approval-timeout", "1s")
	ctx := testContext(t, time.Minute)
	d := configDevice{s: s, host: "R2", profile: "cisco_ios", extra: map[string]any{"enable_password": enableSecret}}
	before := d.running(t, ctx, "show running-config")
	r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": []any{"ip route 192.0.2.0 255.255.255.0 127.0.0.9"}})
	wantRefused(t, r, "needs a person's approval", "^conf")
	r = d.call(t, ctx, "rollback_config", map[string]any{"to": "flash:archive-x"})
	wantRefused(t, r, "refused", "^configure replace")
	if after := d.running(t, ctx, "show running-config"); after != before {
		t.Errorf("a refused transaction changed the configuration:\n%s", after)
	}
}

// TestE2EConfigRenames: a transaction that renames the device leaves
// every session working: the transaction's own commit finds the new
// prompt, the agent's session takes the new name at its next command,
// and so it does after a rollback and after the device's own rollback
// of an unconfirmed commit.
func TestE2EConfigRenames(t *testing.T) {
	for _, tc := range []struct {
		platform, profile, host string
		rename                  func(name string) string
		extra                   map[string]any
	}{
		{platform: "eos", profile: "arista_eos", host: "leaf7", rename: func(n string) string { return "hostname " + n },
			extra: map[string]any{"enable_password": enableSecret}},
		{platform: "junos", profile: "junos", host: "vmx7", rename: func(n string) string { return "set system host-name " + n }},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			dev := devicetest.StartDevice(t, devsim.Options{Platform: tc.platform, Hostname: tc.host, Password: devicePassword,
				EnableSecret: enableSecret, MinuteLength: 10 * time.Second})
			s := startServer(t, []mcptest.Host{deviceHost(tc.host, dev)})
			ctx := testContext(t, 3*time.Minute)
			d := configDevice{s: s, host: tc.host, profile: tc.profile, extra: tc.extra}
			// atPrompt runs a command in the agent's session and wants it
			// to end at a prompt that shows name.
			atPrompt := func(t *testing.T, name string) {
				t.Helper()
				r := d.call(t, ctx, "execute_command", map[string]any{"command": "show version", "timeout": 20})
				wantStatus(t, r, "completed")
				if !strings.Contains(r.str("prompt"), name) {
					t.Errorf("prompt %q, want one with %q:\n%s", r.str("prompt"), name, r.Text)
				}
			}
			atPrompt(t, tc.host)

			r := d.call(t, ctx, "apply_config", map[string]any{"mode": "commit", "lines": []any{tc.rename("renamed1")}})
			wantConfigStatus(t, r, "committed")
			atPrompt(t, "renamed1")

			wantConfigStatus(t, d.call(t, ctx, "rollback_config", map[string]any{"to": r.str("rollback_id")}), "rolled_back")
			atPrompt(t, tc.host)

			// The device renames itself back a device minute (10 s) after
			// the commit, with nobody typing.
			wantConfigStatus(t, d.call(t, ctx, "apply_config", map[string]any{"mode": "commit_confirmed", "confirm_minutes": 1,
				"lines": []any{tc.rename("renamed2")}}), "awaiting_confirmation")
			atPrompt(t, "renamed2")
			deadline := time.Now().Add(30 * time.Second)
			for {
				r := d.call(t, ctx, "execute_command", map[string]any{"command": "show version", "timeout": 20})
				wantStatus(t, r, "completed")
				if strings.Contains(r.str("prompt"), tc.host) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the device's own rollback did not show: prompt %q", r.str("prompt"))
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}
