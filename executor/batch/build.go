package batch

import (
	"fmt"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
)

// Build turns a batch plan into operators. Nothing is read until the root's first Next. env.Ctx is
// created when nil, since Apply needs somewhere to bind outer values.
func Build(n planner.Node, env *Env) (Operator, error) {
	if env.Ctx == nil {
		env.Ctx = &expr.Context{}
	}
	ins := make([]Operator, 0, 2)
	for _, c := range children(n) {
		op, err := Build(c, env)
		if err != nil {
			closeAll(ins)
			return nil, err
		}
		ins = append(ins, op)
	}
	op, err := build(n, ins, env)
	if err != nil {
		closeAll(ins)
		return nil, err
	}
	return op, nil
}

// children lists the inputs Build must build first. Apply's Sub is not one of them: it is built once
// per outer row, after the row's values are bound.
func children(n planner.Node) []planner.Node {
	if a, ok := n.(*planner.Apply); ok {
		return []planner.Node{a.Outer}
	}
	return n.Children()
}

func build(n planner.Node, ins []Operator, env *Env) (Operator, error) {
	switch n := n.(type) {
	case *planner.Scan:
		return newScan(n, env)
	case *planner.SystemScan:
		return newSystemScan(n, env)
	case *planner.Values:
		return newValues(n, env), nil
	case *planner.TableFunc:
		return newTableFunc(n, env)
	case *planner.HopWindow:
		return newHopWindow(n, ins[0])
	case *planner.RowNumber:
		return newRowNumber(n, ins[0]), nil
	case *planner.ExpandArray:
		return newExpandArray(n, ins[0], env), nil
	case *planner.Filter:
		return newFilter(n, ins[0], env), nil
	case *planner.Project:
		return newProject(n, ins[0], env), nil
	case *planner.Join:
		if len(n.LeftKeys) != len(n.RightKeys) {
			return nil, pgerr.New(pgerr.InternalError, "join: %d left keys, %d right keys", len(n.LeftKeys), len(n.RightKeys))
		}
		if n.Kind > planner.NullAwareAnti {
			return nil, pgerr.Unsupported("join of kind %d", n.Kind)
		}
		return newJoin(n, ins[0], ins[1], env), nil
	case *planner.Agg:
		return newAgg(n, ins[0], env)
	case *planner.Sort:
		return newSort(n, ins[0]), nil
	case *planner.Limit:
		return newLimit(n, ins[0]), nil
	case *planner.Distinct:
		return newDistinct(n, ins[0]), nil
	case *planner.SetOp:
		if len(ins) == 0 {
			return nil, pgerr.New(pgerr.InternalError, "set operation without inputs")
		}
		return newSetOp(n, ins), nil
	case *planner.EnforceSingleRow:
		return newSingleRow(ins[0], len(n.Columns())), nil
	case *planner.Apply:
		return newApply(n, ins[0], env)
	case nil:
		return nil, pgerr.New(pgerr.InternalError, "batch: nil plan node")
	default:
		return nil, pgerr.Unsupported("batch execution of %s", fmt.Sprintf("%T", n))
	}
}

func closeAll(ops []Operator) {
	for _, op := range ops {
		op.Close()
	}
}
