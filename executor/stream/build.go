package stream

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// A view's plan runs as fragments: the stateful operators that can be partitioned by key (hash
// aggregation with GROUP BY, joins on keys, top-N per group) run as Parallelism instances, each
// owning the keys that hash to it; the operators in between go with the fragment above them. The
// leaves (scans and the stateless operators over them) run as one instance, which reads the
// subscriptions and backfills. Where the parallelism or the distribution changes, a Dispatcher
// sends rows on by key and broadcasts barriers; instances of the next fragment align them. A view
// whose last fragment is partitioned gets one more instance that materializes it, so the views
// reading it still see one stream. All instances of an operator share its state table: their keys
// are disjoint, and any instance can read any key, so the parallelism may change across restarts.

// GraphInput is one subscription of a view.
type GraphInput struct {
	Rel   *catalog.Relation
	Entry Output
}

// ViewConfig describes a view to build.
type ViewConfig struct {
	JobID       uint32
	Name        string
	StateTables []uint32
	// View is the storage table of the view's rows; Out feeds the views that read it.
	View uint32
	Out  *Fanout
	// Parallelism is the number of instances of partitioned fragments (at least 1).
	Parallelism int
	// NewEnv returns the environment of one instance (each needs its own expression context).
	NewEnv func() *Env
	Coord  *Coordinator
	Store  *storage.Store
	Log    *slog.Logger
	// Backfill, when not nil, returns a leaf instance's backfill over its subscriptions.
	Backfill func(inputs []GraphInput) func() error
	// ReadyKey is written by the view's last instance with its first epoch (see Actor.ReadyKey).
	ReadyKey []byte
	// Sink, when not nil, replaces the view's materialization: the graph ends in this operator
	// (a sink) and keeps no rows of its own.
	Sink Operator
	// Source returns how to read a source relation the view scans (the n-th source scan of the
	// plan): its fetcher, and the name of the reader's offsets in the store.
	Source func(rel *catalog.Relation, n int) (open func(ctx context.Context, next map[int32]int64) (Fetcher, error), offsetsKey string)
}

// ViewGraph is a built view: its actors (not started), the channels its inputs must feed, by
// relation, and the barrier channels the coordinator injects into.
type ViewGraph struct {
	Actors []*Actor
	Subs   map[uint32][]chan<- Message
	Ticks  []chan<- Message
	// Readers read the view's sources; start them with the actors.
	Readers []*SourceReader
}

// CountStateTables returns how many state tables the plan's operators need, so the caller can
// allocate their ids before BuildView.
func CountStateTables(p *planner.StreamPlan) int {
	n := 0
	var visit func(planner.Node)
	visit = func(x planner.Node) {
		switch x.(type) {
		case *planner.Agg, *planner.Join, *planner.TopN, *planner.Values:
			n++
		}
		for _, c := range x.Children() {
			visit(c)
		}
	}
	visit(p.Root)
	return n
}

// instance is one actor of a fragment while it is being built.
type instance struct {
	env    *Env
	inputs []Input
	ops    []Operator
	out    BarrierSink
	scans  []GraphInput
	// internal is set when the instance reads other instances (it then gets its barriers from them).
	internal bool
}

type viewBuilder struct {
	cfg    ViewConfig
	p      *planner.StreamPlan
	tables []uint32
	next   int
	insts  []*instance
	subs   map[uint32][]chan<- Message
	// readers and readerTicks are the view's source readers and their barrier channels.
	readers     []*SourceReader
	readerTicks []chan<- Message
	// scans counts the source scans built so far (the n of ViewConfig.Source); bySource is the
	// reader of each source relation, which a later scan of the same source shares.
	scans    int
	bySource map[uint32]*SourceReader
	view     *metrics.View
}

