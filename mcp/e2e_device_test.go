package mcp

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devicetest"
	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
	"github.com/mcp-ssh-session/mcp-ssh-session/mcp/mcptest"
)

const (
	devicePassword = "Dev-Login-73"
	enableSecret   = "En-Secret-55"
)

func TestE2ECiscoIOS(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "ios", Hostname: "edge1",
		Password: devicePassword, EnableSecret: enableSecret})
	s := startServer(t, []mcptest.Host{deviceHost("edge1", dev)})
	ctx := testContext(t, 3*time.Minute)
	ios := func(t *testing.T, command string, extra map[string]any) callResult {
		t.Helper()
		args := map[string]any{"host": "edge1", "command": command, "profile": "cisco_ios",
			"password": devicePassword, "enable_password": enableSecret}
		for k, v := range extra {
			args[k] = v
		}
		return s.call(t, ctx, "execute_command", args)
	}

	t.Run("privileged command", func(t *testing.T) {
		r := ios(t, "show running-config | include hostname", nil)
		wantStatus(t, r, "completed")
		if !strings.Contains(r.str("output"), "hostname edge1") || !strings.HasPrefix(r.str("prompt"), "edge1#") {
			t.Errorf("output %q prompt %q, want the hostname line at a privileged prompt", r.str("output"), r.str("prompt"))
		}
	})
	t.Run("error line", func(t *testing.T) {
		r := ios(t, "show interfacez", nil)
		wantStatus(t, r, "failed")
		if code, _ := r.num("exit_code"); code != 1 || !strings.Contains(r.str("error_line"), "% Invalid input") {
			t.Errorf("exit %d error_line %q, want 1 and the device's error", code, r.str("error_line"))
		}
	})
	t.Run("bracket question", func(t *testing.T) {
		r := ios(t, "copy running-config startup-config", map[string]any{"timeout": 10})
		wantStatus(t, r, "awaiting_input")
		if p := r.str("input_prompt"); !strings.Contains(p, "Destination filename [startup-config]?") {
			t.Errorf("input_prompt = %q", p)
		}
		r = s.call(t, ctx, "send_input", map[string]any{"command_id": r.str("command_id"), "input_text": `\r`})
		r = s.waitStatus(t, ctx, r.str("command_id"), finished)
		if r.str("status") != "completed" || !strings.Contains(r.str("output"), "[OK]") {
			t.Errorf("after answering: %q %q", r.str("status"), r.str("output"))
		}
	})
	t.Run("confirm declined", func(t *testing.T) {
		r := ios(t, "reload", map[string]any{"timeout": 10})
		wantStatus(t, r, "awaiting_input")
		id := r.str("command_id")
		if p := r.str("input_prompt"); !strings.Contains(p, "[confirm]") {
			t.Errorf("input_prompt = %q, want the [confirm] question", p)
		}
		s.call(t, ctx, "send_input", map[string]any{"command_id": id, "input_text": "n"})
		if r := s.waitStatus(t, ctx, id, finished); r.str("status") != "completed" {
			t.Errorf("declined reload ended %q:\n%s", r.str("status"), r.Text)
		}
		if r := ios(t, "show clock", nil); r.str("status") != "completed" {
			t.Errorf("the session did not survive a declined reload: %s", r.Text)
		}
	})
	t.Run("wrong enable secret", func(t *testing.T) {
		r := ios(t, "show clock", map[string]any{"session": "wrong", "enable_password": "not-" + enableSecret})
		if !r.IsError && r.str("status") != "failed" {
			t.Errorf("a wrong enable secret was not reported: %s", r.Text)
		}
		if !strings.Contains(r.Text, "enable") {
			t.Errorf("the failure does not mention enable:\n%s", r.Text)
		}
	})
	s.assertNoSecrets(devicePassword, enableSecret)
}

func TestE2EJunos(t *testing.T) {
	dev := devicetest.StartDevice(t, devsim.Options{Platform: "junos", Hostname: "vmx9", Password: devicePassword})
	s := startServer(t, []mcptest.Host{deviceHost("vmx9", dev)})
	ctx := testContext(t, 2*time.Minute)
	junos := func(t *testing.T, command string) callResult {
		t.Helper()
		return s.call(t, ctx, "execute_command", map[string]any{"host": "vmx9", "command": command,
			"profile": "junos", "password": devicePassword})
	}
	r := junos(t, "show version")
	wantStatus(t, r, "completed")
	if !strings.Contains(r.str("output"), "vmx9") || r.str("output") == "" {
		t.Errorf("show version output %q, want the hostname in it", r.str("output"))
	}
	r = junos(t, "show foo")
	if r.str("status") != "failed" || r.str("error_line") == "" {
		t.Errorf("an unknown command: status %q error_line %q, want failed with the device's error", r.str("status"), r.str("error_line"))
	}
	s.assertNoSecrets(devicePassword)
}
