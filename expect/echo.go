package expect

import "strings"

// echoResult says what findEcho saw.
type echoResult int

const (
	echoNone    echoResult = iota // the text holds no start of the echo
	echoPartial                   // the text ends in what may become the echo
	echoFound
)

// canonicalEcho turns the text that was sent into the text its echo
// normalizes to: escapes and control keys applied, no final newline.
func canonicalEcho(sent string) string {
	return strings.TrimRight(Normalize([]byte(sent)), "\n ")
}

// findEcho looks for the first occurrence of echo in text, tolerating what
// terminals insert into an echoed line: a line break at any column (with
// blanks before it, as a wrapped and padded line shows). It returns the
// occurrence's bounds when found.
func findEcho(text, echo string) (start, end int, res echoResult) {
	if echo == "" {
		return 0, 0, echoFound
	}
	res = echoNone
	for p := 0; p < len(text); p++ {
		at := strings.IndexByte(text[p:], echo[0])
		if at < 0 {
			break
		}
		p += at
		q, r := echoAt(text, echo, p)
		switch r {
		case echoFound:
			return p, q, echoFound
		case echoPartial:
			res = echoPartial
		}
	}
	return 0, 0, res
}

// echoAt matches echo against text from position p.
func echoAt(text, echo string, p int) (end int, res echoResult) {
	i, j := p, 0
	for j < len(echo) {
		if i == len(text) {
			return i, echoPartial
		}
		if text[i] == echo[j] {
			i++
			j++
			continue
		}
		if j == 0 {
			return 0, echoNone
		}
		k := i
		for k < len(text) && text[k] == ' ' {
			k++
		}
		switch {
		case k == len(text):
			return k, echoPartial
		case text[k] == '\n':
			i = k + 1
		default:
			return 0, echoNone
		}
	}
	return i, echoFound
}

// echoTailEnd returns how much of s (the text right after an echo) is the
// echo line's padding and line end: blanks up to and including a newline.
// done is false while s is all blanks, since a newline may still follow.
func echoTailEnd(s string) (n int, done bool) {
	k := 0
	for k < len(s) && s[k] == ' ' {
		k++
	}
	switch {
	case k == len(s):
		return 0, false
	case s[k] == '\n':
		return k + 1, true
	default:
		return 0, true
	}
}