// BuildView builds the actors of a view.
func BuildView(p *planner.StreamPlan, cfg ViewConfig) (*ViewGraph, error) {
	if cfg.Parallelism < 1 {
		cfg.Parallelism = 1
	}
	b := &viewBuilder{cfg: cfg, p: p, tables: cfg.StateTables, subs: map[uint32][]chan<- Message{}, view: metrics.ForView(cfg.Name)}
	root := p.Root
	rootTypes := colTypes(root.Columns())
	rootP := b.topParallelism(root)
	// The instance(s) that materialize: one, reading the root fragment's instances when those are
	// partitioned.
	last := b.newInstance()
	var mat Operator
	if cfg.Sink != nil {
		mat = cfg.Sink
	} else {
		mo := NewMaterializeOp(last.env, storage.TableID(cfg.View), rootTypes, p.Key, cfg.Out)
		if planner.AppendOnly(root) {
			mo.m.insertOnly = true
		}
		mo.m.view = b.view
		mat = mo
		last.out = cfg.Out
	}
	if rootP == 1 {
		if err := b.build(root, []*instance{last}, []Output{{Op: mat}}); err != nil {
			return nil, err
		}
	} else {
		insts, outs := b.exchange(root, []*instance{last}, []Output{{Op: mat}}, nil, rootP)
		if err := b.buildFragment(root, insts, outs); err != nil {
			return nil, err
		}
	}
	last.ops = append(last.ops, mat)
	if b.next != len(b.tables) {
		return nil, fmt.Errorf("build view: plan needs %d state tables, %d were allocated", b.next, len(b.tables))
	}
	g := &ViewGraph{Subs: b.subs, Readers: b.readers, Ticks: b.readerTicks}
	for i, in := range b.insts {
		if !in.internal {
			tick := make(chan Message, ChannelSize)
			in.inputs = append([]Input{{Ch: tick}}, in.inputs...)
			g.Ticks = append(g.Ticks, tick)
		}
		a := &Actor{JobID: cfg.JobID, Name: fmt.Sprintf("%s#%d", cfg.Name, i), Inputs: in.inputs, Ops: in.ops,
			Out: in.out, Coord: cfg.Coord, Store: cfg.Store, Log: cfg.Log}
		if in == last {
			a.ReadyKey = cfg.ReadyKey
		}
		if cfg.Backfill != nil && len(in.scans) > 0 {
			a.Backfill = cfg.Backfill(in.scans)
		}
		g.Actors = append(g.Actors, a)
	}
	return g, nil
}

func (b *viewBuilder) newInstance() *instance {
	in := &instance{env: b.cfg.NewEnv()}
	b.insts = append(b.insts, in)
	return in
}

func (b *viewBuilder) table() storage.TableID {
	t := b.tables[b.next]
	b.next++
	return storage.TableID(t)
}

// parallelism is the number of instances a stateful node runs as: partitioned by its key when it
// has one, else one.
func (b *viewBuilder) parallelism(n planner.Node) int {
	switch n := n.(type) {
	case *planner.Agg:
		if len(n.GroupBy) > 0 {
			return b.cfg.Parallelism
		}
	case *planner.Join:
		if len(n.LeftKeys) > 0 {
			return b.cfg.Parallelism
		}
	case *planner.TopN:
		if len(n.GroupBy) > 0 {
			return b.cfg.Parallelism
		}
	}
	return 1
}

func stateful(n planner.Node) bool {
	switch n.(type) {
	case *planner.Agg, *planner.Join, *planner.TopN:
		return true
	}
	return false
}

// topParallelism is the parallelism of the fragment that produces n's output.
func (b *viewBuilder) topParallelism(n planner.Node) int {
	if stateful(n) {
		return b.parallelism(n)
	}
	p := 1
	for _, c := range n.Children() {
		if cp := b.topParallelism(c); cp > p {
			p = cp
		}
	}
	return p
}

// distKey is the distribution key of a stateful node's input port: the columns whose hash picks
// the instance that owns a row.
func distKey(n planner.Node, port int) []int {
	switch n := n.(type) {
	case *planner.Agg:
		out := make([]int, len(n.GroupBy))
		for i, g := range n.GroupBy {
			out[i] = g.(*expr.ColumnExpr).Idx
		}
		return out
	case *planner.Join:
		keys := n.LeftKeys
		if port == 1 {
			keys = n.RightKeys
		}
		out := make([]int, len(keys))
		for i, k := range keys {
			out[i] = k.(*expr.ColumnExpr).Idx
		}
		return out
	case *planner.TopN:
		return n.GroupBy
	}
	return nil
}

// exchange makes a new fragment of p instances for child, whose output goes to the consumers
// (one per instance of the consuming fragment) through dispatchers hashing key. It returns the
// new instances and, for each, the Output its root operator sends to (its dispatcher).
func (b *viewBuilder) exchange(child planner.Node, consumers []*instance, outs []Output, key []int, p int) ([]*instance, []Output) {
	width := len(child.Columns())
	insts := make([]*instance, p)
	dispOuts := make([]Output, p)
	for j := 0; j < p; j++ {
		insts[j] = b.newInstance()
		chans := make([]chan<- Message, len(consumers))
		for i, c := range consumers {
			ch := make(chan Message, ChannelSize)
			chans[i] = ch
			c.inputs = append(c.inputs, Input{Ch: ch, Entry: outs[i]})
			c.internal = true
		}
		d := NewDispatcher(chans, key, width)
		insts[j].out = d
		dispOuts[j] = Output{Op: d}
	}
	return insts, dispOuts
}

// buildFragment builds child into a fragment made by exchange, then makes the dispatchers the
// instances' last operators: flushed after everything that feeds them, before the barrier.
func (b *viewBuilder) buildFragment(child planner.Node, insts []*instance, outs []Output) error {
	if err := b.build(child, insts, outs); err != nil {
		return err
	}
	for j, in := range insts {
		in.ops = append(in.ops, outs[j].Op)
	}
	return nil
}

