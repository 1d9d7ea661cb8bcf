package devicetest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestNewKeyPairUnencrypted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kp := NewKeyPair(t, dir, "")
	pem, err := os.ReadFile(kp.Path)
	if err != nil {
		t.Fatalf("read %s: %v", kp.Path, err)
	}
	signer, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		t.Fatalf("parse %s: %v", kp.Path, err)
	}
	if !bytes.Equal(signer.PublicKey().Marshal(), kp.Public.Marshal()) ||
		!bytes.Equal(kp.Signer.PublicKey().Marshal(), kp.Public.Marshal()) {
		t.Errorf("private file, Signer and Public disagree")
	}
	if fi, err := os.Stat(kp.Path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode of %s = %v (%v), want 0600", kp.Path, fi.Mode().Perm(), err)
	}
	pubLine, err := os.ReadFile(kp.PublicPath)
	if err != nil {
		t.Fatalf("read %s: %v", kp.PublicPath, err)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(pubLine)
	if err != nil || !bytes.Equal(pub.Marshal(), kp.Public.Marshal()) {
		t.Errorf("public file %q does not hold Public (%v)", pubLine, err)
	}
	if strings.TrimSpace(string(pubLine)) != kp.AuthorizedLine {
		t.Errorf("public file %q, AuthorizedLine %q", pubLine, kp.AuthorizedLine)
	}
	other := NewKeyPair(t, dir, "")
	if other.Path == kp.Path || bytes.Equal(other.Public.Marshal(), kp.Public.Marshal()) {
		t.Errorf("two key pairs share a path or a key: %q", other.Path)
	}
}

func TestNewKeyPairEncrypted(t *testing.T) {
	t.Parallel()
	kp := NewKeyPair(t, t.TempDir(), "correct horse")
	pem, err := os.ReadFile(kp.Path)
	if err != nil {
		t.Fatalf("read %s: %v", kp.Path, err)
	}
	var missing *ssh.PassphraseMissingError
	if _, err := ssh.ParsePrivateKey(pem); !errors.As(err, &missing) {
		t.Errorf("parse without passphrase: %v, want PassphraseMissingError", err)
	}
	if _, err := ssh.ParsePrivateKeyWithPassphrase(pem, []byte("wrong")); err == nil {
		t.Errorf("parse with a wrong passphrase succeeded")
	}
	signer, err := ssh.ParsePrivateKeyWithPassphrase(pem, []byte("correct horse"))
	if err != nil {
		t.Fatalf("parse with the passphrase: %v", err)
	}
	if !bytes.Equal(signer.PublicKey().Marshal(), kp.Public.Marshal()) {
		t.Errorf("decrypted key differs from Public")
	}
	if kp.Passphrase != "correct horse" {
		t.Errorf("Passphrase = %q", kp.Passphrase)
	}
}

// TestNewKeyPairReadByOpenSSH checks that OpenSSH's own tools accept the
// file, not only x/crypto.
func TestNewKeyPairReadByOpenSSH(t *testing.T) {
	t.Parallel()
	keygen, err := exec.LookPath("ssh-keygen")
	Require(t, err == nil, "ssh-keygen not found: apt-get install openssh-client")
	kp := NewKeyPair(t, t.TempDir(), "")
	out, err := exec.Command(keygen, "-y", "-f", kp.Path).Output()
	if err != nil {
		t.Fatalf("ssh-keygen -y -f %s: %v", kp.Path, err)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey(out)
	if err != nil || !bytes.Equal(pub.Marshal(), kp.Public.Marshal()) {
		t.Errorf("ssh-keygen derived %q, want %q (%v)", out, kp.AuthorizedLine, err)
	}
}
