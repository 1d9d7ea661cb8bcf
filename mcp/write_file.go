package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

type writeArgs struct {
	connArgs
	RemotePath   string          `json:"remote_path"`
	Content      string          `json:"content"`
	Encoding     string          `json:"encoding"`
	Append       bool            `json:"append"`
	MakeDirs     bool            `json:"make_dirs"`
	Permissions  json.RawMessage `json:"permissions"`
	MaxBytes     *int64          `json:"max_bytes"`
	UseSudo      bool            `json:"use_sudo"`
	SudoPassword string          `json:"sudo_password"`
}

type writeResult struct {
	Path         string `json:"path"`
	BytesWritten int64  `json:"bytes_written"`
	Appended     bool   `json:"appended"`
	ViaSudo      bool   `json:"via_sudo"`
}

func writeFile(d *deps) mcpserver.ServerTool {
	const name = "write_file"
	tool := newTool(name,
		[]mcpgo.ToolOption{mcpgo.WithDescription(fmt.Sprintf("Write a file on a host over SFTP (~ is expanded), at most %d bytes. A replace is atomic (temporary file, then rename) and keeps an existing file's mode and owner; "+
			"a failed write leaves the old file intact. With use_sudo or sudo_password the file is moved into place with sudo; the content never travels on a command line.", d.capOr()))},
		connParams(),
		[]mcpgo.ToolOption{
			mcpgo.WithString("remote_path", mcpgo.Required(), mcpgo.Description("Path of the file on the host.")),
			mcpgo.WithString("content", mcpgo.Required(), mcpgo.Description("What to write: text, or base64 with encoding=base64.")),
			mcpgo.WithString("encoding", mcpgo.Enum(encUTF8, encBase64), mcpgo.Description("utf-8 (default) or base64 for binary content.")),
			mcpgo.WithBoolean("append", mcpgo.Description("Append instead of replacing; default false.")),
			mcpgo.WithBoolean("make_dirs", mcpgo.Description("Create missing parent directories; default false.")),
			mcpgo.WithAny("permissions", func(m map[string]any) {
				m["type"] = []string{"integer", "string"}
				m["description"] = "Mode of the file: a decimal number as in the Python version (420 is 0644) or an octal string such as \"0644\". Default: keep the existing mode, 0644 for a new file."
			}),
			mcpgo.WithInteger("max_bytes", mcpgo.Min(1), mcpgo.Description(fmt.Sprintf("Refuse content longer than this; default and cap %d.", d.capOr()))),
			mcpgo.WithBoolean("use_sudo", mcpgo.Description("Write through sudo from the start (suits sudo rules without a password).")),
			mcpgo.WithString("sudo_password", mcpgo.Description("sudo password of the login user: a write refused for permission is retried through sudo with it. Never shown or logged.")),
			mcpgo.WithOutputSchema[writeResult](),
		},
		destructiveHints("Write a file", notIdempotent),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a writeArgs
		if err := bind(req, &a, "host", "remote_path", "content"); err != nil {
			return badArgs(name, err), nil
		}
		data, opts, err := d.checkWrite(a)
		if err != nil {
			return badArgs(name, err), nil
		}
		res, err := d.m.WriteFile(ctx, a.request(), a.RemotePath, data, opts)
		if err != nil {
			return hostFailure(name, a.Host, "writing "+a.RemotePath, err), nil
		}
		d.log.Info("file written", "host", a.Host, "path", a.RemotePath, "bytes", res.Written, "append", a.Append, "sudo", res.ViaSudo)
		r := writeResult{Path: a.RemotePath, BytesWritten: res.Written, Appended: a.Append, ViaSudo: res.ViaSudo}
		verb := "Wrote"
		if a.Append {
			verb = "Appended"
		}
		return textResult(fmt.Sprintf("%s %d bytes to %s on %s.", verb, res.Written, a.RemotePath, a.Host), r), nil
	}}
}

// checkWrite validates the arguments and decodes the content.
func (d *deps) checkWrite(a writeArgs) ([]byte, devices.WriteOptions, error) {
	var opts devices.WriteOptions
	if err := a.check(); err != nil {
		return nil, opts, err
	}
	if strings.TrimSpace(a.RemotePath) == "" {
		return nil, opts, &argError{field: "remote_path", msg: "is empty: give the path of a file"}
	}
	enc, err := normEncoding(a.Encoding)
	if err != nil {
		return nil, opts, err
	}
	limit := d.fileCap
	if a.MaxBytes != nil {
		if *a.MaxBytes < 1 {
			return nil, opts, &argError{field: "max_bytes", msg: fmt.Sprintf("is %d: give 1 or more", *a.MaxBytes)}
		}
		limit = min(*a.MaxBytes, d.fileCap)
	}
	data, err := decodeContent(a.Content, enc)
	if err != nil {
		return nil, opts, err
	}
	if int64(len(data)) > limit {
		return nil, opts, &argError{field: "content", msg: fmt.Sprintf("is %d bytes, more than the limit of %d: write the file in parts with append=true", len(data), limit)}
	}
	mode, modeSet, err := parseMode(a.Permissions)
	if err != nil {
		return nil, opts, err
	}
	opts = devices.WriteOptions{
		Append:       a.Append,
		MakeDirs:     a.MakeDirs,
		Mode:         mode,
		ModeSet:      modeSet,
		MaxBytes:     limit,
		SudoPassword: a.SudoPassword,
		UseSudo:      a.UseSudo,
	}
	return data, opts, nil
}
