package sql

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/runnel-db/runnel/pgerr"
)

func (c *converter) exprs(nodes []*pg_query.Node) []Expr {
	if len(nodes) == 0 {
		return nil
	}
	out := make([]Expr, len(nodes))
	for i, n := range nodes {
		out[i] = c.expr(n)
	}
	return out
}

// exprOpt converts an optional expression (nil stays nil).
func (c *converter) exprOpt(n *pg_query.Node) Expr {
	if n == nil || n.Node == nil {
		return nil
	}
	return c.expr(n)
}

func (c *converter) expr(n *pg_query.Node) Expr {
	if n == nil || n.Node == nil {
		c.failAt(-1, pgerr.InternalError, "missing expression")
	}
	switch v := n.Node.(type) {
	case *pg_query.Node_ColumnRef:
		return c.columnRef(v.ColumnRef)
	case *pg_query.Node_AConst:
		return c.constant(v.AConst)
	case *pg_query.Node_ParamRef:
		if int(v.ParamRef.Number) > c.maxParam {
			c.maxParam = int(v.ParamRef.Number)
		}
		return &Param{N: int(v.ParamRef.Number)}
	case *pg_query.Node_AExpr:
		return c.aExpr(v.AExpr)
	case *pg_query.Node_BoolExpr:
		return c.boolExpr(v.BoolExpr)
	case *pg_query.Node_NullTest:
		return &IsNull{X: c.expr(v.NullTest.Arg), Not: v.NullTest.Nulltesttype == pg_query.NullTestType_IS_NOT_NULL}
	case *pg_query.Node_BooleanTest:
		return c.boolTest(v.BooleanTest)
	case *pg_query.Node_TypeCast:
		return c.typeCast(v.TypeCast)
	case *pg_query.Node_FuncCall:
		return c.funcCall(v.FuncCall)
	case *pg_query.Node_CaseExpr:
		ce := v.CaseExpr
		out := &CaseExpr{Operand: c.exprOpt(ce.Arg), Else: c.exprOpt(ce.Defresult)}
		for _, w := range ce.Args {
			cw := w.GetCaseWhen()
			if cw == nil {
				c.unsupported(ce.Location, "CASE arm "+nodeName(w))
			}
			out.Whens = append(out.Whens, When{Cond: c.expr(cw.Expr), Result: c.expr(cw.Result)})
		}
		return out
	case *pg_query.Node_CoalesceExpr:
		return &FuncCall{Name: "coalesce", Args: c.exprs(v.CoalesceExpr.Args)}
	case *pg_query.Node_MinMaxExpr:
		name := "greatest"
		if v.MinMaxExpr.Op == pg_query.MinMaxOp_IS_LEAST {
			name = "least"
		}
		return &FuncCall{Name: name, Args: c.exprs(v.MinMaxExpr.Args)}
	case *pg_query.Node_SqlvalueFunction:
		return c.sqlValueFunc(v.SqlvalueFunction)
	case *pg_query.Node_SubLink:
		return c.subLink(v.SubLink)
	case *pg_query.Node_AArrayExpr:
		return &ArrayExpr{Elems: c.exprs(v.AArrayExpr.Elements)}
	case *pg_query.Node_AIndirection:
		return c.indirection(c.expr(v.AIndirection.Arg), v.AIndirection.Indirection)
	case *pg_query.Node_CollateClause:
		return &Collate{X: c.expr(v.CollateClause.Arg), Name: strings.Join(c.strs(v.CollateClause.Collname), ".")}
	case *pg_query.Node_RowExpr:
		return &RowExpr{Elems: c.exprs(v.RowExpr.Args)}
	case *pg_query.Node_SetToDefault:
		return &DefaultExpr{}
	case *pg_query.Node_GroupingFunc:
		c.unsupported(v.GroupingFunc.Location, "GROUPING")
	case *pg_query.Node_GroupingSet:
		c.unsupported(v.GroupingSet.Location, "GROUPING SETS, ROLLUP and CUBE")
	}
	c.unsupported(-1, "expression "+nodeName(n))
	return nil
}

