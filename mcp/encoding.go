package mcp

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"
)

// File content travels as text in JSON, so binary files go as base64 and
// text files as UTF-8, with Python's choices for bytes that are not UTF-8.
const (
	encUTF8   = "utf-8"
	encBase64 = "base64"
)

// normEncoding accepts the spellings agents use for the two encodings.
func normEncoding(s string) (string, error) {
	switch strings.ToLower(strings.ReplaceAll(s, "_", "-")) {
	case "", "utf-8", "utf8":
		return encUTF8, nil
	case "base64":
		return encBase64, nil
	}
	return "", &argError{field: "encoding", msg: fmt.Sprintf("is %q: use \"utf-8\" for text or \"base64\" for binary content", s)}
}

// decodeText turns file bytes into UTF-8 text the way Python's
// bytes.decode("utf-8", errors) does: "replace" puts U+FFFD for each bad
// byte, "ignore" drops it, "strict" fails.
func decodeText(data []byte, errorsMode string) (string, error) {
	if utf8.Valid(data) {
		return string(data), nil
	}
	var b strings.Builder
	b.Grow(len(data))
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			switch errorsMode {
			case "strict":
				return "", fmt.Errorf("the file is not valid UTF-8: byte 0x%02x at offset %d", data[i], i)
			case "replace", "":
				b.WriteRune(utf8.RuneError)
			}
			i++
			continue
		}
		b.Write(data[i : i+size])
		i += size
	}
	return b.String(), nil
}

func checkErrorsMode(s string) error {
	switch s {
	case "", "replace", "strict", "ignore":
		return nil
	}
	return &argError{field: "errors", msg: fmt.Sprintf("is %q: use \"replace\", \"ignore\" or \"strict\"", s)}
}

// encodeContent turns file bytes into the content field of read_file.
func encodeContent(data []byte, enc, errorsMode string) (string, error) {
	if enc == encBase64 {
		return base64.StdEncoding.EncodeToString(data), nil
	}
	return decodeText(data, errorsMode)
}

// decodeContent turns write_file's content into the bytes to write.
func decodeContent(content, enc string) ([]byte, error) {
	if enc != encBase64 {
		return []byte(content), nil
	}
	data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(content))
	if err != nil {
		return nil, &argError{field: "content", msg: fmt.Sprintf("is not valid base64 (%v): encode the bytes with standard base64, with padding", err)}
	}
	return data, nil
}
