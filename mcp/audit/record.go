package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Events of a Record.
const (
	// EventCall is written before a tool runs: what was asked, by whom.
	EventCall = "call"
	// EventResult is written when a tool call returns: its outcome.
	EventResult = "result"
	// EventCommandEnd is written when a command finishes: how it ended
	// and a hash of its whole output.
	EventCommandEnd = "command_end"
)

// Outcomes of an EventResult record.
const (
	OutcomeOK    = "ok"
	OutcomeError = "error" // the tool returned an error result
)

// Policy decisions. PolicyAllow is that of a call the host's policy let
// run. A call the policy refused has "deny" in the record of its result,
// or "ask" when it needed a person's approval it did not get; PolicyAsk
// with ApprovedBy set is a call a person approved.
const (
	PolicyAllow = "allow"
	PolicyAsk   = "ask"
)

// Record is one line of the log. Log.Write fills Time, Seq and Prev and
// appends the hash; the caller fills the rest. A zero field is left out of
// the line, except Policy and ApprovedBy, which every line carries. New
// fields go at the end so that older lines keep their meaning.
type Record struct {
	Time  string `json:"time"` // RFC 3339, UTC, milliseconds
	Seq   uint64 `json:"seq"`  // 1 for the first record ever, continuing across restarts
	Prev  string `json:"prev"` // hex SHA-256 of the previous line
	Event string `json:"event"`

	ClientName    string `json:"client_name,omitempty"` // the MCP client's clientInfo
	ClientVersion string `json:"client_version,omitempty"`
	Tool          string `json:"tool,omitempty"`
	Host          string `json:"host,omitempty"`   // the host as the client named it
	Target        string `json:"target,omitempty"` // user@host:port once known
	Session       string `json:"session,omitempty"`
	Command       string `json:"command,omitempty"` // command text as given
	Path          string `json:"path,omitempty"`    // remote file of read_file and write_file
	CommandID     string `json:"command_id,omitempty"`
	// CallSeq links a result to its call, and a command's end to the call
	// that started it: the seq of that call's record; 0 when it has none.
	CallSeq uint64 `json:"call_seq,omitempty"`

	Outcome      string `json:"outcome,omitempty"` // OutcomeOK or OutcomeError
	Error        string `json:"error,omitempty"`   // first line of an error result
	Status       string `json:"status,omitempty"`
	ExitCode     *int   `json:"exit_code,omitempty"`
	DurationMS   *int64 `json:"duration_ms,omitempty"`
	OutputBytes  *int64 `json:"output_bytes,omitempty"`
	OutputSHA256 string `json:"output_sha256,omitempty"`

	Policy     string `json:"policy"`      // the decision that let the call run
	ApprovedBy string `json:"approved_by"` // who approved it; "" when nobody had to
}

// zeroHash is prev of a file's first line.
var zeroHash = string(bytes.Repeat([]byte("0"), 2*sha256.Size))

// hashKey is how every line ends, before the 64 hex digits and `"}`.
const hashKey = `,"hash":"`

// timeLayout is RFC 3339 in UTC with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// encode returns r as one line without its newline: its JSON with the hash
// of that JSON added as the last field.
func encode(r Record) ([]byte, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("audit: encode record %d: %w", r.Seq, err)
	}
	sum := sha256.Sum256(body)
	line := make([]byte, 0, len(body)+len(hashKey)+2*sha256.Size+2)
	line = append(line, body[:len(body)-1]...)
	line = append(line, hashKey...)
	line = hex.AppendEncode(line, sum[:])
	return append(line, `"}`...), nil
}

// lineHash is the hex SHA-256 of a whole line, what the next line's prev
// holds.
func lineHash(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// header is the part of a line that chains it.
type header struct {
	Seq  *uint64 `json:"seq"`
	Prev *string `json:"prev"`
}

// check reads a line's own hash and its chain fields, and says what is
// wrong with it, if anything. It does not compare them with other lines.
func check(line []byte) (header, error) {
	var h header
	n := len(line) - len(hashKey) - 2*sha256.Size - 2
	if n < 2 || !bytes.Equal(line[n:n+len(hashKey)], []byte(hashKey)) || !bytes.HasSuffix(line, []byte(`"}`)) {
		return h, fmt.Errorf("does not end with its hash field")
	}
	body := append(line[:n:n], '}')
	if sum := sha256.Sum256(body); string(line[n+len(hashKey):len(line)-2]) != hex.EncodeToString(sum[:]) {
		return h, fmt.Errorf("its content does not match its hash: the line was changed")
	}
	if !json.Valid(line) {
		return h, fmt.Errorf("is not valid JSON")
	}
	if err := json.Unmarshal(body, &h); err != nil || h.Seq == nil || h.Prev == nil {
		return h, fmt.Errorf("has no seq or prev field")
	}
	return h, nil
}

// timeText is t as Record.Time writes it.
func timeText(t time.Time) string { return t.UTC().Format(timeLayout) }
