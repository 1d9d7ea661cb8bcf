package hosts

import (
	"fmt"
	"strconv"
	"strings"
)

// settingNames maps the lower-case ssh_config keywords we read to their
// usual spelling, used as keys of Target.Sources.
var settingNames = map[string]string{
	"hostname": "HostName", "user": "User", "port": "Port", "identityfile": "IdentityFile",
	"identitiesonly": "IdentitiesOnly", "identityagent": "IdentityAgent", "proxyjump": "ProxyJump", "proxycommand": "ProxyCommand",
	"userknownhostsfile": "UserKnownHostsFile", "globalknownhostsfile": "GlobalKnownHostsFile",
	"stricthostkeychecking": "StrictHostKeyChecking", "connecttimeout": "ConnectTimeout",
	"serveraliveinterval": "ServerAliveInterval", "serveralivecountmax": "ServerAliveCountMax",
	"ciphers": "Ciphers", "kexalgorithms": "KexAlgorithms", "macs": "MACs", "hostkeyalgorithms": "HostKeyAlgorithms",
	"hostkeyalias": "HostKeyAlias", "knownhostscommand": "KnownHostsCommand",
}

// valueHints say how to write each value that can be refused.
var valueHints = map[string]string{
	"port":                  "use a number from 1 to 65535",
	"identitiesonly":        "use yes or no",
	"stricthostkeychecking": "use yes, no or accept-new",
	"connecttimeout":        `use seconds, or a time such as "1m30s"`,
	"serveraliveinterval":   `use seconds, or a time such as "1m30s"`,
	"serveralivecountmax":   "use a whole number",
}

// setScalar stores one of the settings that ssh -G and the library write
// the same way. It reports whether key is one of them; an error says what
// is wrong with the value (valueHints says how to fix it).
func (st *sshSettings) setScalar(key, value string) (bool, error) {
	var err error
	switch key {
	case "user":
		st.User = value
	case "port":
		st.Port, err = strconv.Atoi(value)
		if err != nil || st.Port < 1 || st.Port > 65535 {
			err = fmt.Errorf("%q is not a port", value)
		}
	case "identitiesonly":
		st.IdentitiesOnly, err = sshBool(value)
	case "globalknownhostsfile":
		st.GlobalKnownHosts = splitArgs(value)
	case "hostkeyalias":
		st.HostKeyAlias = strings.ToLower(value) // as ssh itself does
	case "knownhostscommand":
		if !strings.EqualFold(value, "none") {
			st.KnownHostsCommand = value
		}
	case "stricthostkeychecking":
		st.Strict, err = normalizeStrict(value)
	case "connecttimeout":
		st.ConnectTimeout, err = convTime(value)
	case "serveraliveinterval":
		st.ServerAliveInterval, err = convTime(value)
	case "serveralivecountmax":
		st.ServerAliveCountMax, err = strconv.Atoi(value)
		if err != nil || st.ServerAliveCountMax < 0 {
			err = fmt.Errorf("%q is not a count", value)
		}
	default:
		return false, nil
	}
	return true, err
}

func sshBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes", "true":
		return true, nil
	case "no", "false":
		return false, nil
	}
	return false, fmt.Errorf("%q is not yes or no", v)
}
