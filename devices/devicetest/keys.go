package devicetest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// KeyPair is a generated ed25519 key written as OpenSSH files.
type KeyPair struct {
	Path           string        // private key file, OpenSSH format, mode 0600
	PublicPath     string        // Path + ".pub", one authorized_keys line
	Signer         ssh.Signer    // the unencrypted signer, whatever the file's encryption
	Public         ssh.PublicKey // Signer.PublicKey()
	AuthorizedLine string        // "ssh-ed25519 AAAA... comment" without a newline
	Passphrase     string        // the file's passphrase; "" means the file is not encrypted
}

var keySeq atomic.Int64

// NewKeyPair generates an ed25519 key and writes it under dir as
// id_ed25519_N and id_ed25519_N.pub (N unique within the process). A
// passphrase of "" writes an unencrypted key; otherwise the private file is
// encrypted with it (bcrypt KDF, as ssh-keygen does). Failures are fatal.
// Safe for concurrent use.
func NewKeyPair(t testing.TB, dir string, passphrase string) KeyPair {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generate ed25519 key: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("signer from ed25519 key: %v", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatalf("ssh public key: %v", err)
	}
	name := "id_ed25519_" + strconv.FormatInt(keySeq.Add(1), 10)
	comment := "mcp-ssh-session-test-" + name
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, comment)
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, comment, []byte(passphrase))
	}
	if err != nil {
		t.Fatalf("marshal private key: %v", err)
	}
	kp := KeyPair{
		Path:           filepath.Join(dir, name),
		Signer:         signer,
		Public:         sshPub,
		AuthorizedLine: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))) + " " + comment,
		Passphrase:     passphrase,
	}
	kp.PublicPath = kp.Path + ".pub"
	if err := os.WriteFile(kp.Path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatalf("write private key: %v", err)
	}
	if err := os.WriteFile(kp.PublicPath, []byte(kp.AuthorizedLine+"\n"), 0o644); err != nil {
		t.Fatalf("write public key: %v", err)
	}
	return kp
}

// writeHostKey generates an ed25519 host key, writes its private half to
// path (0600, unencrypted: sshd reads it without a passphrase) and returns
// its public half.
func writeHostKey(t testing.TB, path string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generate host key: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "mcp-ssh-session-test-host")
	if err != nil {
		t.Fatalf("marshal host key: %v", err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatalf("write host key: %v", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatalf("host public key: %v", err)
	}
	return sshPub
}

// writeKnownHosts writes a known_hosts file with one plain (not hashed)
// line for addr, in the "[host]:port" form OpenSSH uses for other ports
// than 22.
func writeKnownHosts(t testing.TB, path, addr string, key ssh.PublicKey) {
	t.Helper()
	line := knownhosts.Line([]string{knownhosts.Normalize(addr)}, key)
	if err := os.WriteFile(path, []byte(line+"\n"), 0o644); err != nil {
		t.Fatalf("write known_hosts: %v", err)
	}
}
