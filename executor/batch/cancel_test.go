package batch

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// endless is a source that never ends and never checks its context itself, so a test over it
// finishes only if the operator above checks for cancellation. It cancels after `after` chunks.
type endless struct {
	chunk  *types.Chunk
	after  int
	cancel context.CancelFunc
	n      int
}

func newEndless(after int, cancel context.CancelFunc, width int, rows int) *endless {
	cols := make([][]types.Datum, width)
	for j := range cols {
		cols[j] = make([]types.Datum, rows)
		for i := range cols[j] {
			cols[j][i] = I(7)
		}
	}
	return &endless{chunk: types.ChunkOf(nil, cols, rows), after: after, cancel: cancel}
}

func (o *endless) Next(context.Context) (*types.Chunk, error) {
	o.n++
	if o.n == o.after {
		o.cancel()
	}
	return o.chunk, nil
}

func (o *endless) Close() {}

func TestCancel(t *testing.T) {
	env := newEnv()
	never := cnst(types.NewBool(false))
	keys := []expr.Expr{col(0)}
	cases := map[string]func(src func(w, rows int) Operator) Operator{
		"filter": func(src func(int, int) Operator) Operator {
			return newFilter(&planner.Filter{Input: values(1), Cond: never}, src(1, 1024), env)
		},
		"project": func(src func(int, int) Operator) Operator {
			return newProject(&planner.Project{Exprs: keys, Cols: columns(1)}, src(1, 1024), env)
		},
		"sort": func(src func(int, int) Operator) Operator {
			return newSort(&planner.Sort{Input: values(1), Keys: []planner.SortKey{{Col: 0}}}, src(1, 16))
		},
		"distinct": func(src func(int, int) Operator) Operator {
			return newDistinct(&planner.Distinct{Input: values(1)}, src(1, 1024))
		},
		"agg": func(src func(int, int) Operator) Operator {
			f, err := expr.LookupAgg("count", nil, false)
			if err != nil {
				t.Fatal(err)
			}
			op, err := newAgg(&planner.Agg{GroupBy: keys, Aggs: []planner.AggCall{{Func: f}}, Cols: columns(2)}, src(1, 1024), env)
			if err != nil {
				t.Fatal(err)
			}
			return op
		},
		"limit offset": func(src func(int, int) Operator) Operator {
			return newLimit(&planner.Limit{Count: 1, Offset: 1 << 60}, src(1, 1024))
		},
		"join build": func(src func(int, int) Operator) Operator {
			n := &planner.Join{Kind: planner.Inner, L: values(1), R: values(1), LeftKeys: keys, RightKeys: keys, Cols: columns(2)}
			return newJoin(n, &memOp{chunks: intChunks(1, func(int) types.Datum { return I(1) })}, src(1, 16), env)
		},
		"join probe": func(src func(int, int) Operator) Operator {
			n := &planner.Join{Kind: planner.LeftSemi, L: values(1), R: values(1), LeftKeys: keys, RightKeys: keys, Cols: columns(1)}
			return newJoin(n, src(1, 1024), &memOp{}, env)
		},
		"nested loop": func(src func(int, int) Operator) Operator {
			n := &planner.Join{Kind: planner.Inner, L: values(1), R: values(1), Cond: never, Cols: columns(2)}
			return newJoin(n, src(1, 1024), &memOp{chunks: intChunks(1024, func(int) types.Datum { return I(1) })}, env)
		},
		"union": func(src func(int, int) Operator) Operator {
			return newSetOp(&planner.SetOp{Kind: planner.UnionOp, Cols: columns(1)}, []Operator{src(1, 1024)})
		},
		"except": func(src func(int, int) Operator) Operator {
			return newSetOp(&planner.SetOp{Kind: planner.ExceptOp, Cols: columns(1)}, []Operator{src(1, 1024), &memOp{}})
		},
		"single row": func(src func(int, int) Operator) Operator {
			return newSingleRow(src(1, 0), 1)
		},
		"apply": func(src func(int, int) Operator) Operator {
			n := &planner.Apply{Kind: planner.LeftSemi, Outer: values(1), Sub: values(1), OuterCols: []int{0}, Params: []int{1}, Cols: columns(1)}
			op, err := newApply(n, src(1, 1024), env)
			if err != nil {
				t.Fatal(err)
			}
			return op
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			// Already cancelled: no work at all.
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			op := mk(func(w, rows int) Operator { return newEndless(-1, cancel, w, rows) })
			if _, err := op.Next(ctx); !errors.Is(err, context.Canceled) {
				t.Fatalf("pre-cancelled: err = %v", err)
			}
			op.Close()

			// Cancelled while running: the operator returns the context's error promptly.
			ctx, cancel = context.WithCancel(t.Context())
			defer cancel()
			op = mk(func(w, rows int) Operator { return newEndless(5, cancel, w, rows) })
			defer op.Close()
			start := time.Now()
			var err error
			for err == nil && time.Since(start) < 5*time.Second {
				_, err = op.Next(ctx)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}
