package hosts_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/hosts"
)

// A Resolver answers what OpenSSH would dial for an alias, with our config
// file's profile and secret references layered on top.
func ExampleResolver_Resolve() {
	home, err := os.MkdirTemp("", "example-home")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(home)
	sshConfig := filepath.Join(home, "ssh_config")
	ourConfig := filepath.Join(home, "config.yaml")
	os.WriteFile(sshConfig, []byte(`Host core-1
  HostName 127.0.0.21
  User admin
  ProxyJump bastion
Host bastion
  HostName 127.0.0.20
  Port 2222
`), 0o600)
	os.WriteFile(ourConfig, []byte(`hosts:
  - match: core-*
    profile: cisco_ios
    enable_secret: {env: LAB_ENABLE}
`), 0o600)

	r, err := hosts.NewResolver(hosts.ResolverOptions{
		SSHConfigPath: sshConfig,
		ConfigPath:    ourConfig,
		Home:          home,
		SSHBinary:     "none", // the library fallback: the same answer as ssh -G, without the binary
		Env: func(name string) (string, bool) {
			return map[string]string{"LAB_ENABLE": "example-only"}[name], name == "LAB_ENABLE"
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t, err := r.Resolve(ctx, hosts.Request{Host: "core-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Key(), "profile", t.Profile)
	fmt.Println("via", t.ProxyJump[0].HostName, "port", t.ProxyJump[0].Port)
	fmt.Println("host keys:", t.StrictHostKeyChecking, "enable secret known:", t.Secrets.Enable != "")
	// Output:
	// admin@127.0.0.21:22 profile cisco_ios
	// via 127.0.0.20 port 2222
	// host keys: accept-new enable secret known: true
}
