package devices

import (
	"context"
	"fmt"
	"strings"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

// open waits for the first prompt, learns the hostname and the mode from
// it, and runs the profile's preparation steps (pager off, wide terminal).
func (d *promptDriver) open(ctx context.Context, env driverEnv) (string, error) {
	d.e = env.Expecter
	m, err := d.e.Expect(ctx, d.genericPrompts(), expect.ExpectOptions{Timeout: promptLoginTimeout})
	if err != nil {
		return "", fmt.Errorf("wait for the first %s prompt: %w", d.profile.Name, expectErr(err))
	}
	if err := d.learn(m.Index, m.Text); err != nil {
		return "", err
	}
	login := m.Before
	if err := d.leaveLanding(ctx); err != nil {
		return "", err
	}
	for i, st := range d.profile.OnOpen {
		if _, err := d.step(ctx, st, jobSecrets{EnableCommand: profiles.DefaultEnableCommand}); err != nil {
			return "", fmt.Errorf("prepare session (on_open step %d, %q): %w", i+1, strings.TrimSpace(st.Send), err)
		}
	}
	return login, nil
}

// leaveLanding moves from where a login landed to the profile's first mode
// when the landing mode is an unprivileged side door (a Junos root login
// lands in the FreeBSD shell). A privileged landing (an IOS user with
// privilege 15) is kept: leaving it would drop privileges.
func (d *promptDriver) leaveLanding(ctx context.Context) error {
	if d.mode == 0 || d.profile.Modes[d.mode].Privileged {
		return nil
	}
	path, err := d.profile.Path(d.profile.Modes[d.mode].Name, d.profile.Modes[0].Name)
	if err != nil {
		return nil // no way out: stay where the login landed
	}
	for _, tr := range path {
		for _, st := range tr.Steps {
			if _, err := d.step(ctx, st, jobSecrets{EnableCommand: profiles.DefaultEnableCommand}); err != nil {
				return fmt.Errorf("leave %s mode for %s: %w", d.profile.Modes[d.mode].Name, d.profile.Modes[0].Name, err)
			}
		}
	}
	return nil
}
