package expr

import (
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// NewBinary builds l op r for the operators of sql.BinaryExpr, resolving operand types as PostgreSQL's
// operator lookup would for the operators Runnel has.
func NewBinary(op string, l, r Expr) (Expr, error) {
	switch op {
	case "AND":
		return newLogic(false, l, r)
	case "OR":
		return newLogic(true, l, r)
	case "=", "<>", "!=", "<", ">", "<=", ">=", "IS DISTINCT FROM", "IS NOT DISTINCT FROM":
		if op == "!=" {
			op = "<>"
		}
		return newCompare(op, l, r)
	case "LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE":
		return NewLike(l, r, nil, op == "ILIKE" || op == "NOT ILIKE", op[0] == 'N')
	case "~", "~*", "!~", "!~*":
		return newRegexMatch(op, l, r)
	case "||":
		return newConcatOp(l, r)
	case "->", "->>", "#>", "#>>", "@>", "<@", "?", "?|", "?&":
		return newJsonOp(op, l, r)
	case "+", "-", "*", "/", "%", "^":
		return newArithOp(op, l, r)
	}
	return nil, opNotExist(op, l.Type(), r.Type())
}

func newArithOp(op string, l, r Expr) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	var err error
	switch {
	case lt == types.Unknown && rt == types.Unknown:
		return nil, pgerr.New(pgerr.AmbiguousFunction, "operator is not unique: unknown %s unknown", op).
			WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.")
	case lt == types.Unknown:
		if l, err = NewCast(l, unknownPeer(op, rt, true)); err != nil {
			return nil, err
		}
	case rt == types.Unknown:
		if r, err = NewCast(r, unknownPeer(op, lt, false)); err != nil {
			return nil, err
		}
	}
	if e, ok, err := newArith(op, l, r); ok || err != nil {
		return e, err
	}
	if e, err := newTemporalArith(op, l, r); e != nil || err != nil {
		return e, err
	}
	return nil, opNotExist(op, l.Type(), r.Type())
}

// unknownPeer picks the type an unknown literal takes opposite a typed operand: the same type, except
// that a literal added to or subtracted from a date/time is an interval, and one multiplying or dividing
// an interval is a number.
func unknownPeer(op string, other types.Type, left bool) types.Type {
	switch {
	case other.IsTemporal() && (op == "+" || (op == "-" && !left)):
		return types.Interval
	case other == types.Interval && (op == "*" || op == "/"):
		return types.Float64
	}
	return other
}
