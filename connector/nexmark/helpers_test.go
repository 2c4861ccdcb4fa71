package nexmark

import (
	"testing"

	"github.com/runnel-db/runnel/types"
)

func mustOptions(t testing.TB, kv ...string) *Options {
	t.Helper()
	with := map[string]string{"connector": "nexmark"}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" { // so that tests can loop over table types with "" for all events
			with[kv[i]] = kv[i+1]
		}
	}
	o, err := ParseOptions(with)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// rows drains g (or takes limit rows) in chunks of step rows.
func rows(t testing.TB, o *Options, g *Generator, step, limit int) []types.Row {
	t.Helper()
	var out []types.Row
	for len(out) < limit {
		c := types.NewChunk(len(Columns(o)), step)
		_, done := g.Next(c, min(step, limit-len(out)))
		for i := range c.Len() {
			out = append(out, c.Row(i, nil))
		}
		if done {
			break
		}
	}
	return out
}
