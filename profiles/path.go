package profiles

import (
	"errors"
	"fmt"
)

// Sentinel errors of the mode graph. Errors from Path wrap one of them.
var (
	// ErrUnknownMode: a mode name that the profile does not define.
	ErrUnknownMode = errors.New("profiles: unknown mode")
	// ErrNoPath: the profile's transitions do not lead from one mode to
	// the other.
	ErrNoPath = errors.New("profiles: no transition path")
)

// Path returns the shortest sequence of transitions that leads from mode
// from to mode to (breadth-first over the mode graph; among paths of equal
// length the one using earlier modes and transitions wins). It returns an
// empty path when from == to. It does no I/O.
func (p *Profile) Path(from, to string) ([]Transition, error) {
	for _, name := range []string{from, to} {
		if _, ok := p.Mode(name); !ok {
			return nil, fmt.Errorf("%w %q in profile %s (modes: %s)", ErrUnknownMode, name, p.Name, modeNames(p))
		}
	}
	if from == to {
		return []Transition{}, nil
	}
	type hop struct {
		prev string
		via  Transition
	}
	came := map[string]hop{from: {}}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		m, _ := p.Mode(cur)
		for _, t := range m.Transitions {
			if _, seen := came[t.To]; seen {
				continue
			}
			came[t.To] = hop{prev: cur, via: t}
			if t.To == to {
				var path []Transition
				for at := to; at != from; at = came[at].prev {
					path = append([]Transition{came[at].via}, path...)
				}
				return path, nil
			}
			queue = append(queue, t.To)
		}
	}
	return nil, fmt.Errorf("%w from mode %q to mode %q in profile %s", ErrNoPath, from, to, p.Name)
}
