package mcp

import (
	"context"
	"fmt"
	"strings"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/mcp-ssh-session/mcp-ssh-session/devices"
)

type readArgs struct {
	connArgs
	RemotePath   string `json:"remote_path"`
	MaxBytes     *int64 `json:"max_bytes"`
	Encoding     string `json:"encoding"`
	Errors       string `json:"errors"`
	UseSudo      bool   `json:"use_sudo"`
	SudoPassword string `json:"sudo_password"`
}

type readResult struct {
	Path      string `json:"path"`
	Content   string `json:"content" jsonschema:"the file's bytes as UTF-8 text or base64, per encoding"`
	Encoding  string `json:"encoding"`
	Size      int64  `json:"size" jsonschema:"the file's total size in bytes"`
	BytesRead int    `json:"bytes_read"`
	Truncated bool   `json:"truncated" jsonschema:"only the first bytes_read bytes were read"`
	ViaSudo   bool   `json:"via_sudo"`
}

func readFile(d *deps) mcpserver.ServerTool {
	const name = "read_file"
	tool := newTool(name,
		[]mcpgo.ToolOption{mcpgo.WithDescription(fmt.Sprintf("Read a file on a host over SFTP (~ expanded): text as UTF-8 (default), binary with encoding=base64; at most %d bytes, with the total size when longer. "+
			"With use_sudo or sudo_password an unreadable file is read through sudo."+asInExecuteCommand, d.capOr()))},
		connParams(describedInExecute),
		[]mcpgo.ToolOption{
			mcpgo.WithString("remote_path", mcpgo.Required()),
			mcpgo.WithInteger("max_bytes", mcpgo.Min(1), mcpgo.Max(d.capOr()), mcpgo.Description("Default: the maximum.")),
			mcpgo.WithString("encoding", mcpgo.Enum(encUTF8, encBase64)),
			mcpgo.WithString("errors", mcpgo.Enum("replace", "ignore", "strict"), mcpgo.Description("For bytes that are not UTF-8, as in Python; default replace.")),
			mcpgo.WithBoolean("use_sudo", mcpgo.Description("Read through sudo at once (sudo rules without a password).")),
			mcpgo.WithString("sudo_password", mcpgo.Description("The login user's sudo password: a read refused for permission is retried through sudo. Never shown or logged.")),
			mcpgo.WithOutputSchema[readResult](),
		},
		readOnlyHints("Read a file", remote),
	)
	return mcpserver.ServerTool{Tool: tool, Handler: func(ctx context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
		var a readArgs
		if err := bind(req, &a, "host", "remote_path"); err != nil {
			return badArgs(name, err), nil
		}
		enc, max, err := d.checkRead(a)
		if err != nil {
			return badArgs(name, err), nil
		}
		res, err := d.m.ReadFile(ctx, a.request(), a.RemotePath, devices.ReadOptions{MaxBytes: max, SudoPassword: a.SudoPassword, UseSudo: a.UseSudo})
		if err != nil {
			return hostFailure(ctx, name, a.Host, "reading "+a.RemotePath, err), nil
		}
		data := res.Data
		if res.Truncated && enc == encUTF8 {
			data = data[:len(data)-incompleteTail(string(data))]
		}
		content, err := encodeContent(data, enc, a.Errors)
		if err != nil {
			return failure(fmt.Sprintf("%s: %s on %q is not text", name, a.RemotePath, a.Host), err.Error(),
				"read it with encoding=base64, or with errors=replace"), nil
		}
		r := readResult{Path: a.RemotePath, Content: content, Encoding: enc, Size: res.Size,
			BytesRead: len(data), Truncated: res.Truncated, ViaSudo: res.ViaSudo}
		d.log.Info("file read", "host", a.Host, "path", a.RemotePath, "bytes", len(data), "sudo", res.ViaSudo)
		return textResult(r.text(), r), nil
	}}
}

func (d *deps) capOr() int64 {
	if d == nil {
		return DefaultFileCap
	}
	return d.fileCap
}

func (d *deps) checkRead(a readArgs) (enc string, max int64, err error) {
	if err := a.check(); err != nil {
		return "", 0, err
	}
	if strings.TrimSpace(a.RemotePath) == "" {
		return "", 0, &argError{field: "remote_path", msg: "is empty: give the path of a file"}
	}
	if enc, err = normEncoding(a.Encoding); err != nil {
		return "", 0, err
	}
	if err := checkErrorsMode(a.Errors); err != nil {
		return "", 0, err
	}
	max = d.fileCap
	if a.MaxBytes != nil {
		if *a.MaxBytes < 1 {
			return "", 0, &argError{field: "max_bytes", msg: fmt.Sprintf("is %d: give 1 or more", *a.MaxBytes)}
		}
		max = min(*a.MaxBytes, d.fileCap)
	}
	return enc, max, nil
}

func (r readResult) text() string {
	var b strings.Builder
	if r.Truncated {
		fmt.Fprintf(&b, "[Truncated: showing the first %d of %d bytes of %s; the rest is not shown]\n", r.BytesRead, r.Size, r.Path)
	}
	b.WriteString(r.Content)
	return b.String()
}
