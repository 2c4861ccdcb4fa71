package sql

import (
	"strings"
)

// Deparse renders a statement as SQL that parses back to the same AST. It serves SHOW CREATE and the
// round-trip tests; expressions are fully parenthesised so precedence never has to be reasoned about.
// (It is not called Format because ast.go's Format is the FORMAT ... ENCODE clause.)
func Deparse(s Statement) string {
	var f formatter
	f.stmt(s)
	return f.String()
}

// DeparseExpr renders one expression.
func DeparseExpr(e Expr) string {
	var f formatter
	f.expr(e)
	return f.String()
}

// DeparseQuery renders a query.
func DeparseQuery(q *Query) string {
	var f formatter
	f.query(q)
	return f.String()
}

type formatter struct{ strings.Builder }

func (f *formatter) w(parts ...string) {
	for _, p := range parts {
		f.WriteString(p)
	}
}

func (f *formatter) exprList(es []Expr) {
	for i, e := range es {
		if i > 0 {
			f.w(", ")
		}
		f.expr(e)
	}
}

func (f *formatter) expr(e Expr) {
	switch x := e.(type) {
	case nil:
		f.w("NULL")
	case *ColumnRef:
		for i, p := range x.Parts {
			if i > 0 {
				f.w(".")
			}
			f.w(QuoteIdent(p))
		}
	case *Star:
		if x.Table != "" {
			for _, p := range strings.Split(x.Table, ".") {
				f.w(QuoteIdent(p), ".")
			}
		}
		f.w("*")
	case *Literal:
		f.literal(x)
	case *Param:
		f.w("$", itoa(x.N))
	case *BinaryExpr:
		f.w("(")
		f.expr(x.L)
		f.w(" ", x.Op, " ")
		f.expr(x.R)
		if x.Escape != nil {
			f.w(" ESCAPE ")
			f.expr(x.Escape)
		}
		f.w(")")
	case *UnaryExpr:
		f.w("(", x.Op, " ")
		f.expr(x.X)
		f.w(")")
	case *FuncCall:
		f.funcCall(x)
	case *Cast:
		f.w("CAST(")
		f.expr(x.X)
		f.w(" AS ", x.TypeName, ")")
	case *CaseExpr:
		f.w("CASE")
		if x.Operand != nil {
			f.w(" ")
			f.expr(x.Operand)
		}
		for _, wh := range x.Whens {
			f.w(" WHEN ")
			f.expr(wh.Cond)
			f.w(" THEN ")
			f.expr(wh.Result)
		}
		if x.Else != nil {
			f.w(" ELSE ")
			f.expr(x.Else)
		}
		f.w(" END")
	case *InList:
		f.w("(")
		f.expr(x.X)
		f.w(not(x.Not), " IN (")
		f.exprList(x.List)
		f.w("))")
	case *Between:
		f.w("(")
		f.expr(x.X)
		f.w(not(x.Not), " BETWEEN ")
		if x.Symmetric {
			f.w("SYMMETRIC ")
		}
		f.expr(x.Lo)
		f.w(" AND ")
		f.expr(x.Hi)
		f.w(")")
	case *IsNull:
		f.w("(")
		f.expr(x.X)
		f.w(" IS", not(x.Not), " NULL)")
	case *IsBool:
		f.w("(")
		f.expr(x.X)
		f.w(" IS", not(x.Not))
		switch {
		case x.Unknown:
			f.w(" UNKNOWN)")
		case x.Value:
			f.w(" TRUE)")
		default:
			f.w(" FALSE)")
		}
	case *Subquery:
		f.subquery(x)
	case *ArrayExpr:
		f.w("ARRAY[")
		f.exprList(x.Elems)
		f.w("]")
	case *Subscript:
		f.w("(")
		f.expr(x.X)
		f.w(")[")
		f.expr(x.Index)
		f.w("]")
	case *FieldSelect:
		f.w("(")
		f.expr(x.X)
		f.w(").")
		f.w(QuoteIdent(x.Field))
	case *AnyExpr:
		f.w("(")
		f.expr(x.X)
		f.w(" ", x.Op, " ")
		if x.All {
			f.w("ALL (")
		} else {
			f.w("ANY (")
		}
		f.expr(x.Array)
		f.w("))")
	case *Collate:
		f.w("(")
		f.expr(x.X)
		f.w(" COLLATE ")
		for i, p := range strings.Split(x.Name, ".") {
			if i > 0 {
				f.w(".")
			}
			f.w(`"`, strings.ReplaceAll(p, `"`, `""`), `"`)
		}
		f.w(")")
	case *RowExpr:
		f.w("ROW(")
		f.exprList(x.Elems)
		f.w(")")
	case *DefaultExpr:
		f.w("DEFAULT")
	default:
		f.w("/* unknown expression */")
	}
}

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

