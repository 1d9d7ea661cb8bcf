package devsim_test

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices/devsim"
)

// A simulated router outside a test: serve it on loopback, run one
// command through an SSH exec request, stop it.
func ExampleNewServer() {
	opts := devsim.Options{Platform: "ios", Hostname: "lab-r1", Password: "example-pw"}
	srv, err := devsim.NewServer(opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	ln, err := devsim.Listen(opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() {
		stop()
		<-done
	}()

	client, err := ssh.Dial("tcp", ln.Addr().String(), &ssh.ClientConfig{
		User:            "admin",
		Auth:            []ssh.AuthMethod{ssh.Password("example-pw")},
		HostKeyCallback: ssh.FixedHostKey(srv.HostKey()),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := sess.Output("show running-config | include hostname")
	fmt.Printf("%s(err %v)\n", strings.ReplaceAll(string(out), "\r\n", "\n"), err)
	// Output:
	// hostname lab-r1
	// (err <nil>)
}
