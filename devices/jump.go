package devices

import (
	"context"
	"fmt"

	"golang.org/x/crypto/ssh"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// dial connects to t through its ProxyJump chain: each hop is dialed
// through the client of the hop before it, with its own authentication and
// host key checks, as ssh -J does. The hops' own ProxyJump fields are not
// consulted: the resolver hands over the whole chain, first hop first.
func (env dialEnv) dial(ctx context.Context, t hosts.Target) (*Conn, error) {
	var hops []*ssh.Client
	closeHops := func() {
		for i := len(hops) - 1; i >= 0; i-- {
			hops[i].Close()
		}
	}
	var via *ssh.Client
	for i, hop := range t.ProxyJump {
		c, err := env.dialClient(ctx, via, hop)
		if err != nil {
			closeHops()
			return nil, fmt.Errorf("jump host %d of %d (%s) for %s: %w", i+1, len(t.ProxyJump), hop.Key(), t.Key(), err)
		}
		hops = append(hops, c)
		via = c
	}
	client, err := env.dialClient(ctx, via, t)
	if err != nil {
		closeHops()
		return nil, err
	}
	return newConn(t, client, hops, env.logger), nil
}
