package sql

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// typeName resolves a type name. It returns the type and the name as PostgreSQL's grammar spells it
// ("varchar(10)", "int4[]", "timestamptz"), which is what messages show.
func (c *converter) typeName(tn *pg_query.TypeName) (types.Type, string) {
	if tn.Setof || tn.PctType {
		c.unsupported(tn.Location, "SETOF and %TYPE")
	}
	parts := c.strs(tn.Names)
	if len(parts) == 2 && parts[0] == "pg_catalog" {
		parts = parts[1:]
	}
	base := strings.Join(parts, ".")
	lookup := base
	if base == "char" {
		// The grammar turns unquoted char(n) into bpchar, so a bare "char" was written quoted: the
		// one-byte internal type.
		lookup = `"char"`
	}
	written := base
	if base == "char" {
		written = lookup
	}
	if base == "interval" && len(tn.Typmods) > 0 {
		// Fields (HOUR, DAY TO SECOND) are not a modifier anyone reads back; the caller folds them
		// into the literal.
	} else if len(tn.Typmods) > 0 {
		mods := make([]string, len(tn.Typmods))
		for i, m := range tn.Typmods {
			mods[i] = DeparseExpr(c.expr(m))
		}
		written += "(" + strings.Join(mods, ",") + ")"
	}
	for range tn.ArrayBounds {
		lookup += "[]"
		written += "[]"
	}
	t, ok := types.Lookup(lookup)
	if !ok {
		c.failAt(tn.Location, pgerr.UndefinedObject, "type \"%s\" does not exist", written)
	}
	return t, written
}

// Interval field masks of PostgreSQL's utils/datetime.h (INTERVAL_MASK of each field).
const (
	ivMonth  = 1 << 1
	ivYear   = 1 << 2
	ivDay    = 1 << 3
	ivHour   = 1 << 10
	ivMinute = 1 << 11
	ivSecond = 1 << 12
)

var intervalUnits = map[int32]string{
	ivYear: "year", ivMonth: "month", ivDay: "day", ivHour: "hour", ivMinute: "minute", ivSecond: "second",
}

func (c *converter) typeCast(tc *pg_query.TypeCast) Expr {
	t, written := c.typeName(tc.TypeName)
	x := c.expr(tc.Arg)
	if t == types.Interval && len(tc.TypeName.Typmods) > 0 {
		// INTERVAL '5' SECOND means '5 second': fold the unit into the literal so the binder only
		// ever parses interval strings. Ranges (HOUR TO MINUTE) take '1:30' as PostgreSQL does.
		if lit, ok := x.(*Literal); ok && lit.Kind == StringLit {
			mask := int32(-1)
			if m, ok := tc.TypeName.Typmods[0].Node.(*pg_query.Node_AConst); ok {
				if iv, ok := m.AConst.Val.(*pg_query.A_Const_Ival); ok {
					mask = iv.Ival.Ival
				}
			}
			if unit, ok := intervalUnits[mask]; ok && isPlainNumber(lit.Val) {
				x = &Literal{Kind: StringLit, Val: strings.TrimSpace(lit.Val) + " " + unit}
			}
		}
	}
	return &Cast{X: x, Type: t, TypeName: written}
}

// isPlainNumber reports whether s is a signed decimal number, the only form a unit can follow.
func isPlainNumber(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "eEinfINFnaNA")
}
