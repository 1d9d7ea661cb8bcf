module github.com/mcp-ssh-session/mcp-ssh-session

go 1.26.0

require golang.org/x/crypto v0.58.0

require (
	github.com/kevinburke/ssh_config v1.6.0 // indirect
	github.com/kr/fs v0.1.0 // indirect
	github.com/mark3labs/mcp-go v1.2.1 // indirect
	github.com/pkg/sftp v1.13.12 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
