package devsim

import (
	"strings"
	"sync"
)

// simDevice is the state one simulated device shares between its
// sessions: the hostname and named configuration sections. It is safe
// for concurrent use.
type simDevice struct {
	mu       sync.Mutex
	host     string
	sections map[string][]string
	order    []string // section names in creation order
	flags    map[string]bool
	counters map[string]int
	timed    deviceTimers // timers and notices of transactions (timers.go)
}

func newSimDevice(host string) *simDevice {
	return &simDevice{host: host, sections: map[string][]string{}, flags: map[string]bool{}, counters: map[string]int{}}
}

func (d *simDevice) hostname() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.host
}

func (d *simDevice) setHostname(h string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.host = h
}

// section returns a copy of a configuration section and whether it exists.
func (d *simDevice) section(name string) ([]string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	lines, ok := d.sections[name]
	return append([]string(nil), lines...), ok
}

// setSection replaces (or creates) a configuration section.
func (d *simDevice) setSection(name string, lines []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.sections[name]; !ok {
		d.order = append(d.order, name)
	}
	d.sections[name] = append([]string(nil), lines...)
}

// sectionNames returns the names of all sections in creation order.
func (d *simDevice) sectionNames() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.order...)
}

// flag returns a named boolean of the device state ("modified").
func (d *simDevice) flag(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.flags[name]
}

// setFlag sets a named boolean of the device state.
func (d *simDevice) setFlag(name string, v bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.flags[name] = v
}

// count adds delta to a named counter and returns its new value.
func (d *simDevice) count(name string, delta int) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.counters[name] += delta
	return d.counters[name]
}

// snapshot is a copy of the device's configuration: its hostname,
// sections and flags, without timers or sessions.
func (d *simDevice) snapshot() *simDevice {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := newSimDevice(d.host)
	c.order = append([]string(nil), d.order...)
	for name, lines := range d.sections {
		c.sections[name] = append([]string(nil), lines...)
	}
	for name, v := range d.flags {
		c.flags[name] = v
	}
	return c
}

// replaceConfig makes the configuration of d that of src: its hostname
// and the sections whose names do not start with "_". The "_" sections
// (a saved startup configuration) are files of d's own and stay.
func (d *simDevice) replaceConfig(src *simDevice) {
	src.mu.Lock()
	host, order := src.host, append([]string(nil), src.order...)
	sections := map[string][]string{}
	for name, lines := range src.sections {
		if !strings.HasPrefix(name, "_") {
			sections[name] = append([]string(nil), lines...)
		}
	}
	src.mu.Unlock()
	d.mu.Lock()
	defer d.mu.Unlock()
	var kept []string
	for _, name := range d.order {
		if strings.HasPrefix(name, "_") {
			kept = append(kept, name)
			continue
		}
		delete(d.sections, name)
	}
	for _, name := range order {
		if _, ok := sections[name]; ok {
			kept = append(kept, name)
			d.sections[name] = sections[name]
		}
	}
	d.host, d.order = host, kept
	d.flags["modified"] = true
}
