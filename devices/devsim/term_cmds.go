package devsim

import "strconv"

// Handlers several platforms share.

// termLength sets the pager's page length without a word (IOS, NX-OS,
// IOS XR, VyOS); 0 turns paging off.
func termLength(c *simCall) error {
	n, _ := strconv.Atoi(c.Args[0])
	c.SetLength(n)
	return nil
}

// termWidth sets the terminal width without a word.
func termWidth(c *simCall) error {
	n, _ := strconv.Atoi(c.Args[0])
	c.SetWidth(n)
	return nil
}

// showPrivilege prints the mode's privilege level as IOS and EOS do.
func showPrivilege(c *simCall) error {
	c.Printf("Current privilege level is %d\n", c.s.mode.Privilege)
	return nil
}
