package devices

import (
	"bytes"
	"context"
	"slices"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// SendSecret types the secret called name from the config entry of the
// command's host (secrets:), followed by Enter, at the running command's
// terminal: the caller names it and never sees it. The wire log shows it
// redacted, and wherever the terminal echoes it (or a later command of the
// same session prints it), the output, last line and prompt show it
// masked as '*' (one per byte, so offsets keep their meaning). An unknown name gives an error wrapping
// hosts.ErrUnknownSecret that lists the host's names; a reference that
// gives nothing, one wrapping hosts.ErrSecret. Like SendInput, it returns
// ErrFinished or ErrNotRunning, and blocks at most until ctx ends.
func (c *Command) SendSecret(ctx context.Context, name string) error {
	st := c.Info().Status
	switch {
	case st.Finished():
		return ErrFinished
	case st == StatusQueued:
		return ErrNotRunning
	}
	v, err := c.session.target.Secrets.Named.Value(ctx, name)
	if err != nil {
		return err
	}
	c.session.addTyped(v) // masked from now on, before any echo
	return c.typeKeys(ctx, v+"\n", (*expect.Expecter).SendSecret)
}

// SecretNames are the names of the extra secrets the command's host has
// in its config entry, sorted; never a value.
func (c *Command) SecretNames() []string { return c.session.target.Secrets.Named.Names() }

// typedSecrets returns the secrets typed so far into any command of c's
// session: the shell may keep one (in a variable, a file) and print it in a
// later command.
func (c *Command) typedSecrets() []string {
	if c.session == nil {
		return nil
	}
	c.session.mu.Lock()
	defer c.session.mu.Unlock()
	return c.session.typed
}

// addTyped records a secret typed into the session, once.
func (s *session) addTyped(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.typed, v) {
		s.typed = append(s.typed, v)
	}
}

// maskTyped masks, in text read at offset from c's output, every byte of
// a secret typed into c's session, including one that the window cuts: the bytes on
// either side of the window are read to see it whole.
func (c *Command) maskTyped(offset int64, text string) string {
	secrets := c.typedSecrets()
	if len(secrets) == 0 || text == "" {
		return text
	}
	span := 0
	for _, s := range secrets {
		span = max(span, len(s)-1)
	}
	var before, after string
	if from := max(offset-int64(span), 0); from < offset { // ReadAt's limit 0 would mean all
		b, _, err := c.out.ReadAt(from, int(offset-from))
		if err == nil && int64(len(b)) == offset-from {
			before = b
		}
	}
	if span > 0 {
		after, _, _ = c.out.ReadAt(offset+int64(len(text)), span)
	}
	whole := []byte(before + text + after)
	for _, s := range secrets {
		maskAll(whole, s)
	}
	return string(whole[len(before) : len(before)+len(text)])
}

// maskLine masks secrets in a line of a command's info.
func maskLine(secrets []string, line string) string {
	if line == "" {
		return line
	}
	b := []byte(line)
	for _, s := range secrets {
		maskAll(b, s)
	}
	return string(b)
}

// maskAll overwrites every occurrence of s in b with '*'.
func maskAll(b []byte, s string) {
	if s == "" {
		return
	}
	for i := 0; i <= len(b)-len(s); {
		k := bytes.Index(b[i:], []byte(s))
		if k < 0 {
			return
		}
		for j := i + k; j < i+k+len(s); j++ {
			b[j] = '*'
		}
		i += k + 1
	}
}
