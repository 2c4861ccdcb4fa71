package expr

import (
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// castLevel says in which contexts a cast may be applied, as pg_cast.castcontext does: an implicit cast
// is also allowed in assignment and explicitly; an assignment cast also explicitly.
type castLevel uint8

const (
	castNone castLevel = iota
	castExplicit
	castAssign
	castImplicit
)

// category is pg_type.typcategory: implicit resolution only moves within one category.
func category(t types.Type) byte {
	if t.IsArray() {
		return 'A'
	}
	switch t {
	case types.Bool:
		return 'B'
	case types.Int16, types.Int32, types.Int64, types.Float32, types.Float64, types.Numeric, types.Oid, types.Regclass, types.Regtype:
		return 'N'
	case types.Varchar, types.Name:
		return 'S'
	case types.Date, types.Time, types.Timestamp, types.Timestamptz:
		return 'D'
	case types.Interval:
		return 'T'
	case types.Unknown:
		return 'X'
	case types.Bytea:
		return 'U'
	case types.Jsonb:
		return 'U'
	case types.Char:
		return 'Z'
	}
	return 'U'
}

// preferred is pg_type.typispreferred.
func preferred(t types.Type) bool {
	switch t {
	case types.Float64, types.Varchar, types.Timestamptz, types.Interval, types.Bool, types.Oid:
		return true
	}
	return false
}

// numRank orders the numeric types along their implicit casts.
func numRank(t types.Type) int {
	switch t {
	case types.Int16:
		return 1
	case types.Int32:
		return 2
	case types.Int64:
		return 3
	case types.Numeric:
		return 4
	case types.Float32:
		return 5
	case types.Float64:
		return 6
	}
	return 0
}

// castContext returns the weakest context in which from may be cast to to (castNone when never), after
// PostgreSQL's pg_cast plus its automatic I/O conversion casts (to text in assignment, from text
// explicitly).
func castContext(from, to types.Type) castLevel {
	if from == to || from == types.Unknown {
		return castImplicit
	}
	if from.IsArray() && to.IsArray() {
		if l := castContext(from.Elem(), to.Elem()); l != castNone {
			return l
		}
		return castNone
	}
	if from.IsArray() || to.IsArray() {
		if to.IsString() {
			return castAssign
		}
		if from.IsString() {
			return castExplicit
		}
		return castNone
	}
	rf, rt := numRank(from), numRank(to)
	switch {
	case rf > 0 && rt > 0:
		if rt > rf {
			return castImplicit
		}
		return castAssign
	case from.IsInteger() && reprGroup(to) == 1:
		if from == types.Int16 && to != types.Oid {
			return castImplicit
		}
		return castImplicit
	case reprGroup(from) == 1 && reprGroup(to) == 1:
		return castImplicit
	case reprGroup(from) == 1 && (to == types.Int32 || to == types.Int64):
		return castAssign
	case from == types.Int32 && to == types.Bool, from == types.Bool && to == types.Int32:
		return castExplicit
	}
	if to.IsString() {
		if from.IsString() {
			return castImplicit
		}
		if from == types.Char {
			return castImplicit
		}
		return castAssign
	}
	if from.IsString() {
		if to == types.Char {
			return castAssign
		}
		return castExplicit
	}
	if from == types.Char {
		return castExplicit
	}
	switch from {
	case types.Date:
		switch to {
		case types.Timestamp, types.Timestamptz:
			return castImplicit
		}
	case types.Timestamp:
		switch to {
		case types.Timestamptz:
			return castImplicit
		case types.Date, types.Time:
			return castAssign
		}
	case types.Timestamptz:
		switch to {
		case types.Timestamp, types.Date, types.Time:
			return castAssign
		}
	case types.Time:
		if to == types.Interval {
			return castImplicit
		}
	case types.Interval:
		if to == types.Time {
			return castAssign
		}
	case types.Jsonb:
		switch to {
		case types.Bool, types.Int16, types.Int32, types.Int64, types.Float32, types.Float64, types.Numeric:
			return castExplicit
		}
	}
	return castNone
}

func canImplicit(from, to types.Type) bool { return castContext(from, to) >= castImplicit }

// CommonType resolves the type of UNION branches, CASE results, COALESCE arguments and the like, by
// PostgreSQL's select_common_type: unknown literals take the others' type (text when all are unknown);
// within one category the later type wins when the earlier casts to it implicitly but not back.
func CommonType(ts []types.Type) (types.Type, error) {
	pt := types.Unknown
	for _, t := range ts {
		if t == types.Unknown {
			continue
		}
		if pt == types.Unknown {
			pt = t
			continue
		}
		if t == pt {
			continue
		}
		if category(t) != category(pt) {
			return types.Unknown, pgerr.New(pgerr.DatatypeMismatch, "types %s and %s cannot be matched", pt, t)
		}
		if !preferred(pt) && canImplicit(pt, t) && !canImplicit(t, pt) {
			pt = t
		}
	}
	if pt == types.Unknown {
		return types.Varchar, nil
	}
	for _, t := range ts {
		if !canImplicit(t, pt) {
			return types.Unknown, pgerr.New(pgerr.DatatypeMismatch, "types %s and %s cannot be matched", pt, t)
		}
	}
	return pt, nil
}

// Coerce converts x to t as an assignment does (INSERT values, UPDATE SET, UNION branches, function
// arguments): implicit and assignment casts apply, explicit-only ones fail with 42804, which the caller
// may reword to name the column.
func Coerce(x Expr, t types.Type) (Expr, error) {
	return coerceTo(x, t, castAssign)
}

func coerceImplicit(x Expr, t types.Type) (Expr, error) {
	return coerceTo(x, t, castImplicit)
}

func coerceTo(x Expr, t types.Type, lvl castLevel) (Expr, error) {
	from := x.Type()
	if from == t {
		return x, nil
	}
	if castContext(from, t) < lvl {
		return nil, pgerr.New(pgerr.DatatypeMismatch, "expression is of type %s but %s is required", from, t).
			WithHint("You will need to rewrite or cast the expression.")
	}
	return NewCast(x, t)
}

// resolveUnknown gives an unknown-typed expression the type t (for operators: the other side's type).
func resolveUnknown(x Expr, t types.Type) (Expr, error) {
	if x.Type() != types.Unknown {
		return x, nil
	}
	return NewCast(x, t)
}
