package devices

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
)

// A line of output that looks exactly like the prompt ("R1#" alone, in the
// simulated banner of show running-config) ends a packet, and the rest of
// the output comes a while later, as over a loaded link. The command must
// not end at that line, however long the pause.
func TestDevicePromptLookAlikeAtPacketBoundary(t *testing.T) {
	t.Parallel()
	h := newDeviceHarness(t, devsim.Options{Platform: "ios", LoginPrivileged: true,
		StallAt: "\r\nR1#", StallFor: 400 * time.Millisecond}, "cisco_ios")
	info, out := h.run(t, "show running-config", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if !strings.HasSuffix(strings.TrimSpace(out), "end") || !strings.Contains(out, "\nR1#\nR1>\n") {
		t.Fatalf("show running-config ended at the look-alike line: ends %q", tail(out, 300))
	}
	// The session is in step: the next command gets its own output.
	info, out = h.run(t, "show privilege", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if strings.TrimSpace(out) != "Current privilege level is 15" {
		t.Fatalf("next command's output %q, want only its own line", out)
	}
}

// A long device command shows its output as it arrives: the lines it
// printed and the line it is still writing (the ping's "!!!"), not three
// lines behind. Ctrl+C then ends it as interrupted, with what arrived and
// a note that the device may have discarded the rest, never as completed
// with exit 0.
func TestDeviceLiveOutputAndInterrupt(t *testing.T) {
	t.Parallel()
	h := newDeviceHarness(t, devsim.Options{Platform: "ios", LoginPrivileged: true}, "cisco_ios")
	h.run(t, "show privilege", RunOptions{}) // the session is open and warm
	c, err := h.m.Start(t.Context(), h.req, "", "ping 127.0.0.2 repeat 100000", RunOptions{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	deadline := time.Now().Add(waitBound)
	for {
		info := c.Info()
		out := output(t, c)
		if strings.Contains(out, "Sending 100000, 100-byte ICMP Echos") && strings.HasPrefix(info.PartialLine, "!!!") {
			break
		}
		if time.Now().After(deadline) || info.Status.Finished() {
			t.Fatalf("status %s, output %q, partial line %q: want running with the ping's lines and its '!!!' line",
				info.Status, out, info.PartialLine)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := c.Interrupt(t.Context()); err != nil {
		t.Fatalf("Interrupt: %v", err)
	}
	info := waitDone(t, c)
	out := output(t, c)
	if info.Status != StatusInterrupted || info.ExitCode != nil {
		t.Fatalf("interrupted ping: status %s exit %v, want interrupted and no exit status; output %q", info.Status, info.ExitCode, out)
	}
	if !strings.Contains(out, "!!!") || !strings.Contains(out, "Success rate is 100 percent") {
		t.Errorf("interrupted ping's output lacks what arrived: %q", tail(out, 300))
	}
	if !strings.Contains(info.Note, "discarded") {
		t.Errorf("note %q does not say output may be missing", info.Note)
	}
	info, out = h.run(t, "show privilege", RunOptions{})
	wantStatus(t, info, StatusCompleted, 0)
	if strings.TrimSpace(out) != "Current privilege level is 15" {
		t.Fatalf("next command's output %q, want only its own line", out)
	}
}

// "show ?" asks the CLI for help: it is typed without a newline, which
// would run the incomplete "show". The help is the output, the line the
// device typed again is cleared, and the next command runs alone.
func TestDeviceHelpQuestionMark(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ platform, profile, want string }{
		{"ios", "cisco_ios", "running-config"},
		{"junos", "junos", "configuration"},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			h := newDeviceHarness(t, devsim.Options{Platform: tc.platform, LoginPrivileged: true}, tc.profile)
			info, out := h.run(t, "show ?", RunOptions{})
			wantStatus(t, info, StatusCompleted, 0)
			if !strings.Contains(out, tc.want) || strings.Contains(out, "show ?") || info.ErrorLine != "" {
				t.Fatalf("show ? gave error line %q, output %q; want the help list, without the echo", info.ErrorLine, out)
			}
			info, out = h.run(t, "show version", RunOptions{})
			wantStatus(t, info, StatusCompleted, 0)
			if strings.Contains(out, "show show") || strings.Contains(out, "%") || len(out) < 100 {
				t.Fatalf("the command after help ran with the help's line: %q", tail(out, 300))
			}
		})
	}
}

// A message the CLI prints right after its prompt, on the prompt's line,
// with no prompt drawn after it (vtysh's STARVATION warning, a log line)
// belongs to the session: the command ends, without the message.
func TestDeviceTextAfterPrompt(t *testing.T) {
	t.Parallel()
	const warning = "2026/12/06 20:46:15 [PHJDC-499N2][EC 100663314] STARVATION: task vtysh_rl_read ran for 6537ms"
	h := newDeviceHarness(t, devsim.Options{Platform: "ios", LoginPrivileged: true, AfterPrompt: warning, AfterPromptFor: "show"}, "cisco_ios")
	for range 3 {
		info, out := h.run(t, "show privilege", RunOptions{})
		wantStatus(t, info, StatusCompleted, 0)
		if strings.TrimSpace(out) != "Current privilege level is 15" {
			t.Fatalf("output %q, want the command's line alone", out)
		}
	}
}

// A device message of many lines that arrives with the prompt answering
// the probe, then the prompt drawn again (an IOS revert timer rolling
// back, a burst of syslog lines on the terminal), hides that answer among
// lines that look like output. The command must still end.
func TestDeviceLongNoticeAfterTheAnswer(t *testing.T) {
	t.Parallel()
	notice := strings.Join([]string{
		"Rollback Confirmed Change: rolling to:flash:archive-Mar--1-00-12-34.567-4",
		"",
		"*Mar  1 00:12:34.567: %ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_ROLLBACK_START: Start rolling to: flash:archive-Mar--1-00-12-34.567-4",
		"*Mar  1 00:12:34.567: Rollback:Acquired Configuration lock.",
		"!Pass 1",
		"!List of Rollback Commands:",
		"no ip route 198.51.100.0 255.255.255.0 127.0.0.7",
		"end",
		"",
		"Total number of passes: 1",
		"Rollback Done",
	}, "\n")
	h := newDeviceHarness(t, devsim.Options{Platform: "ios", LoginPrivileged: true, AfterPrompt: notice, AfterPromptFor: "show", NoticeAfterAnswer: true}, "cisco_ios")
	for range 3 {
		info, out := h.run(t, "show privilege", RunOptions{})
		wantStatus(t, info, StatusCompleted, 0)
		if !strings.HasPrefix(strings.TrimSpace(out), "Current privilege level is 15") {
			t.Fatalf("output %q, want the command's line first", out)
		}
	}
}
