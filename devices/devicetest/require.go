package devicetest

import (
	"os"
	"testing"
)

// RequireAllEnv is the environment variable that turns every "unavailable
// here" skip into a failure. CI sets it to 1 so that a missing sshd, shell
// or root privilege cannot pass unnoticed.
const RequireAllEnv = "MCPSSH_REQUIRE_ALL"

// RequireAll reports whether RequireAllEnv is set to "1".
func RequireAll() bool {
	return os.Getenv(RequireAllEnv) == "1"
}

// Require does nothing when ok is true. Otherwise it skips the test with
// reason, or fails it (Fatal) when RequireAll reports true. The reason
// should say what is missing and how to provide it, for example
// "sshd not found: install openssh-server".
func Require(t testing.TB, ok bool, reason string) {
	t.Helper()
	if ok {
		return
	}
	if RequireAll() {
		t.Fatalf("required by %s=1 but unavailable: %s", RequireAllEnv, reason)
	}
	t.Skipf("unavailable here: %s (set %s=1 to make this a failure)", reason, RequireAllEnv)
}
