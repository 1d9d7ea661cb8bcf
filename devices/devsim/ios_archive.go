package devsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The IOS configuration archive and the files of the simulated flash:
// "archive" in configuration mode, "show archive", "archive config",
// "copy running-config <url>", "configure replace" and "show archive
// config differences". Files are kept on the device as snapshots, so a
// file written by the simulator restores exactly what it saved.

const (
	iosFilesKey   = "ios files"   // map[string]iosSnapshot by URL
	iosArchiveKey = "ios archive" // *iosArchiveList
	iosStartupURL = "nvram:startup-config"
	iosRunningURL = "system:running-config"
)

// iosArchiveStamp is the timestamp IOS puts in archive file names
// ("flash:archive-Feb-15-15-56-38.517-1" in a public walkthrough;
// "May--4" pads the day with '-'), from the simulator's fixed clock.
const iosArchiveStamp = "-Mar--1-00-12-34.567-"

// iosArchiveList is the device's archive: the files saved, oldest first,
// and the number the next one gets (IOS counts from 0).
type iosArchiveList struct {
	names []string
	next  int
}

// iosArchiveSettings reads the archive block of the running
// configuration.
type iosArchiveSettings struct {
	enabled     bool
	path        string
	maximum     int
	writeMemory bool
	timePeriod  int // minutes between automatic archives; 0: none
}

func iosArchiveConfig(d *simDevice) iosArchiveSettings {
	lines, ok := d.section("archive")
	st := iosArchiveSettings{enabled: ok, maximum: 10} // 10 by default (show archive on IOS 15)
	for _, l := range lines {
		f := strings.Fields(l)
		switch {
		case len(f) == 2 && f[0] == "path":
			st.path = strings.ReplaceAll(f[1], "$h", d.hostname())
		case len(f) == 2 && f[0] == "maximum":
			st.maximum, _ = strconv.Atoi(f[1])
		case l == "write-memory":
			st.writeMemory = true
		case len(f) == 2 && f[0] == "time-period":
			st.timePeriod, _ = strconv.Atoi(f[1])
		}
	}
	return st
}

// iosFile returns a stored configuration file.
func iosFile(d *simDevice, url string) (iosSnapshot, bool) {
	var snap iosSnapshot
	var ok bool
	d.timed.with(func(state map[string]any) {
		files, _ := state[iosFilesKey].(map[string]iosSnapshot)
		snap, ok = files[url]
	})
	return snap, ok
}

// iosStoreFile writes (or, with ok false, deletes) a configuration file.
func iosStoreFile(d *simDevice, url string, snap iosSnapshot, ok bool) {
	d.timed.with(func(state map[string]any) {
		files, _ := state[iosFilesKey].(map[string]iosSnapshot)
		if files == nil {
			files = map[string]iosSnapshot{}
			state[iosFilesKey] = files
		}
		if ok {
			files[url] = snap
		} else {
			delete(files, url)
		}
	})
}

// iosArchiveNow saves the running configuration as the next archive
// file and returns its name; ok is false when no archive path is
// configured.
func iosArchiveNow(d *simDevice) (string, bool) {
	st := iosArchiveConfig(d)
	if st.path == "" {
		return "", false
	}
	snap := iosTakeSnapshot(d)
	var name string
	var dropped []string
	d.timed.with(func(state map[string]any) {
		list, _ := state[iosArchiveKey].(*iosArchiveList)
		if list == nil {
			list = &iosArchiveList{}
			state[iosArchiveKey] = list
		}
		name = st.path + iosArchiveStamp + strconv.Itoa(list.next)
		list.next++
		list.names = append(list.names, name)
		if n := len(list.names) - st.maximum; n > 0 && !strings.Contains(st.path, "://") {
			dropped = list.names[:n] // the oldest file is deleted
			list.names = list.names[n:]
		}
	})
	for _, old := range dropped {
		iosStoreFile(d, old, iosSnapshot{}, false)
	}
	iosStoreFile(d, name, snap, true)
	return name, true
}

