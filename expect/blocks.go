package expect

// outputBlock is the size of an Output's storage blocks. A variable so that
// tests can exercise block boundaries with small outputs.
var outputBlock = 64 << 10

// blocks is a byte store made of fixed-size blocks. Growing it never copies
// what it holds and never allocates much more than it needs, so a command
// printing megabytes costs its output's size in memory, not the two or
// three times that a doubling slice briefly holds. Every block but the last
// is full. The first block grows by doubling up to the block size, so that
// the many small outputs stay small; later ones are allocated whole.
type blocks struct {
	b [][]byte
	n int
}

func (s *blocks) len() int { return s.n }

// append adds p at the end.
func (s *blocks) append(p []byte) {
	for len(p) > 0 {
		last := len(s.b) - 1
		if last < 0 || len(s.b[last]) == outputBlock {
			var blk []byte
			if last >= 0 {
				blk = make([]byte, 0, outputBlock)
			}
			s.b = append(s.b, blk)
			last++
		}
		blk := s.b[last]
		k := min(len(p), outputBlock-len(blk))
		if len(blk)+k > cap(blk) {
			grown := make([]byte, len(blk), min(outputBlock, max(2*cap(blk), len(blk)+k, 64)))
			copy(grown, blk)
			blk = grown
		}
		s.b[last] = append(blk, p[:k]...)
		s.n += k
		p = p[k:]
	}
}

// overwrite writes p over the bytes from position at; at+len(p) must not
// exceed len().
func (s *blocks) overwrite(at int, p []byte) {
	for len(p) > 0 {
		blk, off := at/outputBlock, at%outputBlock
		k := copy(s.b[blk][off:], p)
		at += k
		p = p[k:]
	}
}

// appendRange appends the bytes from position from to position to to dst.
func (s *blocks) appendRange(dst []byte, from, to int) []byte {
	for from < to {
		blk, off := from/outputBlock, from%outputBlock
		end := min(len(s.b[blk]), off+(to-from))
		dst = append(dst, s.b[blk][off:end]...)
		from += end - off
	}
	return dst
}

// visit calls fn with the stored bytes from position from to position to,
// in order, without copying them; fn must not keep them.
func (s *blocks) visit(from, to int, fn func([]byte)) {
	for from < to {
		blk, off := from/outputBlock, from%outputBlock
		end := min(len(s.b[blk]), off+(to-from))
		fn(s.b[blk][off:end])
		from += end - off
	}
}

// reset empties the store and lets its memory go.
func (s *blocks) reset() { *s = blocks{} }
