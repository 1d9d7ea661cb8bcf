package expect

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"time"
)

// secretRef is how a Send or Reply names a secret: {{name}}.
var secretRef = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}`)

// message is text to send, with its wire-log form.
type message struct {
	text, logged string
	secrets      []string
}

// expand fills {{name}} references from secrets. The logged form shows
// "<redacted>" for each.
func expand(s string, secrets map[string]string) (message, error) {
	var m message
	var missing []string
	m.text = secretRef.ReplaceAllStringFunc(s, func(ref string) string {
		name := secretRef.FindStringSubmatch(ref)[1]
		v, ok := secrets[name]
		if !ok {
			missing = append(missing, name)
			return ref
		}
		m.secrets = append(m.secrets, v)
		return v
	})
	if len(missing) > 0 {
		known := make([]string, 0, len(secrets))
		for k := range secrets {
			known = append(known, k)
		}
		sort.Strings(known)
		return message{}, fmt.Errorf("unknown secret %q (secrets given: %q); pass it in the secrets map or fix the name", missing[0], known)
	}
	m.logged = secretRef.ReplaceAllString(s, redacted)
	return m, nil
}

// send writes a prepared message.
func (e *Expecter) send(ctx context.Context, m message) error {
	if m.text == "" {
		return nil
	}
	for _, s := range m.secrets {
		e.wire.addSecret(s)
	}
	return e.write(ctx, m.text, m.logged)
}

// prepared is a step with its messages expanded.
type prepared struct {
	send    message
	replies []message
}

func prepare(steps []Step, timeout time.Duration, secrets map[string]string) ([]prepared, error) {
	out := make([]prepared, len(steps))
	for i, st := range steps {
		if st.Timeout <= 0 && timeout <= 0 && len(st.Cases) > 0 {
			return nil, fmt.Errorf("expect: step %d has no timeout and the batch timeout is %v; give a positive timeout", i, timeout)
		}
		var err error
		if out[i].send, err = expand(st.Send, secrets); err != nil {
			return nil, fmt.Errorf("expect: step %d send: %w", i, err)
		}
		for j, c := range st.Cases {
			if err := checkPattern(c.Pattern); err != nil {
				return nil, fmt.Errorf("expect: step %d case %d: pattern %w", i, j, err)
			}
			if c.Then != Next && c.Then != Again && c.Then != Fail {
				return nil, fmt.Errorf("expect: step %d case %d has unknown action %d; use Next, Again or Fail", i, j, c.Then)
			}
			r, err := expand(c.Reply, secrets)
			if err != nil {
				return nil, fmt.Errorf("expect: step %d case %d reply: %w", i, j, err)
			}
			out[i].replies = append(out[i].replies, r)
		}
	}
	return out, nil
}

// Batch runs a dialogue: for each step it sends Step.Send, then waits for
// one of the step's cases and acts on it (see Action). {{name}} in Send and
// Reply is filled from secrets; an unknown name is an error before anything
// is sent. Secrets appear in the wire log as "<redacted>".
//
// timeout bounds each step whose own Timeout is zero; a step's timeout
// covers all its rounds (Again). It returns one Match per step, the zero
// Match for a step without cases, up to the failing step. A Fail case or an
// exceeded Limit returns a *DialogueError wrapping ErrDialogue; a wait that
// fails returns Expect's error wrapped with the step index. Batch blocks
// like Expect and, like Expect, is for one caller at a time.
func (e *Expecter) Batch(ctx context.Context, steps []Step, timeout time.Duration, secrets map[string]string) ([]Match, error) {
	prep, err := prepare(steps, timeout, secrets)
	if err != nil {
		return nil, err
	}
	matches := make([]Match, 0, len(steps))
	for i, st := range steps {
		if err := e.send(ctx, prep[i].send); err != nil {
			return matches, fmt.Errorf("expect: step %d: %w", i, err)
		}
		if len(st.Cases) == 0 {
			matches = append(matches, Match{})
			continue
		}
		d := st.Timeout
		if d <= 0 {
			d = timeout
		}
		m, err := e.runStep(ctx, i, st, prep[i].replies, time.Now().Add(d))
		matches = append(matches, m)
		if err != nil {
			return matches, err
		}
	}
	return matches, nil
}

// runStep waits for the step's cases until one ends it.
func (e *Expecter) runStep(ctx context.Context, i int, st Step, replies []message, deadline time.Time) (Match, error) {
	patterns := make([]Pattern, len(st.Cases))
	for j, c := range st.Cases {
		patterns[j] = c.Pattern
	}
	counts := make([]int, len(st.Cases))
	start := time.Now()
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return Match{}, fmt.Errorf("expect: step %d: %w", i, &TimeoutError{Patterns: patterns, Tail: tailOf(e.Pending(), 500), Elapsed: time.Since(start)})
		}
		m, err := e.Expect(ctx, patterns, ExpectOptions{Timeout: left})
		if err != nil {
			return m, fmt.Errorf("expect: step %d: %w", i, err)
		}
		c := st.Cases[m.Index]
		counts[m.Index]++
		if c.Limit > 0 && counts[m.Index] > c.Limit {
			msg := c.Message
			if msg == "" {
				msg = fmt.Sprintf("matched more than %d times", c.Limit)
			}
			return m, &DialogueError{Step: i, Case: c.Pattern.Name, Message: msg, Tail: tailOf(m.Before+m.Text, 500)}
		}
		if err := e.send(ctx, replies[m.Index]); err != nil {
			return m, fmt.Errorf("expect: step %d reply: %w", i, err)
		}
		switch c.Then {
		case Next:
			return m, nil
		case Fail:
			return m, &DialogueError{Step: i, Case: c.Pattern.Name, Message: c.Message, Tail: tailOf(m.Before+m.Text, 500)}
		}
		// Again: keep waiting in this step.
	}
}