func (c *converter) columnRef(cr *pg_query.ColumnRef) Expr {
	parts := make([]string, len(cr.Fields))
	for i, f := range cr.Fields {
		switch v := f.Node.(type) {
		case *pg_query.Node_String_:
			parts[i] = v.String_.Sval
		case *pg_query.Node_AStar:
			if i != len(cr.Fields)-1 {
				c.failAt(cr.Location, pgerr.SyntaxError, "improper use of \"*\"")
			}
			return &Star{Table: strings.Join(parts[:i], ".")}
		default:
			c.unsupported(cr.Location, "column reference element "+nodeName(f))
		}
	}
	return &ColumnRef{Parts: parts}
}

func (c *converter) constant(a *pg_query.A_Const) Expr {
	if a.Isnull {
		return &Literal{Kind: NullLit}
	}
	switch v := a.Val.(type) {
	case *pg_query.A_Const_Ival:
		return &Literal{Kind: IntLit, Val: strconv.FormatInt(int64(v.Ival.Ival), 10)}
	case *pg_query.A_Const_Fval:
		return numberLiteral(v.Fval.Fval)
	case *pg_query.A_Const_Sval:
		return &Literal{Kind: StringLit, Val: v.Sval.Sval}
	case *pg_query.A_Const_Boolval:
		return &Literal{Kind: BoolLit, Bool: v.Boolval.Boolval, Val: strconv.FormatBool(v.Boolval.Boolval)}
	case *pg_query.A_Const_Bsval:
		return &Literal{Kind: BitLit, Val: v.Bsval.Bsval}
	}
	c.unsupported(a.Location, "constant")
	return nil
}

// numberLiteral classifies a numeric literal pg_query kept as text: integers too large for int32 come
// this way as well, and stay IntLit so that the binder can pick int8 or numeric.
func numberLiteral(s string) *Literal {
	s = strings.ReplaceAll(s, "_", "")
	lower := strings.ToLower(strings.TrimPrefix(s, "-"))
	if strings.HasPrefix(lower, "0x") || strings.HasPrefix(lower, "0o") || strings.HasPrefix(lower, "0b") {
		if u, err := strconv.ParseInt(s, 0, 64); err == nil {
			return &Literal{Kind: IntLit, Val: strconv.FormatInt(u, 10)}
		}
		return &Literal{Kind: IntLit, Val: s}
	}
	if strings.ContainsAny(s, ".eE") {
		return &Literal{Kind: NumberLit, Val: s}
	}
	return &Literal{Kind: IntLit, Val: s}
}

// opName reads an operator name list; OPERATOR(pg_catalog.~) is the plain operator.
func (c *converter) opName(names []*pg_query.Node, loc int32) string {
	parts := c.strs(names)
	if len(parts) == 0 {
		c.failAt(loc, pgerr.InternalError, "operator without a name")
	}
	if len(parts) == 2 && parts[0] != "pg_catalog" {
		c.failAt(loc, pgerr.UndefinedFunction, "operator does not exist: %s", strings.Join(parts, "."))
	}
	op := parts[len(parts)-1]
	if op == "!=" {
		op = "<>"
	}
	return op
}

func (c *converter) aExpr(a *pg_query.A_Expr) Expr {
	switch a.Kind {
	case pg_query.A_Expr_Kind_AEXPR_OP:
		op := c.opName(a.Name, a.Location)
		switch op {
		case "~~":
			op = "LIKE"
		case "!~~":
			op = "NOT LIKE"
		case "~~*":
			op = "ILIKE"
		case "!~~*":
			op = "NOT ILIKE"
		}
		if a.Lexpr == nil {
			return &UnaryExpr{Op: op, X: c.expr(a.Rexpr)}
		}
		if a.Rexpr == nil {
			c.unsupported(a.Location, "postfix operator "+op)
		}
		return &BinaryExpr{Op: op, L: c.expr(a.Lexpr), R: c.expr(a.Rexpr)}
	case pg_query.A_Expr_Kind_AEXPR_OP_ANY, pg_query.A_Expr_Kind_AEXPR_OP_ALL:
		return &AnyExpr{X: c.expr(a.Lexpr), Op: c.opName(a.Name, a.Location), All: a.Kind == pg_query.A_Expr_Kind_AEXPR_OP_ALL, Array: c.expr(a.Rexpr)}
	case pg_query.A_Expr_Kind_AEXPR_DISTINCT:
		return &BinaryExpr{Op: "IS DISTINCT FROM", L: c.expr(a.Lexpr), R: c.expr(a.Rexpr)}
	case pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		return &BinaryExpr{Op: "IS NOT DISTINCT FROM", L: c.expr(a.Lexpr), R: c.expr(a.Rexpr)}
	case pg_query.A_Expr_Kind_AEXPR_NULLIF:
		return &FuncCall{Name: "nullif", Args: []Expr{c.expr(a.Lexpr), c.expr(a.Rexpr)}}
	case pg_query.A_Expr_Kind_AEXPR_IN:
		list := a.Rexpr.GetList()
		if list == nil {
			c.unsupported(a.Location, "IN with "+nodeName(a.Rexpr))
		}
		return &InList{X: c.expr(a.Lexpr), List: c.exprs(list.Items), Not: c.opName(a.Name, a.Location) == "<>"}
	case pg_query.A_Expr_Kind_AEXPR_LIKE, pg_query.A_Expr_Kind_AEXPR_ILIKE, pg_query.A_Expr_Kind_AEXPR_SIMILAR:
		return c.likeExpr(a)
	case pg_query.A_Expr_Kind_AEXPR_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN,
		pg_query.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		list := a.Rexpr.GetList()
		if list == nil || len(list.Items) != 2 {
			c.failAt(a.Location, pgerr.SyntaxError, "malformed BETWEEN")
		}
		return &Between{
			X: c.expr(a.Lexpr), Lo: c.expr(list.Items[0]), Hi: c.expr(list.Items[1]),
			Not:       a.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN || a.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM,
			Symmetric: a.Kind == pg_query.A_Expr_Kind_AEXPR_BETWEEN_SYM || a.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM,
		}
	}
	c.unsupported(a.Location, "operator kind "+a.Kind.String())
	return nil
}

