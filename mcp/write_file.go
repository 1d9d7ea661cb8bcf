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
		[]mcpgo.ToolOption{mcpgo.WithDescription(fmt.Sprintf("Write a file on a host over SFTP (~ expanded), at most %d bytes: atomically (temporary file, rename), keeping the old file's mode and owner; "+
			"a failed write leaves the old file. With use_sudo or sudo_password it is moved into place with sudo; content never goes on a command line."+asInExecuteCommand, d.capOr()))},
		connParams(describedInExecute),
		[]mcpgo.ToolOption{
			mcpgo.WithString("remote_path", mcpgo.Required()),
			mcpgo.WithString("content", mcpgo.Required(), mcpgo.Description("Text, or base64 with encoding=base64.")),
			mcpgo.WithString("encoding", mcpgo.Enum(encUTF8, encBase64)),
			mcpgo.WithBoolean("append"),
			mcpgo.WithBoolean("make_dirs", mcpgo.Description("Create missing parent directories.")),
			mcpgo.WithString("permissions", mcpgo.Pattern(`^(0[oO]?)?[0-7]{1,4}$`),
				mcpgo.Description("Octal mode such as \"0755\" (decimal 420 is read as 0644). Default: the existing mode, or 0644.")),
			mcpgo.WithInteger("max_bytes", mcpgo.Min(1), mcpgo.Max(d.capOr()), mcpgo.Description("Refuse longer content; default: the maximum.")),
			mcpgo.WithBoolean("use_sudo", mcpgo.Description("Write through sudo at once (sudo rules without a password).")),
			mcpgo.WithString("sudo_password", mcpgo.Description("The login user's sudo password: a write refused for permission is retried through sudo. Never shown or logged.")),
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
			return hostFailure(ctx, name, a.Host, "writing "+a.RemotePath, err), nil
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