func (f *formatter) literal(l *Literal) {
	switch l.Kind {
	case NullLit:
		f.w("NULL")
	case BoolLit:
		if l.Bool {
			f.w("TRUE")
		} else {
			f.w("FALSE")
		}
	case IntLit, NumberLit:
		f.w(l.Val)
	case StringLit:
		f.w(QuoteString(l.Val))
	case BitLit:
		if l.Val != "" && (l.Val[0] == 'x' || l.Val[0] == 'b') {
			f.w(strings.ToUpper(l.Val[:1]), QuoteString(l.Val[1:]))
		} else {
			f.w("B", QuoteString(l.Val))
		}
	}
}

func (f *formatter) funcCall(x *FuncCall) {
	if x.Schema == "" && sqlValueFuncs[x.Name] && x.Over == nil && !x.Star {
		f.w(x.Name)
		if len(x.Args) == 0 {
			return
		}
		f.w("(")
		f.exprList(x.Args)
		f.w(")")
		return
	}
	if x.Schema != "" {
		f.w(QuoteIdent(x.Schema), ".", QuoteIdent(x.Name))
	} else {
		f.w(funcName(x.Name))
	}
	f.w("(")
	if x.Star {
		f.w("*")
	}
	if x.Distinct {
		f.w("DISTINCT ")
	}
	f.exprList(x.Args)
	if len(x.OrderBy) > 0 {
		f.w(" ")
		f.orderBy(x.OrderBy)
	}
	f.w(")")
	if x.Filter != nil {
		f.w(" FILTER (WHERE ")
		f.expr(x.Filter)
		f.w(")")
	}
	if x.Over != nil {
		f.w(" OVER (")
		f.window(x.Over)
		f.w(")")
	}
}

func (f *formatter) window(w *WindowSpec) {
	var parts []string
	if w.Name != "" {
		parts = append(parts, QuoteIdent(w.Name))
	}
	if len(w.PartitionBy) > 0 {
		var g formatter
		g.w("PARTITION BY ")
		g.exprList(w.PartitionBy)
		parts = append(parts, g.String())
	}
	if len(w.OrderBy) > 0 {
		var g formatter
		g.orderBy(w.OrderBy)
		parts = append(parts, g.String())
	}
	if w.Frame != "" {
		parts = append(parts, w.Frame)
	}
	f.w(strings.Join(parts, " "))
}

func (f *formatter) orderBy(items []OrderItem) {
	f.w("ORDER BY ")
	for i, o := range items {
		if i > 0 {
			f.w(", ")
		}
		f.expr(o.Expr)
		if o.Desc {
			f.w(" DESC")
		}
		if o.NullsFirst != nil {
			if *o.NullsFirst {
				f.w(" NULLS FIRST")
			} else {
				f.w(" NULLS LAST")
			}
		}
	}
}

func (f *formatter) subquery(x *Subquery) {
	switch x.Kind {
	case ScalarSubquery:
		f.w("(")
		f.query(x.Query)
		f.w(")")
	case ExistsSubquery:
		f.w("EXISTS (")
		f.query(x.Query)
		f.w(")")
	case ArraySubquery:
		f.w("ARRAY(")
		f.query(x.Query)
		f.w(")")
	case InSubquery:
		f.w("(")
		f.expr(x.X)
		f.w(" IN (")
		f.query(x.Query)
		f.w("))")
	case AnySubquery, AllSubquery:
		f.w("(")
		f.expr(x.X)
		f.w(" ", x.Op)
		if x.Kind == AnySubquery {
			f.w(" ANY (")
		} else {
			f.w(" ALL (")
		}
		f.query(x.Query)
		f.w("))")
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
