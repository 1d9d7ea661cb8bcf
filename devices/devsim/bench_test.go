package devsim

import (
	"testing"
)

// BenchmarkSimRoundTrip measures one short command on a warm simulated
// IOS shell: the simulator's own cost plus loopback SSH.
func BenchmarkSimRoundTrip(b *testing.B) {
	d := StartDevice(b, Options{Platform: "ios", LoginPrivileged: true, Logf: func(string, ...any) {}})
	term := dialTerm(b, d)
	term.expect("R1#")
	for b.Loop() {
		term.send("show clock\r")
		term.expect("1993\r\nR1#")
	}
}

// BenchmarkSimShowLogging measures the 30,000-line log with the pager
// off.
func BenchmarkSimShowLogging(b *testing.B) {
	d := StartDevice(b, Options{Platform: "ios", LoginPrivileged: true, Logf: func(string, ...any) {}})
	term := dialTerm(b, d)
	term.expect("R1#")
	term.send("terminal length 0\r")
	term.expect("0\r\nR1#")
	for b.Loop() {
		term.send("show logging\r")
		term.expect("\r\nR1#")
	}
}
