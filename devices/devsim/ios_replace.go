package devsim

import (
	"fmt"
	"slices"
	"strings"
)

// iosReplaceQuestion is what "configure replace" asks without "force"
// (identical in Cisco's guide and in captures from IOS and IOS XE).
const iosReplaceQuestion = "This will apply all necessary additions and deletions\n" +
	"to replace the current running configuration with the\n" +
	"contents of the specified configuration file, which is\n" +
	"assumed to be a complete configuration, not a partial\n" +
	"configuration. Enter Y if you are sure you want to proceed. ? [no]: "

// iosConfigureReplace is "configure replace <url> [force] [time N]": the
// running configuration becomes the file's, then "Total number of
// passes: N" and "Rollback Done" (Cisco, "Configuration Replace and
// Configuration Rollback"; 0 passes when nothing differed). With "time N"
// the running configuration is archived first and restored unless
// "configure confirm" comes within N minutes, as after "configure
// terminal revert timer" (order of the messages from the Byte Works
// walkthrough and a public gist of "config replace ... force time 1").
func iosConfigureReplace(c *simCall) error {
	words := strings.Fields(c.Command.Syntax)
	url := iosCanonicalURL(c.Args[0])
	d := c.device()
	var snap iosSnapshot
	var ok bool
	if url == iosRunningURL {
		snap, ok = iosTakeSnapshot(d), true
	} else {
		snap, ok = iosFile(d, url)
	}
	if !ok {
		iosNoFile(c, c.Args[0])
		return nil
	}
	force := slices.Contains(words, "force")
	minutes, backup := 0, ""
	if slices.Contains(words, "time") {
		fmt.Sscan(c.Args[len(c.Args)-1], &minutes)
		if backup, ok = iosArchiveNow(d); !ok {
			c.Print(iosArchiveDisabled)
			return nil
		}
		c.Printf("Rollback Confirmed Change: Backing up current running config to %s\n", backup)
		if !force {
			c.Print("\n")
		}
	}
	if !force {
		ans, err := c.ReadLine(iosReplaceQuestion, false)
		if err != nil {
			return ignoreInterrupt(err)
		}
		if a := strings.ToLower(strings.TrimSpace(ans)); a != "y" && a != "yes" {
			return nil
		}
	}
	passes := 0
	if len(iosRollbackCommands(iosRunningConfig(d), snap.render())) > 0 {
		passes = 1
	}
	iosRestore(d, snap)
	c.Printf("Total number of passes: %d\nRollback Done\n", passes)
	if minutes > 0 {
		iosStartRevert(c, backup, minutes)
	}
	return nil
}
