package profiles_test

import (
	"fmt"

	"github.com/mcp-ssh-session/mcp-ssh-session/profiles"
)

func ExampleLoad() {
	set, errs := profiles.Load("") // "" = only the embedded profiles
	for _, err := range errs {
		fmt.Println("profile problem:", err)
	}
	ios, _ := set.Profile("cisco_ios")
	exec, _ := ios.Mode("exec")
	prompt, _ := exec.PromptFor("R1") // pinned to the hostname seen at login

	fmt.Println(prompt.Regexp.MatchString("Router uptime is 3 weeks\nR1>"))
	fmt.Println(prompt.Regexp.MatchString("R2>"))

	path, _ := ios.Path("exec", "configuration")
	for _, t := range path {
		fmt.Printf("to %s: send %q\n", t.To, t.Steps[0].Send)
	}
	fmt.Println(set.Detect("lab-r1", "127.0.0.1", "--- JUNOS 21.4R3.15 built 2023-02-01\nadmin@r1> "))
	// Output:
	// true
	// false
	// to privileged: send "{{enable_command}}\n"
	// to configuration: send "configure terminal\n"
	// junos
}