// iosArchiveDisabled is printed when the archive has no path; captured
// from an IOS 15 router ("show archive" and "archive config" with no
// usable path both print it, with a leading space).
const iosArchiveDisabled = " Archive feature not enabled\n"

// iosShowArchive prints the archive as IOS 15 does (layout from a capture
// kept in ntc-templates' cisco_ios_show_archive tests).
func iosShowArchive(c *simCall) error {
	st := iosArchiveConfig(c.device())
	if st.path == "" {
		c.Print(iosArchiveDisabled)
		return nil
	}
	var list iosArchiveList
	c.device().timed.with(func(state map[string]any) {
		if l, ok := state[iosArchiveKey].(*iosArchiveList); ok {
			list = iosArchiveList{names: append([]string(nil), l.names...), next: l.next}
		}
	})
	lines := []string{
		fmt.Sprintf("The maximum archive configurations allowed is %d.", st.maximum),
		fmt.Sprintf("There are currently %d archive configurations saved.", len(list.names)),
		fmt.Sprintf("The next archive file will be named %s%s%d", st.path, iosArchiveStamp, list.next),
		" Archive #  Name",
	}
	for i := range max(st.maximum, len(list.names)) {
		row := fmt.Sprintf("   %-9d", i+1)
		if i < len(list.names) {
			row += list.names[i]
			if i == len(list.names)-1 {
				row += " <- Most Recent"
			}
		}
		lines = append(lines, strings.TrimRight(row, " "))
	}
	return c.Page(sliceOutput(lines))
}

// iosArchiveConfigCmd is "archive config": save the running
// configuration in the archive now.
func iosArchiveConfigCmd(c *simCall) error {
	if _, ok := iosArchiveNow(c.device()); !ok {
		c.Print(iosArchiveDisabled + "% Error caught by command handler\n")
	}
	return nil
}

// iosArchiveMaximum sets how many archive files are kept; IOS refuses it
// for a network path (text as reported in networklessons' forum and a
// Habr article on the archive).
func iosArchiveMaximum(c *simCall) error {
	if strings.Contains(iosArchiveConfig(c.device()).path, "://") {
		c.Println("Cannot set maximum when backing up to network path")
		return nil
	}
	return iosStore(c)
}

// iosPeriodTimer names the device timer of "time-period".
const iosPeriodTimer = "ios archive period"

// iosArchiveTimePeriod is "time-period N": archive the running
// configuration every N minutes (Cisco guide).
func iosArchiveTimePeriod(c *simCall) error {
	if err := iosStore(c); err != nil {
		return err
	}
	iosArmPeriodic(c.device(), c.Options().minute())
	return nil
}

// iosArmPeriodic arms the next automatic archive, if the configuration
// still asks for one then.
func iosArmPeriodic(d *simDevice, minute time.Duration) {
	n := iosArchiveConfig(d).timePeriod
	if n <= 0 {
		d.timed.cancel(iosPeriodTimer)
		return
	}
	d.timed.after(iosPeriodTimer, time.Duration(n)*minute, func() {
		if iosArchiveConfig(d).timePeriod > 0 {
			iosArchiveNow(d)
		}
		iosArmPeriodic(d, minute)
	})
}

// iosSaved runs after the running configuration was saved to NVRAM: the
// startup file follows it, and the archive takes a copy when told to
// ("write-memory").
func iosSaved(c *simCall) {
	d := c.device()
	iosStoreFile(d, iosStartupURL, iosTakeSnapshot(d), true)
	if iosArchiveConfig(d).writeMemory {
		iosArchiveNow(d)
	}
}

// iosURLPrefixes are the file systems "copy" and "configure replace"
// accept.
var iosURLPrefixes = []string{"flash:", "bootflash:", "disk0:", "nvram:", "usbflash0:", "tftp://", "ftp://", "scp://", "http://"}

func iosValidURL(url string) bool {
	for _, p := range iosURLPrefixes {
		if strings.HasPrefix(strings.ToLower(url), p) && len(url) > len(p) {
			return true
		}
	}
	return false
}

