package mcp

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// parseMode reads write_file's permissions: a JSON number is decimal, as in
// the Python server (420 is 0644); a string is octal ("0644", "644",
// "0o644"). Absent or null means "keep the existing mode, or the
// default for a new file".
func parseMode(raw json.RawMessage) (mode os.FileMode, set bool, err error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0, false, nil
	}
	var v uint64
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return 0, false, modeError(s)
		}
		str = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(str), "0o"), "0O")
		v, err = strconv.ParseUint(str, 8, 32)
	} else {
		v, err = strconv.ParseUint(s, 10, 32)
	}
	if err != nil || v > 0o7777 {
		return 0, false, modeError(s)
	}
	m := os.FileMode(v & 0o777)
	if v&0o4000 != 0 {
		m |= os.ModeSetuid
	}
	if v&0o2000 != 0 {
		m |= os.ModeSetgid
	}
	if v&0o1000 != 0 {
		m |= os.ModeSticky
	}
	return m, true, nil
}

func modeError(got string) error {
	return &argError{field: "permissions", msg: fmt.Sprintf("is %s: give a decimal number as in the Python version (420 is 0644) or an octal string such as \"0644\" (at most 07777)", got)}
}
