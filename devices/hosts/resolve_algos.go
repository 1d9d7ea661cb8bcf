package hosts

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// clientAlgorithms are the algorithms x/crypto/ssh implements, the insecure
// ones included: a user who lists aes128-cbc for an old switch means it.
var clientAlgorithms = func() map[string][]string {
	s, i := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
	return map[string][]string{
		"ciphers":           slices.Concat(s.Ciphers, i.Ciphers),
		"kexalgorithms":     slices.Concat(s.KeyExchanges, i.KeyExchanges),
		"macs":              slices.Concat(s.MACs, i.MACs),
		"hostkeyalgorithms": slices.Concat(s.HostKeys, i.HostKeys),
	}
}()

var errNoAlgorithms = errors.New("none of the listed algorithms is supported by this client")

// setAlgorithms keeps the algorithms x/crypto can use, in the user's order,
// and records the dropped ones in Sources. A list of which nothing is left
// is an error: falling back to defaults would ignore the user's choice.
func (st *sshSettings) setAlgorithms(key string, list []string, src string) error {
	var kept, dropped []string
	for _, a := range list {
		a = strings.TrimSpace(a)
		switch {
		case a == "":
		case slices.Contains(clientAlgorithms[key], a):
			kept = appendUnique(kept, a)
		default:
			dropped = append(dropped, a)
		}
	}
	if len(kept) == 0 {
		return fmt.Errorf("%w: %s", errNoAlgorithms, strings.Join(list, ","))
	}
	if len(dropped) > 0 {
		src += "; dropped (not supported here): " + strings.Join(dropped, ",")
	}
	switch key {
	case "ciphers":
		st.Ciphers = kept
	case "kexalgorithms":
		st.KexAlgorithms = kept
	case "macs":
		st.MACs = kept
	case "hostkeyalgorithms":
		st.HostKeyAlgorithms = kept
	}
	st.Sources[settingNames[key]] = src
	return nil
}

// openSSHDefaultAlgorithms are OpenSSH 9's default lists, which "+", "-"
// and "^" in ssh_config modify. Only the library fallback needs them; with
// an ssh binary, ssh -G applies its own.
var openSSHDefaultAlgorithms = map[string][]string{
	"ciphers": {"chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr",
		"aes128-gcm@openssh.com", "aes256-gcm@openssh.com"},
	"macs": {"umac-64-etm@openssh.com", "umac-128-etm@openssh.com", "hmac-sha2-256-etm@openssh.com",
		"hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com", "umac-64@openssh.com",
		"umac-128@openssh.com", "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1"},
	"kexalgorithms": {"sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256",
		"curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
		"diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
		"diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256"},
	"hostkeyalgorithms": {"ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
		"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
		"sk-ssh-ed25519-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
		"rsa-sha2-512-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com", "ssh-ed25519",
		"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
		"sk-ecdsa-sha2-nistp256@openssh.com", "rsa-sha2-512", "rsa-sha2-256"},
}

// openSSHAlgorithmList applies ssh_config's list syntax to the default
// list: "+a,b" appends, "-a*,b" removes (patterns allowed), "^a,b" puts
// first; anything else replaces the list. It reports whether the result
// differs from the default, since an unchanged list leaves x/crypto's
// defaults in charge.
func openSSHAlgorithmList(key, value string) ([]string, bool) {
	def := openSSHDefaultAlgorithms[key]
	if value == "" {
		return nil, false
	}
	items := strings.Split(value[1:], ",")
	var out []string
	switch value[0] {
	case '+':
		out = slices.Concat(def, items)
	case '^':
		out = slices.Concat(items, def)
	case '-':
		for _, a := range def {
			if !slices.ContainsFunc(items, func(p string) bool { ok, _ := path.Match(p, a); return ok }) {
				out = append(out, a)
			}
		}
	default:
		out = strings.Split(value, ",")
	}
	var uniq []string
	for _, a := range out {
		uniq = appendUnique(uniq, strings.TrimSpace(a))
	}
	return uniq, !slices.Equal(uniq, def)
}
