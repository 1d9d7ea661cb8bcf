package expect_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// fakeRouter plays a router on the far side of two pipes: it answers each
// line it reads with answer(line). It returns the Expecter's reader and
// writer.
func fakeRouter(greeting string, answer func(line string) string) (io.ReadCloser, io.WriteCloser) {
	fromRouter, toExpecter := io.Pipe()
	toRouter, fromExpecter := io.Pipe()
	go func() {
		defer toExpecter.Close()
		io.WriteString(toExpecter, greeting)
		in := bufio.NewReader(toRouter)
		for {
			line, err := in.ReadString('\n')
			if err != nil {
				return
			}
			io.WriteString(toExpecter, answer(strings.TrimSuffix(line, "\n")))
		}
	}()
	return fromRouter, fromExpecter
}

func ExampleExpecter_Expect() {
	r, w := fakeRouter("Welcome\r\nR1#", func(line string) string {
		return line + "\r\n*10:00:00.000 UTC Mon Nov 23 2026\r\nR1#"
	})
	e := expect.New(r, w, expect.Options{})
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	prompt := []expect.Pattern{{Name: "prompt", Regexp: regexp.MustCompile(`(?m)^R1#\z`)}}
	if _, err := e.Expect(ctx, prompt, expect.ExpectOptions{Timeout: 5 * time.Second}); err != nil {
		fmt.Println(err)
		return
	}
	if err := e.Send(ctx, "show clock\n"); err != nil {
		fmt.Println(err)
		return
	}
	out := expect.NewOutput(0)
	m, err := e.Expect(ctx, prompt, expect.ExpectOptions{Timeout: 5 * time.Second, Capture: out, Echo: "show clock"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("output %q, then prompt %q\n", out.String(), m.Text)
	// Output: output "*10:00:00.000 UTC Mon Nov 23 2026\n", then prompt "R1#"
}

func ExampleExpecter_Batch() {
	r, w := fakeRouter("R1>", func(line string) string {
		switch line {
		case "enable":
			return "enable\r\nPassword: "
		case "cisco-enable":
			return "\r\nR1#"
		}
		return "\r\nPassword: "
	})
	e := expect.New(r, w, expect.Options{})
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	steps := []expect.Step{
		{Cases: []expect.Case{{Pattern: expect.Pattern{Name: "user", Literal: "R1>"}}}},
		{Send: "enable\n", Cases: []expect.Case{
			// A second password prompt means the secret was wrong.
			{Pattern: expect.Pattern{Name: "password", Literal: "Password: "}, Reply: "{{enable_secret}}\n", Then: expect.Again, Limit: 1, Message: "wrong enable secret"},
			{Pattern: expect.Pattern{Name: "privileged", Regexp: regexp.MustCompile(`(?m)^R1#\z`)}, Then: expect.Next},
			{Pattern: expect.Pattern{Name: "refused", Literal: "% Bad secrets"}, Then: expect.Fail, Message: "enable refused"},
		}},
	}
	matches, err := e.Batch(ctx, steps, 5*time.Second, map[string]string{"enable_secret": "cisco-enable"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("now at", matches[1].Text)
	// Output: now at R1#
}