// likeExpr undoes pg_query's rewrite of ESCAPE (and of SIMILAR TO) into like_escape/similar_to_escape
// calls, so the AST says what was written.
func (c *converter) likeExpr(a *pg_query.A_Expr) Expr {
	op := c.opName(a.Name, a.Location)
	not := strings.HasPrefix(op, "!")
	var word string
	switch a.Kind {
	case pg_query.A_Expr_Kind_AEXPR_LIKE:
		word = "LIKE"
	case pg_query.A_Expr_Kind_AEXPR_ILIKE:
		word = "ILIKE"
	default:
		word = "SIMILAR TO"
	}
	if not {
		word = "NOT " + word
	}
	out := &BinaryExpr{Op: word, L: c.expr(a.Lexpr)}
	if fc := a.Rexpr.GetFuncCall(); fc != nil {
		name := c.strs(fc.Funcname)
		if fn := name[len(name)-1]; len(name) == 2 && name[0] == "pg_catalog" && (fn == "like_escape" || fn == "similar_to_escape") {
			args := c.exprs(fc.Args)
			out.R = args[0]
			if len(args) > 1 {
				out.Escape = args[1]
			}
			return out
		}
	}
	out.R = c.expr(a.Rexpr)
	return out
}

func (c *converter) boolExpr(b *pg_query.BoolExpr) Expr {
	args := c.exprs(b.Args)
	switch b.Boolop {
	case pg_query.BoolExprType_NOT_EXPR:
		return &UnaryExpr{Op: "NOT", X: args[0]}
	case pg_query.BoolExprType_AND_EXPR, pg_query.BoolExprType_OR_EXPR:
		op := "AND"
		if b.Boolop == pg_query.BoolExprType_OR_EXPR {
			op = "OR"
		}
		e := args[0]
		for _, x := range args[1:] {
			e = &BinaryExpr{Op: op, L: e, R: x}
		}
		return e
	}
	c.unsupported(b.Location, "boolean operator")
	return nil
}

func (c *converter) boolTest(b *pg_query.BooleanTest) Expr {
	out := &IsBool{X: c.expr(b.Arg)}
	switch b.Booltesttype {
	case pg_query.BoolTestType_IS_TRUE:
		out.Value = true
	case pg_query.BoolTestType_IS_NOT_TRUE:
		out.Value, out.Not = true, true
	case pg_query.BoolTestType_IS_FALSE:
	case pg_query.BoolTestType_IS_NOT_FALSE:
		out.Not = true
	case pg_query.BoolTestType_IS_UNKNOWN:
		out.Unknown = true
	case pg_query.BoolTestType_IS_NOT_UNKNOWN:
		out.Unknown, out.Not = true, true
	}
	return out
}

