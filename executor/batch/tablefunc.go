package batch

import (
	"context"
	"math"

	"github.com/cockroachdb/apd/v3"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/types"
)

// tableFuncOp produces the rows of generate_series or unnest in FROM. Arguments are evaluated on the
// first Next, so inside an Apply they see the outer row bound when the operator was built.
type tableFuncOp struct {
	n    *planner.TableFunc
	env  *Env
	out  *colBuf
	one  *types.Chunk
	gen  func() (types.Datum, bool, error)
	init bool
	ord  int64
}

func newTableFunc(n *planner.TableFunc, env *Env) (*tableFuncOp, error) {
	switch n.Name {
	case "generate_series", "unnest":
	default:
		return nil, pgerr.Unsupported("table function %s", n.Name)
	}
	return &tableFuncOp{n: n, env: env, out: newColBuf(len(n.Cols)), one: types.ChunkOf(nil, nil, 1)}, nil
}

func (o *tableFuncOp) Next(ctx context.Context) (*types.Chunk, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !o.init {
		o.init = true
		if err := o.start(); err != nil {
			return nil, evalErr(o.n.Name, err)
		}
	}
	o.out.reset()
	if o.gen == nil {
		return nil, nil
	}
	ordinal := o.n.WithOrdinality && len(o.out.cols) > 1
	for !o.out.full() {
		d, ok, err := o.gen()
		if err != nil {
			return nil, evalErr(o.n.Name, err)
		}
		if !ok {
			o.gen = nil
			break
		}
		o.out.cols[0] = append(o.out.cols[0], d)
		if ordinal {
			o.ord++
			o.out.cols[1] = append(o.out.cols[1], types.NewInt64(o.ord))
		}
		o.out.n++
	}
	return o.out.chunk(), nil
}

func (o *tableFuncOp) Close() { o.gen = nil }

// start evaluates the arguments and sets gen; gen stays nil when the function returns no rows
// (both functions are strict: a NULL argument gives an empty result, as in PostgreSQL).
func (o *tableFuncOp) start() error {
	args := make([]types.Datum, len(o.n.Args))
	for i, a := range o.n.Args {
		v, err := a.Eval(o.env.Ctx, o.one)
		if err != nil {
			return err
		}
		if v[0].IsNull() {
			return nil
		}
		args[i] = v[0]
	}
	if o.n.Name == "unnest" {
		elems := args[0].Array()
		i := 0
		o.gen = func() (types.Datum, bool, error) {
			if i >= len(elems) {
				return types.NullDatum, false, nil
			}
			i++
			return elems[i-1], true, nil
		}
		return nil
	}
	if len(args) < 2 {
		return pgerr.New(pgerr.InternalError, "generate_series with %d arguments", len(args))
	}
	t := o.n.Cols[0].Type
	if t.IsInteger() {
		return o.intSeries(t, args)
	}
	return o.stepSeries(t, args)
}

// intSeries counts in int64 and stops before a step would leave the column type's range, where
// PostgreSQL stops too instead of reporting an overflow.
func (o *tableFuncOp) intSeries(t types.Type, args []types.Datum) error {
	cur, stop, step := args[0].Int(), args[1].Int(), int64(1)
	if len(args) > 2 {
		step = args[2].Int()
	}
	if step == 0 {
		return pgerr.New(pgerr.InvalidParameterValue, "step size cannot equal zero")
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	switch t {
	case types.Int16:
		lo, hi = math.MinInt16, math.MaxInt16
	case types.Int32:
		lo, hi = math.MinInt32, math.MaxInt32
	}
	done := false
	o.gen = func() (types.Datum, bool, error) {
		if done || (step > 0 && cur > stop) || (step < 0 && cur < stop) {
			return types.NullDatum, false, nil
		}
		d := types.NewInt(t, cur)
		if (step > 0 && cur > hi-step) || (step < 0 && cur < lo-step) {
			done = true
		} else {
			cur += step
		}
		return d, true, nil
	}
	return nil
}

// stepSeries handles numeric and timestamp series through the expression package's own "+", so
// that numeric precision and month/day arithmetic in the session's time zone match the operators.
func (o *tableFuncOp) stepSeries(t types.Type, args []types.Datum) error {
	stepType := t
	var step types.Datum
	switch {
	case len(args) > 2:
		step = args[2]
		stepType = step.Type()
	case t == types.Numeric:
		step = types.NewNumeric(apd.New(1, 0))
	default:
		return pgerr.New(pgerr.UndefinedFunction, "function generate_series(%s, %s) does not exist", t, t)
	}
	if t == types.Numeric {
		for i, what := range []string{"start value", "stop value", "step size"} {
			if i >= len(args) {
				break
			}
			switch args[i].Numeric().Form {
			case apd.NaN, apd.NaNSignaling:
				return pgerr.New(pgerr.InvalidParameterValue, "%s cannot be NaN", what)
			case apd.Infinite:
				return pgerr.New(pgerr.InvalidParameterValue, "%s cannot be infinity", what)
			}
		}
	}
	sign, err := stepSign(step)
	if err != nil {
		return err
	}
	if sign == 0 {
		return pgerr.New(pgerr.InvalidParameterValue, "step size cannot equal zero")
	}
	add, err := expr.NewBinary("+", expr.NewColumn(0, t), expr.NewColumn(1, stepType))
	if err != nil {
		return err
	}
	cur, stop := args[0], args[1]
	pair := types.ChunkOf(nil, [][]types.Datum{{cur}, {step}}, 1)
	o.gen = func() (types.Datum, bool, error) {
		c := types.Compare(cur, stop)
		if (sign > 0 && c > 0) || (sign < 0 && c < 0) {
			return types.NullDatum, false, nil
		}
		d := cur
		pair.Cols[0][0] = cur
		v, err := add.Eval(o.env.Ctx, pair)
		if err != nil {
			return types.NullDatum, false, err
		}
		cur = v[0]
		return d, true, nil
	}
	return nil
}

// stepSign is the direction of a step. An interval compares as PostgreSQL's interval_cmp does, by
// its span with 30-day months and 24-hour days.
func stepSign(step types.Datum) (int, error) {
	switch step.Type() {
	case types.Numeric:
		return step.Numeric().Sign(), nil
	case types.Interval:
		iv := step.IntervalValue()
		span := (int64(iv.Months)*30+int64(iv.Days))*86_400_000_000 + iv.Micros
		switch {
		case span > 0:
			return 1, nil
		case span < 0:
			return -1, nil
		}
		return 0, nil
	}
	return 0, pgerr.New(pgerr.InternalError, "generate_series step of type %s", step.Type())
}
