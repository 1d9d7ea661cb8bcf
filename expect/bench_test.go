package expect

import (
	"bufio"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// deviceOutput is size bytes of output as a device sends it: CR LF line
// ends, colors, a pager erased now and then.
func deviceOutput(size int) []byte {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		b.WriteString("Gi0/")
		b.WriteString(strings.Repeat("1", i%7+1))
		b.WriteString("  \x1b[32mup\x1b[0m   up   10.0.0.1   ")
		b.WriteString(strings.Repeat("x", 40))
		b.WriteString("\r\n")
		if i%500 == 499 {
			b.WriteString(iosMore)
		}
	}
	return []byte(b.String())
}

func BenchmarkNormalize(b *testing.B) {
	raw := deviceOutput(1 << 20)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		n := newNormalizer(8192, 0)
		for p := raw; len(p) > 0; {
			k := min(len(p), readBuf)
			n.write(p[:k])
			n.out = n.out[:0]
			p = p[k:]
		}
	}
}

// BenchmarkExpectLargeOutput pushes 10 MiB through Expect with a 1 MiB
// capture and reports the heap still in use while the expecter and its
// capture are alive: it must stay near the capture's size, not the
// output's.
func BenchmarkExpectLargeOutput(b *testing.B) {
	raw := append(deviceOutput(10<<20), "R1#"...)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	var ms runtime.MemStats
	var retained uint64
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		pr, pw := io.Pipe()
		e := New(pr, io.Discard, Options{})
		go func() {
			for p := raw; len(p) > 0; {
				k := min(len(p), readBuf)
				if _, err := pw.Write(p[:k]); err != nil {
					return
				}
				p = p[k:]
			}
		}()
		out := NewOutput(1 << 20)
		if _, err := e.Expect(testCtx(b), []Pattern{iosPrompt}, ExpectOptions{Timeout: time.Minute, Capture: out}); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		retained = max(retained, ms.HeapInuse-min(base, ms.HeapInuse))
		runtime.KeepAlive(out)
		pw.Close()
		e.Close()
	}
	b.ReportMetric(float64(retained), "retained-heap-B")
}

// BenchmarkSendExpect is one short command round trip over pipes: send,
// echo removed, output captured, prompt matched.
func BenchmarkSendExpect(b *testing.B) {
	toRemote, fromExpecter := io.Pipe()
	fromRemote, toExpecter := io.Pipe()
	go func() {
		in := bufio.NewReader(toRemote)
		for {
			line, err := in.ReadString('\n')
			if err != nil {
				return
			}
			io.WriteString(toExpecter, strings.TrimSuffix(line, "\n")+"\r\nok\r\nR1#")
		}
	}()
	e := New(fromRemote, fromExpecter, Options{})
	b.Cleanup(func() { toExpecter.Close(); e.Close() })
	ctx := testCtx(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := e.Send(ctx, "true\n"); err != nil {
			b.Fatal(err)
		}
		out := NewOutput(0)
		if _, err := e.Expect(ctx, []Pattern{iosPrompt}, ExpectOptions{Timeout: 10 * time.Second, Capture: out, Echo: "true"}); err != nil {
			b.Fatal(err)
		}
	}
}