func (c *converter) sqlValueFunc(f *pg_query.SQLValueFunction) Expr {
	var name string
	switch f.Op {
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
		name = "current_date"
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME_N:
		name = "current_time"
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N:
		name = "current_timestamp"
	case pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME_N:
		name = "localtime"
	case pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		name = "localtimestamp"
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_ROLE:
		name = "current_role"
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_USER, pg_query.SQLValueFunctionOp_SVFOP_USER:
		name = "current_user"
	case pg_query.SQLValueFunctionOp_SVFOP_SESSION_USER:
		name = "session_user"
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:
		name = "current_catalog"
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:
		name = "current_schema"
	default:
		c.unsupported(f.Location, "SQL value function "+f.Op.String())
	}
	out := &FuncCall{Name: name}
	switch f.Op {
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME_N, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N,
		pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME_N, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		out.Args = []Expr{&Literal{Kind: IntLit, Val: strconv.Itoa(int(f.Typmod))}}
	}
	return out
}

func (c *converter) funcCall(f *pg_query.FuncCall) Expr {
	parts := c.strs(f.Funcname)
	out := &FuncCall{Name: parts[len(parts)-1]}
	switch len(parts) {
	case 1:
	case 2:
		if parts[0] != "pg_catalog" {
			out.Schema = parts[0]
		}
	default:
		c.failAt(f.Location, pgerr.FeatureNotSupported, "cross-database references are not implemented: %s", strings.Join(parts, "."))
	}
	if f.AggWithinGroup {
		c.unsupported(f.Location, "WITHIN GROUP")
	}
	if f.FuncVariadic {
		c.unsupported(f.Location, "VARIADIC")
	}
	out.Args = c.exprs(f.Args)
	out.Star = f.AggStar
	out.Distinct = f.AggDistinct
	out.OrderBy = c.orderBy(f.AggOrder)
	out.Filter = c.exprOpt(f.AggFilter)
	if f.Over != nil {
		out.Over = c.window(f.Over)
	}
	return out
}

func (c *converter) subLink(s *pg_query.SubLink) Expr {
	q := c.query(s.Subselect)
	switch s.SubLinkType {
	case pg_query.SubLinkType_EXISTS_SUBLINK:
		return &Subquery{Kind: ExistsSubquery, Query: q}
	case pg_query.SubLinkType_EXPR_SUBLINK:
		return &Subquery{Kind: ScalarSubquery, Query: q}
	case pg_query.SubLinkType_ARRAY_SUBLINK:
		return &Subquery{Kind: ArraySubquery, Query: q}
	case pg_query.SubLinkType_ANY_SUBLINK:
		op := "="
		if len(s.OperName) > 0 {
			op = c.opName(s.OperName, s.Location)
		}
		kind := InSubquery
		if op != "=" {
			kind = AnySubquery
		}
		return &Subquery{Kind: kind, Query: q, X: c.expr(s.Testexpr), Op: op}
	case pg_query.SubLinkType_ALL_SUBLINK:
		return &Subquery{Kind: AllSubquery, Query: q, X: c.expr(s.Testexpr), Op: c.opName(s.OperName, s.Location)}
	}
	c.unsupported(s.Location, "subquery of kind "+s.SubLinkType.String())
	return nil
}

func (c *converter) indirection(x Expr, ind []*pg_query.Node) Expr {
	for _, n := range ind {
		switch v := n.Node.(type) {
		case *pg_query.Node_AIndices:
			if v.AIndices.IsSlice {
				c.unsupported(-1, "array slice")
			}
			x = &Subscript{X: x, Index: c.expr(v.AIndices.Uidx)}
		case *pg_query.Node_String_:
			x = &FieldSelect{X: x, Field: strings.ToLower(v.String_.Sval)}
		default:
			c.unsupported(-1, "indirection "+nodeName(n))
		}
	}
	return x
}

func (c *converter) orderBy(nodes []*pg_query.Node) []OrderItem {
	if len(nodes) == 0 {
		return nil
	}
	out := make([]OrderItem, len(nodes))
	for i, n := range nodes {
		sb := n.GetSortBy()
		if sb == nil {
			c.unsupported(-1, "ORDER BY item "+nodeName(n))
		}
		item := OrderItem{Expr: c.expr(sb.Node)}
		switch sb.SortbyDir {
		case pg_query.SortByDir_SORTBY_DESC:
			item.Desc = true
		case pg_query.SortByDir_SORTBY_USING:
			c.unsupported(sb.Location, "ORDER BY USING")
		}
		switch sb.SortbyNulls {
		case pg_query.SortByNulls_SORTBY_NULLS_FIRST:
			t := true
			item.NullsFirst = &t
		case pg_query.SortByNulls_SORTBY_NULLS_LAST:
			f := false
			item.NullsFirst = &f
		}
		out[i] = item
	}
	return out
}

