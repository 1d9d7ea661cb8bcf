package devices

import (
	"fmt"
	"time"
)

const (
	defaultAliveInterval = 15 * time.Second
	defaultAliveCountMax = 3
)

// startKeepalive starts the goroutine that finds a dead connection the way
// OpenSSH's ServerAliveInterval does: a keepalive@openssh.com request every
// interval, and after CountMax intervals without an answer the connection
// is closed. Any answer counts, a refusal included: it proves the peer is
// there.
func (c *Conn) startKeepalive() {
	interval := c.target.ServerAliveInterval
	if interval <= 0 {
		interval = defaultAliveInterval
	}
	countMax := c.target.ServerAliveCountMax
	if countMax <= 0 {
		countMax = defaultAliveCountMax
	}
	c.wg.Add(1)
	go c.keepalive(interval, countMax)
}

func (c *Conn) keepalive(interval time.Duration, countMax int) {
	defer c.wg.Done()
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	// One request at a time: SendRequest blocks until its reply, and on a
	// black-holed link that reply never comes, so further requests would
	// only pile up goroutines. The buffer lets the sender finish after
	// this loop has returned.
	replies := make(chan error, 1)
	pending, missed := false, 0
	for {
		select {
		case <-c.done:
			return
		case err := <-replies:
			pending = false
			if err != nil {
				return // the connection is failing; its waiter records why
			}
			missed = 0
		case <-ticker.C:
			if !pending {
				pending = true
				c.wg.Add(1)
				go func() {
					defer c.wg.Done()
					_, _, err := c.client.SendRequest("keepalive@openssh.com", true, nil)
					replies <- err
				}()
				continue
			}
			missed++
			if missed >= countMax {
				c.closeWith(fmt.Errorf("keepalive: no answer from host in %d×%s", countMax, interval))
				return
			}
		}
	}
}
