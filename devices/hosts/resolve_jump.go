package hosts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// jumpHop is one entry of a ProxyJump chain as written.
type jumpHop struct {
	user string
	host string
	port int
}

// parseJumpChain splits "[user@]host[:port],ssh://[user@]host[:port],..."
// into hops. "" and "none" mean no jump. IPv6 literals go in brackets.
func parseJumpChain(s string) ([]jumpHop, error) {
	if s == "" || strings.EqualFold(s, "none") {
		return nil, nil
	}
	var hops []jumpHop
	for part := range strings.SplitSeq(s, ",") {
		h, err := parseJumpHop(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		hops = append(hops, h)
	}
	return hops, nil
}

func parseJumpHop(s string) (jumpHop, error) {
	var h jumpHop
	if rest, ok := strings.CutPrefix(s, "ssh://"); ok {
		u, err := url.Parse("ssh://" + rest)
		if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return h, fmt.Errorf("%q is not an ssh:// address", s)
		}
		h.user, h.host = u.User.Username(), u.Hostname()
		if p := u.Port(); p != "" {
			h.port, _ = strconv.Atoi(p)
		}
	} else {
		if at := strings.LastIndexByte(s, '@'); at >= 0 {
			h.user, s = s[:at], s[at+1:]
		}
		h.host = s
		if strings.HasPrefix(s, "[") {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return h, fmt.Errorf("%q has an unclosed '['", s)
			}
			h.host, s = s[1:end], s[end+1:]
			if p, ok := strings.CutPrefix(s, ":"); ok {
				s = p
			} else if s != "" {
				return h, fmt.Errorf("unexpected %q after ']'", s)
			}
			if s != "" {
				h.port = -1
				h.port, _ = strconv.Atoi(s)
			}
		} else if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.Count(s, ":") == 1 {
			h.host = s[:i]
			if h.port, _ = strconv.Atoi(s[i+1:]); h.port == 0 {
				h.port = -1
			}
		}
	}
	switch {
	case h.host == "" || strings.HasPrefix(h.host, "-") || strings.ContainsFunc(h.host, isSpaceOrControl):
		return h, fmt.Errorf("%q has no usable host", s)
	case h.port < 0 || h.port > 65535:
		return h, fmt.Errorf("%q has a bad port", s)
	case strings.HasPrefix(h.user, "-") || strings.ContainsFunc(h.user, isSpaceOrControl):
		return h, fmt.Errorf("%q has a bad user", s)
	}
	return h, nil
}

// resolveJumps resolves each hop of t's ProxyJump like a host of its own,
// through the same layers, and flattens the chain the way ssh runs it: the
// first hop is reached with its own ProxyJump (which is prepended), each
// later hop through the one before it, ignoring its own. stack holds the
// aliases being resolved, so a hop that leads back to one is a loop.
func (r *Resolver) resolveJumps(ctx context.Context, t Target, chain string, stack []string) ([]Target, error) {
	hops, err := parseJumpChain(chain)
	if err != nil {
		file, line := sourceLoc(t.Sources["ProxyJump"])
		return nil, &ResolveError{Alias: t.Alias, File: file, Line: line, Setting: "ProxyJump",
			Msg: err.Error(), Hint: "write jump hosts as [user@]host[:port], separated by commas"}
	}
	var out []Target
	for i, h := range hops {
		if slices.Contains(stack, h.host) {
			file, line := sourceLoc(t.Sources["ProxyJump"])
			return nil, &ResolveError{Alias: t.Alias, File: file, Line: line, Setting: "ProxyJump",
				Msg:  "jump hosts form a loop: " + strings.Join(append(slices.Clone(stack), h.host), " -> "),
				Hint: "add `ProxyJump none` to the jump host's Host block"}
		}
		// Only the first hop is dialed with its own ProxyJump; ssh reaches
		// each later hop through the one before it.
		mode := skipJumps
		if i == 0 {
			mode = withJumps
		}
		hop, err := r.resolve(ctx, Request{Host: h.host, Username: h.user, Port: h.port}, stack, mode)
		var re *ResolveError
		if errors.As(err, &re) && !strings.Contains(re.Msg, "(jump host ") {
			re.Msg += fmt.Sprintf(" (jump host %d of %d for %s)", i+1, len(hops), t.Alias)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, hop.ProxyJump...)
		hop.ProxyJump = nil
		out = append(out, hop)
	}
	return out, nil
}

// jumpMode says whether resolve follows a host's own ProxyJump.
type jumpMode int

const (
	withJumps jumpMode = iota
	skipJumps
)

// sourceLoc extracts file and line from a Sources value such as
// "~/.ssh/config:12" or "ssh -G (~/.ssh/config)", for error messages.
func sourceLoc(src string) (string, int) {
	if rest, ok := strings.CutPrefix(src, "ssh -G ("); ok {
		return strings.TrimSuffix(rest, ")"), 0
	}
	if i := strings.LastIndexByte(src, ':'); i > 0 {
		if n, err := strconv.Atoi(src[i+1:]); err == nil {
			return src[:i], n
		}
	}
	return "", 0
}