func (c *converter) window(w *pg_query.WindowDef) *WindowSpec {
	name := w.Name
	if name == "" {
		name = w.Refname
	}
	if name != "" {
		// OVER w and OVER (w ...) refer to the SELECT's WINDOW clause: inline it, since the AST has
		// no named windows of its own.
		def, ok := c.windows[name]
		if !ok {
			c.failAt(w.Location, pgerr.UndefinedObject, "window \"%s\" does not exist", name)
		}
		merged := &pg_query.WindowDef{
			PartitionClause: def.PartitionClause, OrderClause: def.OrderClause,
			FrameOptions: def.FrameOptions, StartOffset: def.StartOffset, EndOffset: def.EndOffset,
		}
		if w.Name == "" { // OVER (w ORDER BY ...) adds to the named window
			if len(w.OrderClause) > 0 {
				merged.OrderClause = w.OrderClause
			}
			if w.FrameOptions&frameNonDefault != 0 {
				merged.FrameOptions, merged.StartOffset, merged.EndOffset = w.FrameOptions, w.StartOffset, w.EndOffset
			}
		}
		w = merged
	}
	return &WindowSpec{
		PartitionBy: c.exprs(w.PartitionClause),
		OrderBy:     c.orderBy(w.OrderClause),
		Frame:       c.frame(w),
	}
}

// Frame option bits of PostgreSQL's nodes/parsenodes.h.
const (
	frameNonDefault        = 0x00001
	frameRange             = 0x00002
	frameRows              = 0x00004
	frameGroups            = 0x00008
	frameBetween           = 0x00010
	frameStartUnboundedPre = 0x00020
	frameEndUnboundedPre   = 0x00040
	frameStartUnboundedFol = 0x00080
	frameEndUnboundedFol   = 0x00100
	frameStartCurrentRow   = 0x00200
	frameEndCurrentRow     = 0x00400
	frameStartOffsetPre    = 0x00800
	frameEndOffsetPre      = 0x01000
	frameStartOffsetFol    = 0x02000
	frameEndOffsetFol      = 0x04000
	frameExcludeCurrentRow = 0x08000
	frameExcludeGroup      = 0x10000
	frameExcludeTies       = 0x20000
)

// frame renders a window frame as canonical text, since the AST keeps frames as text.
func (c *converter) frame(w *pg_query.WindowDef) string {
	o := w.FrameOptions
	if o&frameNonDefault == 0 {
		return ""
	}
	var b strings.Builder
	switch {
	case o&frameRows != 0:
		b.WriteString("ROWS ")
	case o&frameGroups != 0:
		b.WriteString("GROUPS ")
	default:
		b.WriteString("RANGE ")
	}
	bound := func(unbPre, unbFol, cur, offPre, offFol int32, off *pg_query.Node) string {
		switch {
		case o&unbPre != 0:
			return "UNBOUNDED PRECEDING"
		case o&unbFol != 0:
			return "UNBOUNDED FOLLOWING"
		case o&cur != 0:
			return "CURRENT ROW"
		case o&offPre != 0:
			return DeparseExpr(c.expr(off)) + " PRECEDING"
		case o&offFol != 0:
			return DeparseExpr(c.expr(off)) + " FOLLOWING"
		}
		return ""
	}
	start := bound(frameStartUnboundedPre, frameStartUnboundedFol, frameStartCurrentRow, frameStartOffsetPre, frameStartOffsetFol, w.StartOffset)
	if o&frameBetween != 0 {
		end := bound(frameEndUnboundedPre, frameEndUnboundedFol, frameEndCurrentRow, frameEndOffsetPre, frameEndOffsetFol, w.EndOffset)
		b.WriteString("BETWEEN " + start + " AND " + end)
	} else {
		b.WriteString(start)
	}
	switch {
	case o&frameExcludeCurrentRow != 0:
		b.WriteString(" EXCLUDE CURRENT ROW")
	case o&frameExcludeGroup != 0:
		b.WriteString(" EXCLUDE GROUP")
	case o&frameExcludeTies != 0:
		b.WriteString(" EXCLUDE TIES")
	}
	return b.String()
}