// iosCanonicalURL names the running and startup configurations the one
// way the simulator stores them.
func iosCanonicalURL(url string) string {
	switch strings.ToLower(url) {
	case "running-config", "system:running-config":
		return iosRunningURL
	case "startup-config", "nvram:startup-config":
		return iosStartupURL
	}
	return url
}

// iosConfigLines returns a configuration by URL as "show" would print
// it; ok is false when there is no such file.
func iosConfigLines(d *simDevice, url string) ([]string, bool) {
	switch url = iosCanonicalURL(url); url {
	case iosRunningURL:
		return iosRunningConfig(d), true
	case iosStartupURL:
		return d.section("_startup")
	}
	snap, ok := iosFile(d, url)
	if !ok {
		return nil, false
	}
	return snap.render(), true
}

// iosNoFile is the error for a missing configuration file, as pyATS'
// unit tests of "configure replace" record it from IOS XE.
func iosNoFile(c *simCall, url string) {
	c.Printf("Error: Could not open file %s for reading\n", url)
}

// iosShowArchiveDiff is "show archive config differences [file1
// [file2]]": startup against running by default, a file against running
// with one argument.
func iosShowArchiveDiff(c *simCall) error {
	var files []string
	if len(c.Args) > 0 {
		files = strings.Fields(c.Args[0])
	}
	if len(files) > 2 {
		c.Reject(files[2], kindInvalid)
		return nil
	}
	first, second := iosStartupURL, iosRunningURL
	if len(files) > 0 {
		first = files[0]
	}
	if len(files) > 1 {
		second = files[1]
	}
	a, ok := iosConfigLines(c.device(), first)
	if !ok {
		iosNoFile(c, first)
		return nil
	}
	b, ok := iosConfigLines(c.device(), second)
	if !ok {
		iosNoFile(c, second)
		return nil
	}
	return c.Page(sliceOutput(iosContextualDiff(a, b)))
}

// iosConfigSize is the size "Current configuration : N bytes" reports.
func iosConfigSize(lines []string) int {
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, "Current configuration : "); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(rest, " bytes"))
			return n
		}
	}
	return 0
}

// iosCopyRunTo is "copy running-config <url>": the destination dialogue,
// an overwrite question for an existing file, then the byte count IOS
// prints ("3005 bytes copied in 0.433 secs (6940 bytes/sec)" in public
// walkthroughs).
func iosCopyRunTo(c *simCall) error {
	url := c.Args[0]
	if !iosValidURL(url) {
		c.Reject(url, kindInvalid)
		return nil
	}
	fs, name, _ := strings.Cut(url, ":")
	fs += ":"
	if rest, ok := strings.CutPrefix(name, "//"); ok {
		host, file, _ := strings.Cut(rest, "/")
		ans, err := c.ReadLine(fmt.Sprintf("Address or name of remote host [%s]? ", host), false)
		if err != nil {
			return ignoreInterrupt(err)
		}
		if ans = strings.TrimSpace(ans); ans != "" {
			host = ans
		}
		fs, name = fs+"//"+host+"/", file
	}
	ans, err := c.ReadLine(fmt.Sprintf("Destination filename [%s]? ", name), false)
	if err != nil {
		return ignoreInterrupt(err)
	}
	if ans = strings.TrimSpace(ans); ans != "" {
		name = ans
	}
	url = fs + name
	if _, exists := iosFile(c.device(), url); exists {
		c.Println("%Warning:There is a file already existing with this name")
		key, err := c.ReadKey("Do you want to over write? [confirm]")
		if err != nil {
			return ignoreInterrupt(err)
		}
		c.Print("\n")
		if key != '\r' && key != '\n' && key != 'y' && key != 'Y' {
			return nil
		}
	}
	snap := iosTakeSnapshot(c.device())
	iosStoreFile(c.device(), url, snap, true)
	size := iosConfigSize(snap.render())
	c.Printf("%d bytes copied in 0.123 secs (%d bytes/sec)\n", size, size*1000/123)
	return nil
}
