package batch

import (
	"context"
	"slices"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// aggOp is hash aggregation. Groups are numbered in order of first appearance (NULL keys group
// together) and emitted in that order. Every group's key and aggregate states are held in memory, and
// so are the inputs of ORDER BY aggregates until the end.
type aggOp struct {
	env     *Env
	in      Operator
	groupBy []expr.Expr
	calls   []aggCall
	groups  *seenSet
	states  []expr.AggState // group g's state of call a at g*len(calls)+a
	keyVecs [][]types.Datum
	gidx    []int32
	loaded  bool
	pos     int
	out     *colBuf
}

// aggCall is the per-query state of one aggregate.
type aggCall struct {
	planner.AggCall
	argVecs [][]types.Datum
	args    []types.Datum // one row's arguments, reused
	// seen dedups (group, args...) tuples of DISTINCT aggregates.
	seen     *seenSet
	gidVec   []types.Datum
	distKeys [][]types.Datum // gidVec, then the argument vectors
	// sorted holds (group, sort keys..., args...) rows of ORDER BY aggregates until the end.
	sorted  rowStore
	keyVecs [][]types.Datum
}

func newAgg(n *planner.Agg, in Operator, env *Env) (*aggOp, error) {
	o := &aggOp{
		env: env, in: in, groupBy: n.GroupBy,
		groups:  newSeenSet(len(n.GroupBy)),
		keyVecs: make([][]types.Datum, len(n.GroupBy)),
		out:     newColBuf(len(n.Cols)),
	}
	for _, c := range n.Aggs {
		ac := aggCall{AggCall: c, argVecs: make([][]types.Datum, len(c.Args)), args: make([]types.Datum, len(c.Args))}
		if c.Distinct {
			ac.seen = newSeenSet(1 + len(c.Args))
		}
		if len(c.OrderBy) > 0 {
			ac.sorted = rowStore{w: 1 + len(c.OrderBy) + len(c.Args)}
			ac.keyVecs = make([][]types.Datum, len(c.OrderBy))
		}
		o.calls = append(o.calls, ac)
	}
	if len(n.GroupBy) == 0 {
		// Without GROUP BY there is exactly one group, even for an empty input.
		o.groups.add(nil, 0)
		o.newStates()
	}
	return o, nil
}

func (o *aggOp) newStates() {
	for i := range o.calls {
		o.states = append(o.states, o.calls[i].Func.NewState())
	}
}

func (o *aggOp) Next(ctx context.Context) (*types.Chunk, error) {
	if !o.loaded {
		if err := o.load(ctx); err != nil {
			return nil, err
		}
		o.loaded = true
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.out.reset()
	nk, na := len(o.groupBy), len(o.calls)
	for o.pos < o.groups.len() && !o.out.full() {
		for j, d := range o.groups.keys.row(o.pos) {
			o.out.cols[j] = append(o.out.cols[j], d)
		}
		for a := range o.calls {
			o.out.cols[nk+a] = append(o.out.cols[nk+a], o.states[o.pos*na+a].Result())
		}
		o.out.n++
		o.pos++
	}
	return o.out.chunk(), nil
}

func (o *aggOp) load(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := o.in.Next(ctx)
		if err != nil {
			return err
		}
		if c == nil {
			break
		}
		if err := o.addChunk(c); err != nil {
			return err
		}
	}
	o.in.Close()
	for a := range o.calls {
		if len(o.calls[a].OrderBy) > 0 {
			if err := o.feedSorted(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// addChunk assigns each row of c to its group and feeds the aggregates.
func (o *aggOp) addChunk(c *types.Chunk) error {
	n := c.Len()
	o.gidx = o.gidx[:0]
	if len(o.groupBy) == 0 {
		for i := 0; i < n; i++ {
			o.gidx = append(o.gidx, 0)
		}
	} else {
		for j, e := range o.groupBy {
			v, err := e.Eval(o.env.Ctx, c)
			if err != nil {
				return evalErr("group by", err)
			}
			o.keyVecs[j] = v
		}
		for i := 0; i < n; i++ {
			g, added := o.groups.add(o.keyVecs, i)
			if added {
				o.newStates()
			}
			o.gidx = append(o.gidx, g)
		}
	}
	for a := range o.calls {
		if err := o.feed(a, c); err != nil {
			return err
		}
	}
	return nil
}

// feed passes the rows of c to aggregate a, applying its FILTER and DISTINCT, or buffers them for
// sorting when it has an ORDER BY.
func (o *aggOp) feed(a int, c *types.Chunk) error {
	ac := &o.calls[a]
	n := c.Len()
	for j, e := range ac.Args {
		v, err := e.Eval(o.env.Ctx, c)
		if err != nil {
			return evalErr("aggregate "+ac.Func.Name, err)
		}
		ac.argVecs[j] = v
	}
	var filter []types.Datum
	if ac.Filter != nil {
		v, err := ac.Filter.Eval(o.env.Ctx, c)
		if err != nil {
			return evalErr("aggregate filter", err)
		}
		filter = v
	}
	for j, k := range ac.OrderBy {
		v, err := k.Expr.Eval(o.env.Ctx, c)
		if err != nil {
			return evalErr("aggregate order by", err)
		}
		ac.keyVecs[j] = v
	}
	if ac.seen != nil {
		ac.gidVec = ac.gidVec[:0]
		for _, g := range o.gidx {
			ac.gidVec = append(ac.gidVec, types.NewInt64(int64(g)))
		}
		ac.distKeys = append(append(ac.distKeys[:0], ac.gidVec), ac.argVecs...)
	}
	na := len(o.calls)
	for i := 0; i < n; i++ {
		if filter != nil && (filter[i].IsNull() || !filter[i].Bool()) {
			continue
		}
		g := o.gidx[i]
		if ac.seen != nil {
			if _, added := ac.seen.add(ac.distKeys, i); !added {
				continue
			}
		}
		if len(ac.OrderBy) > 0 {
			r := ac.sorted.alloc()
			r[0] = types.NewInt64(int64(g))
			for j, k := range ac.keyVecs {
				r[1+j] = k[i]
			}
			for j, v := range ac.argVecs {
				r[1+len(ac.keyVecs)+j] = v[i]
			}
			continue
		}
		for j, v := range ac.argVecs {
			ac.args[j] = v[i]
		}
		if err := o.states[int(g)*na+a].Add(ac.args); err != nil {
			return evalErr("aggregate "+ac.Func.Name, err)
		}
	}
	return nil
}

// feedSorted sorts aggregate a's buffered inputs by group and ORDER BY keys (stably, so ties keep
// input order) and passes them to the states.
func (o *aggOp) feedSorted(a int) error {
	ac := &o.calls[a]
	s := &ac.sorted
	order := make([]int32, s.n)
	for i := range order {
		order[i] = int32(i)
	}
	nk := len(ac.OrderBy)
	slices.SortStableFunc(order, func(x, y int32) int {
		rx, ry := s.row(int(x)), s.row(int(y))
		if gx, gy := rx[0].Int(), ry[0].Int(); gx != gy {
			if gx < gy {
				return -1
			}
			return 1
		}
		for j, k := range ac.OrderBy {
			if c := compareKey(rx[1+j], ry[1+j], k.Desc, k.NullsFirst); c != 0 {
				return c
			}
		}
		return 0
	})
	na := len(o.calls)
	for _, i := range order {
		r := s.row(int(i))
		g := int(r[0].Int())
		copy(ac.args, r[1+nk:])
		if err := o.states[g*na+a].Add(ac.args); err != nil {
			return evalErr("aggregate "+ac.Func.Name, err)
		}
	}
	ac.sorted = rowStore{}
	return nil
}

func (o *aggOp) Close() {
	o.in.Close()
	o.states = nil
	o.groups = nil
}
