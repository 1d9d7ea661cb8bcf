package hosts

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// splitUserAtHost accepts "user@host" in Request.Host, as ssh does for its
// destination, so that a caller's habit does not turn into an unknown alias.
func splitUserAtHost(req Request) (Request, error) {
	at := strings.LastIndexByte(req.Host, '@')
	if at < 0 {
		return req, nil
	}
	user, host := req.Host[:at], req.Host[at+1:]
	if req.Username != "" && req.Username != user {
		return req, &ResolveError{Alias: req.Host, Setting: "username",
			Msg:  fmt.Sprintf("host names user %q but username is %q", user, req.Username),
			Hint: "give the user once, in username or as user@host"}
	}
	if user == "" {
		return req, &ResolveError{Alias: req.Host, Setting: "host", Msg: "empty user before '@'", Hint: "write user@host or just host"}
	}
	req.Host, req.Username = host, user
	return req, nil
}

// validateRequest refuses values that could be taken for ssh options or
// could not be a host at all, before anything runs.
func validateRequest(req Request) error {
	bad := func(setting, msg, hint string) error {
		return &ResolveError{Alias: req.Host, Setting: setting, Msg: msg, Hint: hint}
	}
	switch {
	case strings.TrimSpace(req.Host) == "":
		return bad("host", "empty host", "give an ssh_config alias, a hostname or an IP address")
	case strings.HasPrefix(req.Host, "-"):
		return bad("host", fmt.Sprintf("%q starts with '-'", req.Host), "a host name cannot start with '-'")
	case strings.ContainsFunc(req.Host, isSpaceOrControl):
		return bad("host", fmt.Sprintf("%q contains white space or control characters", req.Host), "give one host name")
	case req.Port < 0 || req.Port > 65535:
		return bad("port", fmt.Sprintf("%d is out of range", req.Port), "use a port from 1 to 65535, or 0 for the configured one")
	case strings.HasPrefix(req.Username, "-") || strings.ContainsFunc(req.Username, isSpaceOrControl):
		return bad("username", fmt.Sprintf("%q is not a valid user name", req.Username), "give the remote login name")
	}
	return nil
}

// checkRequestKey refuses at once a key_filename that could never be a
// key, before a dial would try to read it.
func (r *Resolver) checkRequestKey(req Request) error {
	if req.KeyFilename == "" {
		return nil
	}
	if err := CheckKeyFile(expandTilde(req.KeyFilename, r.home)); err != nil {
		return &ResolveError{Alias: req.Host, Setting: "key_filename", Msg: err.Error(),
			Hint: "give the path of a private key file, such as ~/.ssh/id_ed25519", Err: err}
	}
	return nil
}

// FileKind names the kind of file m describes, for messages: "a
// directory", "a FIFO", "a character device"...
func FileKind(m os.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a block device"
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}

// MaxKeyFileBytes bounds a key file: the largest private keys (RSA 16384
// bits, with comments) are a few tens of kilobytes.
const MaxKeyFileBytes = 1 << 20

// CheckKeyFile refuses a key file that is not a regular file (a device such
// as /dev/zero never ends, a FIFO blocks whoever opens it) or that is
// larger than MaxKeyFileBytes. A missing file is not refused here: OpenSSH
// skips absent identity files, and the dial reports it. It never opens the
// file.
func CheckKeyFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("key file %s: %w", path, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("key file %s is %s, not a regular file", path, FileKind(fi.Mode()))
	case fi.Size() > MaxKeyFileBytes:
		return fmt.Errorf("key file %s is %d bytes, larger than any key (limit %d)", path, fi.Size(), MaxKeyFileBytes)
	}
	return nil
}

func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f
}

// firstString returns the first non-empty value and its source.
func firstString(pairs ...string) (string, string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] != "" {
			return pairs[i], pairs[i+1]
		}
	}
	return "", "default"
}

// layer is what the layers above ssh_config decided before ssh_config is
// consulted; ssh_config sees these as command-line options, so they also
// take part in its Match user and token evaluation as with "ssh -l".
type layer struct {
	alias    string
	user     string
	port     int
	hostName string // OVRD_<alias>_HOST
	keys     []string
	sources  map[string]string
	strict   string // our config's default StrictHostKeyChecking
}

func layerInput(alias string, req Request, ov overrides, hc hostMatch) layer {
	in := layer{alias: alias, sources: map[string]string{}}
	in.user, in.sources["User"] = firstString(req.Username, "request", ov.User, ov.src("USER"), hc.User, hc.src("user"))
	switch {
	case req.Port != 0:
		in.port, in.sources["Port"] = req.Port, "request"
	case ov.Port != 0:
		in.port, in.sources["Port"] = ov.Port, ov.src("PORT")
	}
	if ov.Host != "" {
		in.hostName, in.sources["HostName"] = ov.Host, ov.src("HOST")
	}
	if req.KeyFilename != "" {
		in.keys = append(in.keys, req.KeyFilename)
		in.sources["IdentityFile"] = "request"
	}
	if ov.Key != "" {
		in.keys = append(in.keys, ov.Key)
		if in.sources["IdentityFile"] == "" {
			in.sources["IdentityFile"] = ov.src("KEY")
		}
	}
	for k, v := range in.sources {
		if v == "default" {
			delete(in.sources, k)
		}
	}
	return in
}

// checkKeyFile refuses a key file the caller named that cannot be read.
// OpenSSH skips a missing identity file silently, which suits the default
// list; a file the caller named is meant to be used, and when another key
// logged in instead nobody would learn that theirs was never tried.
func (r *Resolver) checkKeyFile(req Request) error {
	if req.KeyFilename == "" {
		return nil
	}
	path := expandTilde(req.KeyFilename, r.home)
	fi, err := os.Stat(path)
	msg := ""
	switch {
	case errors.Is(err, os.ErrNotExist):
		msg = fmt.Sprintf("%s does not exist", path)
	case err != nil:
		msg = fmt.Sprintf("%s cannot be read: %v", path, err)
	case fi.IsDir():
		msg = fmt.Sprintf("%s is a directory", path)
	default:
		return nil
	}
	return &ResolveError{Alias: req.Host, Setting: "key_filename", Msg: msg,
		Hint: "give the path of a private key file on the machine this server runs on (~ is expanded), or leave key_filename out to use the keys from ~/.ssh/config"}
}
