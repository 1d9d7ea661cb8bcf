package mcp

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// parseMode reads write_file's permissions: a string is octal ("0644",
// "644", "0o644"), as the schema declares; a JSON number is still taken,
// as decimal, as the Python server did (420 and 420.0 are 0644). Absent or null means "keep the existing mode, or the
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
		// JSON has one number type: 420.0 and 4.2e2 are 420.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || f < 0 || f > 0o7777 {
			return 0, false, modeError(s)
		}
		v = uint64(f)
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
	return &argError{field: "permissions", msg: fmt.Sprintf("is %s: give an octal string such as \"0644\" or \"0755\" (at most \"07777\")", got)}
}
