package expect

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// enableDevice answers "enable" like Cisco IOS: it asks for the secret up
// to three times and ends with "% Bad secrets". It never echoes the secret.
func enableDevice(t testing.TB, secret string) (*Expecter, *syncBuffer) {
	t.Helper()
	toDevice, fromExpecter := io.Pipe()
	fromDevice, toExpecter := io.Pipe()
	wire := &syncBuffer{}
	e := New(fromDevice, fromExpecter, Options{WireLog: wire})
	done := make(chan struct{})
	go func() {
		defer close(done)
		in := bufio.NewReader(toDevice)
		io.WriteString(toExpecter, "R1>")
		tries := 0
		for {
			line, err := in.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			switch {
			case line == "enable":
				io.WriteString(toExpecter, "enable\r\nPassword: ")
			case line == secret:
				io.WriteString(toExpecter, "\r\nR1#")
			case tries == 2:
				io.WriteString(toExpecter, "\r\n% Bad secrets\r\n\r\nR1>")
			default:
				tries++
				io.WriteString(toExpecter, "\r\nPassword: ")
			}
		}
	}()
	t.Cleanup(func() {
		toExpecter.Close()
		e.Close()
		<-done
	})
	return e, wire
}

// enableSteps is the dialogue a profile would describe.
func enableSteps(limit int) []Step {
	return []Step{
		{Cases: []Case{{Pattern: re(`(?m)^R1>\z`), Then: Next}}},
		{Send: "enable\n", Cases: []Case{
			{Pattern: Pattern{Name: "password", Regexp: re(`Password: \z`).Regexp}, Reply: "{{enable_secret}}\n", Then: Again, Limit: limit, Message: "the enable secret was refused"},
			{Pattern: Pattern{Name: "privileged", Regexp: iosPrompt.Regexp}, Then: Next},
			{Pattern: Pattern{Name: "bad secrets", Literal: "% Bad secrets"}, Then: Fail, Message: "enable failed"},
		}},
	}
}

func TestBatchEnableRightSecret(t *testing.T) {
	const secret = "s3cr3t-Enable"
	e, wire := enableDevice(t, secret)
	ms, err := e.Batch(testCtx(t), enableSteps(1), 10*time.Second, map[string]string{"enable_secret": secret})
	if err != nil {
		t.Fatalf("Batch: %v", err)
	}
	if len(ms) != 2 || ms[1].Text != "R1#" || ms[1].Index != 1 {
		t.Fatalf("matches %+v", ms)
	}
	log := wire.String()
	if strings.Contains(log, secret) {
		t.Fatalf("wire log shows the secret:\n%s", log)
	}
	if !strings.Contains(log, `> "<redacted>\n"`) || !strings.Contains(log, `> "enable\n"`) || !strings.Contains(log, `< "`) {
		t.Fatalf("wire log lacks the expected entries:\n%s", log)
	}
}

func TestBatchWrongSecretHitsLimit(t *testing.T) {
	e, wire := enableDevice(t, "right")
	_, err := e.Batch(testCtx(t), enableSteps(1), 10*time.Second, map[string]string{"enable_secret": "wrong-one"})
	var de *DialogueError
	if !errors.Is(err, ErrDialogue) || !errors.As(err, &de) {
		t.Fatalf("err = %v, want a DialogueError", err)
	}
	if de.Step != 1 || de.Case != "password" || de.Message != "the enable secret was refused" {
		t.Fatalf("DialogueError %+v", de)
	}
	if strings.Contains(wire.String(), "wrong-one") || strings.Contains(err.Error(), "wrong-one") {
		t.Fatalf("secret leaked: err %q, log %q", err, wire.String())
	}
}

func TestBatchFailCase(t *testing.T) {
	e, _ := enableDevice(t, "right")
	// No limit: the device gives up after three tries with % Bad secrets.
	_, err := e.Batch(testCtx(t), enableSteps(0), 10*time.Second, map[string]string{"enable_secret": "wrong"})
	var de *DialogueError
	if !errors.As(err, &de) || de.Case != "bad secrets" || de.Message != "enable failed" || !strings.Contains(de.Tail, "% Bad secrets") {
		t.Fatalf("err = %v, want the Fail case with its evidence", err)
	}
}

func TestBatchRejectsBadStepsBeforeSending(t *testing.T) {
	cases := []struct {
		name    string
		steps   []Step
		secrets map[string]string
		want    string
	}{
		{"unknown secret", []Step{{Send: "enable\n"}, {Send: "{{enable_pw}}\n"}}, map[string]string{"enable_secret": "x"}, `unknown secret "enable_pw"`},
		{"unknown secret in reply", []Step{{Send: "a\n", Cases: []Case{{Pattern: lit("x"), Reply: "{{nope}}"}}}}, nil, `unknown secret "nope"`},
		{"empty pattern", []Step{{Send: "a\n", Cases: []Case{{Pattern: Pattern{Name: "p"}}}}}, nil, "is empty"},
		{"unknown action", []Step{{Send: "a\n", Cases: []Case{{Pattern: lit("x"), Then: Action(9)}}}}, nil, "unknown action"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, r := newPiped(t, Options{})
			_, err := e.Batch(testCtx(t), tc.steps, time.Second, tc.secrets)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if s := r.Sent.String(); s != "" {
				t.Fatalf("sent %q before failing", s)
			}
		})
	}
	e, _ := newPiped(t, Options{})
	if _, err := e.Batch(testCtx(t), []Step{{Cases: []Case{{Pattern: lit("x")}}}}, 0, nil); err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("zero timeout: err = %v", err)
	}
}

func TestBatchStepTimeout(t *testing.T) {
	e, r := newPiped(t, Options{})
	steps := []Step{{Send: "show\n", Timeout: 100 * time.Millisecond, Cases: []Case{{Pattern: lit("never")}}}}
	ms, err := e.Batch(testCtx(t), steps, time.Minute, nil)
	var te *TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "step 0") || len(ms) != 1 {
		t.Fatalf("err = %v, matches %d; want a step 0 timeout", err, len(ms))
	}
	if r.Sent.String() != "show\n" {
		t.Fatalf("sent %q", r.Sent.String())
	}
}

func TestSendSecretRedactsBothWays(t *testing.T) {
	const secret = "hunter2-long"
	e, r := newPiped(t, Options{WireLog: &syncBuffer{}})
	wire := e.wire.w.(*syncBuffer)
	if err := e.SendSecret(testCtx(t), secret+"\n"); err != nil {
		t.Fatal(err)
	}
	// A device that wrongly echoes the secret.
	feed(t, r.Remote, "echo: "+secret+"\r\nok")
	mustExpect(t, e, []Pattern{lit("ok")}, ExpectOptions{})
	if r.Sent.String() != secret+"\n" {
		t.Fatalf("sent %q", r.Sent.String())
	}
	if log := wire.String(); strings.Contains(log, secret) || !strings.Contains(log, "<redacted>") {
		t.Fatalf("wire log %q", log)
	}
}
