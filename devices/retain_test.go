package devices

import (
	"strings"
	"testing"

	"github.com/mcp-ssh-session/mcp-ssh-session/expect"
)

// TestRetainerBudget: finished outputs over the budget are cut, oldest
// first, to their first and last bytes; the newest stays whole, and so do
// small ones.
func TestRetainerBudget(t *testing.T) {
	r := &retainer{budget: 300 << 10}
	big := strings.Repeat("x", 99<<10) + "END\n"
	var outs []*expect.Output
	for range 5 {
		o := expect.NewOutput(0)
		o.WriteString(big)
		r.add(o)
		outs = append(outs, o)
	}
	small := expect.NewOutput(0)
	small.WriteString("ok\n")
	r.add(small)

	whole := 0
	for i, o := range outs {
		if o.Dropped() == 0 {
			whole += o.Stored()
		} else if o.Stored() != retainedCompact {
			t.Errorf("output %d was cut to %d bytes, want %d", i, o.Stored(), retainedCompact)
		}
		if !strings.HasSuffix(o.String(), "END\n") || o.Len() != int64(len(big)) {
			t.Errorf("output %d lost its end or its length: len %d, ends %q", i, o.Len(), o.String()[len(o.String())-10:])
		}
	}
	if whole > 300<<10 {
		t.Errorf("whole finished outputs hold %d bytes, over the %d budget", whole, 300<<10)
	}
	if outs[0].Stored() != retainedCompact || outs[0].Dropped() == 0 {
		t.Errorf("oldest output holds %d bytes (dropped %d), want cut to %d", outs[0].Stored(), outs[0].Dropped(), retainedCompact)
	}
	if last := outs[len(outs)-1]; last.Stored() != len(big) || last.Dropped() != 0 {
		t.Errorf("newest output holds %d bytes (dropped %d), want all %d", last.Stored(), last.Dropped(), len(big))
	}
	if small.String() != "ok\n" {
		t.Errorf("small output changed: %q", small.String())
	}
}
