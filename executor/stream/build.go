package stream

import (
	"fmt"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Graph is a view's operators, built from its stream plan, ready to run in one actor.
type Graph struct {
	// Ops in flush order: every operator after the operators that feed it.
	Ops []Operator
	// Inputs are the relations the view reads, one per scan of the plan, with the operator port
	// their changes go to.
	Inputs []GraphInput
}

// GraphInput is one subscription of a view.
type GraphInput struct {
	Rel   *catalog.Relation
	Entry Output
}

// CountStateTables returns how many state tables the plan's operators need, so the caller can
// allocate their ids before BuildGraph.
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

// BuildGraph builds the operators of a view: the plan's operators, then a MaterializeOp that keeps
// the view's rows in table view and feeds out. State table ids are used in the plan's pre-order,
// so the same plan gets the same ids again at recovery.
func BuildGraph(p *planner.StreamPlan, env *Env, stateTables []uint32, view uint32, out *Fanout) (*Graph, error) {
	b := &graphBuilder{p: p, env: env, tables: stateTables}
	mat := NewMaterializeOp(env, storage.TableID(view), colTypes(p.Root.Columns()), p.Key, out)
	if err := b.build(p.Root, Output{Op: mat}); err != nil {
		return nil, err
	}
	if b.next != len(stateTables) {
		return nil, fmt.Errorf("build view: plan needs %d state tables, %d were allocated", b.next, len(stateTables))
	}
	b.g.Ops = append(b.g.Ops, mat)
	return &b.g, nil
}

type graphBuilder struct {
	p      *planner.StreamPlan
	env    *Env
	tables []uint32
	next   int
	g      Graph
}

func (b *graphBuilder) table() storage.TableID {
	t := b.tables[b.next]
	b.next++
	return storage.TableID(t)
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

// build creates n's operator sending to out, then its inputs, and appends the operator to the
// flush order after them.
func (b *graphBuilder) build(n planner.Node, out Output) error {
	var op Operator
	var err error
	children := n.Children()
	switch n := n.(type) {
	case *planner.Scan:
		b.g.Inputs = append(b.g.Inputs, GraphInput{Rel: n.Rel, Entry: out})
		return nil
	case *planner.Values:
		rows := make([]types.Row, len(n.Rows))
		one := types.ChunkOf(nil, nil, 1)
		for i, r := range n.Rows {
			rows[i] = make(types.Row, len(r))
			for j, e := range r {
				v, err := e.Eval(b.env.Ctx, one)
				if err != nil {
					return fmt.Errorf("values: %w", err)
				}
				rows[i][j] = v[0]
			}
		}
		op = NewValues(b.env, b.table(), rows, colTypes(n.Cols), out)
	case *planner.Filter:
		op = &Filter{Cond: n.Cond, Ctx: b.env.Ctx, Out: out}
	case *planner.Project:
		op = &Project{Exprs: n.Exprs, Ctx: b.env.Ctx, Out: out}
	case *planner.HopWindow:
		op, err = NewHopWindow(n.TimeCol, n.Cols[n.TimeCol].Type, n.Slide, n.Size, n.Offset, out)
	case *planner.Union:
		u := NewUnion(len(n.Inputs), out)
		op = u
	case *planner.Agg:
		op, err = b.agg(n, out)
	case *planner.Join:
		op, err = b.join(n, out)
	case *planner.TopN:
		in := n.Input
		op, err = NewTopN(b.env, b.table(), colTypes(in.Columns()), b.p.Keys[in], n.GroupBy, sortKeys(n.Order), n.Offset, n.Limit, n.RankCol, out)
	default:
		return pgerr.Unsupported("%T is not supported in a materialized view", n)
	}
	if err != nil {
		return err
	}
	for i, c := range children {
		if err := b.build(c, Output{Op: op, Port: i}); err != nil {
			return err
		}
	}
	b.g.Ops = append(b.g.Ops, op)
	return nil
}

func (b *graphBuilder) agg(n *planner.Agg, out Output) (Operator, error) {
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
	return NewHashAgg(b.env, b.table(), colTypes(n.Input.Columns()), group, calls, out)
}

func (b *graphBuilder) join(n *planner.Join, out Output) (Operator, error) {
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
	return NewHashJoin(b.env, b.table(), k, colTypes(n.L.Columns()), colTypes(n.R.Columns()), lk, rk,
		b.p.Keys[n.L], b.p.Keys[n.R], n.Cond, out)
}