// hasOffsets reports whether a reader with offsets key has committed offsets.
func (b *viewBuilder) hasOffsets(key string) bool {
	if b.cfg.Store == nil {
		return false
	}
	next, err := LoadOffsets(b.cfg.Store, key)
	return err != nil || len(next) > 0
}

// build creates n's operator in each instance of its fragment (insts, with the outputs outs), then
// its inputs, and appends the operators to their instances' flush order after the inputs'.
func (b *viewBuilder) build(n planner.Node, insts []*instance, outs []Output) error {
	if sc, ok := n.(*planner.Scan); ok {
		in := insts[0] // leaves run as one instance
		ch := make(chan Message, ChannelSize)
		// The view's inputs (and its backfill) pass through an ingress, which counts them. It is
		// one of the instance's operators only so that its Flush sees each epoch end; it writes
		// and emits nothing then.
		ing := &ingress{out: outs[0], view: b.view, source: sc.Rel.Kind == catalog.Source}
		in.ops = append(in.ops, ing)
		entry := Output{Op: ing}
		in.inputs = append(in.inputs, Input{Ch: ch, Entry: entry})
		if sc.Rel.Kind == catalog.Source {
			// A source is read by a reader of the view's own, from its own offsets; it has no rows
			// to backfill.
			if b.cfg.Source == nil {
				return pgerr.Unsupported("reading source %s is not supported here", sc.Rel.Name)
			}
			open, key := b.cfg.Source(sc.Rel, b.scans)
			b.scans++
			// A source the view reads twice (q5 and q7 join bids with an aggregate of bids) is read
			// once and fed to both scans. A view built before readers were shared has offsets of
			// its own for the later scan, which its state follows: it keeps that reader.
			if r := b.bySource[sc.Rel.ID]; r != nil && !b.hasOffsets(key) {
				r.More = append(r.More, ch)
				return nil
			}
			ticks := make(chan Message, ChannelSize)
			r := &SourceReader{JobID: b.cfg.JobID, Name: sc.Rel.Name, OffsetsKey: key,
				Store: b.cfg.Store, Open: open, Barriers: ticks, Out: ch, Log: b.cfg.Log, Metrics: b.view}
			b.readers = append(b.readers, r)
			b.readerTicks = append(b.readerTicks, ticks)
			if b.bySource == nil {
				b.bySource = map[uint32]*SourceReader{}
			}
			if b.bySource[sc.Rel.ID] == nil {
				b.bySource[sc.Rel.ID] = r
			}
			return nil
		}
		in.scans = append(in.scans, GraphInput{Rel: sc.Rel, Entry: entry})
		b.subs[sc.Rel.ID] = append(b.subs[sc.Rel.ID], ch)
		return nil
	}
	var table storage.TableID
	switch n.(type) {
	case *planner.Agg, *planner.Join, *planner.TopN, *planner.Values:
		table = b.table() // one per node, shared by its instances, in pre-order
	}
	ops := make([]Operator, len(insts))
	for i, in := range insts {
		op, err := b.operator(n, in.env, table, outs[i], i > 0)
		if err != nil {
			return err
		}
		ops[i] = op
	}
	for port, c := range n.Children() {
		childOuts := make([]Output, len(insts))
		for i := range insts {
			childOuts[i] = Output{Op: ops[i], Port: port}
		}
		cp := b.topParallelism(c)
		if stateful(n) && (len(insts) > 1 || cp > 1) {
			var key []int
			if len(insts) > 1 {
				key = distKey(n, port)
			}
			cinsts, couts := b.exchange(c, insts, childOuts, key, cp)
			if err := b.buildFragment(c, cinsts, couts); err != nil {
				return err
			}
			continue
		}
		if err := b.build(c, insts, childOuts); err != nil {
			return err
		}
	}
	for i, in := range insts {
		in.ops = append(in.ops, ops[i])
	}
	return nil
}

// operator creates n's operator for one instance; clone gives it its own copies of expressions.
func (b *viewBuilder) operator(n planner.Node, env *Env, table storage.TableID, out Output, clone bool) (Operator, error) {
	c := func(e expr.Expr) expr.Expr {
		if clone && e != nil {
			return expr.Clone(e)
		}
		return e
	}
	switch n := n.(type) {
	case *planner.Values:
		rows := make([]types.Row, len(n.Rows))
		one := types.ChunkOf(nil, nil, 1)
		for i, r := range n.Rows {
			rows[i] = make(types.Row, len(r))
			for j, e := range r {
				v, err := e.Eval(env.Ctx, one)
				if err != nil {
					return nil, fmt.Errorf("values: %w", err)
				}
				rows[i][j] = v[0]
			}
		}
		return NewValues(env, table, rows, colTypes(n.Cols), out), nil
	case *planner.Filter:
		return &Filter{Cond: c(n.Cond), Ctx: env.Ctx, Out: out}, nil
	case *planner.Project:
		exprs := make([]expr.Expr, len(n.Exprs))
		for i, e := range n.Exprs {
			exprs[i] = c(e)
		}
		return &Project{Exprs: exprs, Ctx: env.Ctx, Out: out}, nil
	case *planner.HopWindow:
		return NewHopWindow(n.TimeCol, n.Cols[n.TimeCol].Type, n.Slide, n.Size, n.Offset, out)
	case *planner.Union:
		return NewUnion(len(n.Inputs), out), nil
	case *planner.Agg:
		return b.agg(n, env, table, out)
	case *planner.Join:
		return b.join(n, env, table, out)
	case *planner.TopN:
		in := n.Input
		t, err := NewTopN(env, table, colTypes(in.Columns()), b.p.Keys[in], n.GroupBy, sortKeys(n.Order), n.Offset, n.Limit, n.RankCol, out)
		if err == nil && planner.AppendOnly(in) {
			t.SetAppendOnly()
		}
		return t, err
	}
	return nil, pgerr.Unsupported("%T is not supported in a materialized view", n)
}

func colTypes(cols []planner.Column) []types.Type {
	ts := make([]types.Type, len(cols))
	for i, c := range cols {
		ts[i] = c.Type
	}
	return ts
}

func columnIndex(e expr.Expr) (int, error) {
	c, ok := e.(*expr.ColumnExpr)
	if !ok {
		return 0, pgerr.New(pgerr.InternalError, "stream plan: expected a column, got %s", e.String())
	}
	return c.Idx, nil
}

func columnIndexes(es []expr.Expr) ([]int, error) {
	out := make([]int, len(es))
	for i, e := range es {
		var err error
		if out[i], err = columnIndex(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sortKeys(ks []planner.SortKey) []SortKey {
	out := make([]SortKey, len(ks))
	for i, k := range ks {
		out[i] = SortKey{Col: k.Col, Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	return out
}

func (b *viewBuilder) agg(n *planner.Agg, env *Env, table storage.TableID, out Output) (Operator, error) {
	group, err := columnIndexes(n.GroupBy)
	if err != nil {
		return nil, err
	}
	var calls []AggCall
	for _, c := range n.Aggs {
		args, err := columnIndexes(c.Args)
		if err != nil {
			return nil, err
		}
		call := AggCall{Func: c.Func, Args: args, Distinct: c.Distinct, Filter: -1, OrderBy: sortKeys(c.OrderBy)}
		if c.Filter != nil {
			if call.Filter, err = columnIndex(c.Filter); err != nil {
				return nil, err
			}
		}
		calls = append(calls, call)
	}
	h, err := NewHashAgg(env, table, colTypes(n.Input.Columns()), group, calls, out)
	if err != nil {
		return nil, err
	}
	if planner.AppendOnly(n.Input) {
		h.SetAppendOnly()
	}
	return h, nil
}

func (b *viewBuilder) join(n *planner.Join, env *Env, table storage.TableID, out Output) (Operator, error) {
	lk, err := columnIndexes(n.LeftKeys)
	if err != nil {
		return nil, err
	}
	rk, err := columnIndexes(n.RightKeys)
	if err != nil {
		return nil, err
	}
	kind := map[planner.JoinKind]JoinKind{planner.Inner: Inner, planner.LeftOuter: LeftOuter, planner.RightOuter: RightOuter,
		planner.FullOuter: FullOuter, planner.LeftSemi: LeftSemi, planner.LeftAnti: LeftAnti}
	k, ok := kind[n.Kind]
	if !ok {
		return nil, pgerr.Unsupported("this kind of join is not supported in a materialized view")
	}
	return NewHashJoin(env, table, k, colTypes(n.L.Columns()), colTypes(n.R.Columns()), lk, rk,
		b.p.Keys[n.L], b.p.Keys[n.R], n.Cond, out)
}

// ingress counts the changes entering a view and notes when the epoch's last one arrived, for the
// view's freshness. A source's records carry their own event times, which its reader stages.
type ingress struct {
	out     Output
	view    *metrics.View
	source  bool
	arrived int64
}

func (g *ingress) Push(_ int, c *types.Chunk) error {
	g.view.In(c.Len())
	if !g.source {
		g.arrived = time.Now().UnixNano()
	}
	return g.out.Emit(c)
}

func (g *ingress) Flush(epoch uint64, _ *storage.Batch) error {
	g.view.Stage(epoch, g.arrived)
	g.arrived = 0
	return nil
}
