package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/runnel-db/runnel/pgerr"
)

// query converts a SelectStmt node into a Query with its WITH, ORDER BY and LIMIT.
func (c *converter) query(n *pg_query.Node) *Query {
	s := n.GetSelectStmt()
	if s == nil {
		c.unsupported(-1, "statement "+nodeName(n)+" as a query")
	}
	return c.selectQuery(s)
}

func (c *converter) selectQuery(s *pg_query.SelectStmt) *Query {
	if s.IntoClause != nil {
		c.unsupported(-1, "SELECT INTO")
	}
	if len(s.LockingClause) > 0 {
		c.unsupported(-1, "SELECT FOR UPDATE/SHARE")
	}
	q := &Query{}
	if s.WithClause != nil {
		q.With = c.with(s.WithClause)
	}
	q.Body = c.body(s)
	q.OrderBy = c.orderBy(s.SortClause)
	if s.LimitOption == pg_query.LimitOption_LIMIT_OPTION_WITH_TIES {
		c.unsupported(-1, "FETCH ... WITH TIES")
	}
	q.Limit = c.limit(s.LimitCount)
	q.Offset = c.exprOpt(s.LimitOffset)
	return q
}

// limit converts a LIMIT count; LIMIT ALL and LIMIT NULL mean no limit.
func (c *converter) limit(n *pg_query.Node) Expr {
	if n == nil || n.Node == nil {
		return nil
	}
	if a := n.GetAConst(); a != nil && a.Isnull {
		return nil
	}
	return c.expr(n)
}

func (c *converter) with(w *pg_query.WithClause) []CTE {
	if w.Recursive {
		c.unsupported(w.Location, "WITH RECURSIVE")
	}
	out := make([]CTE, len(w.Ctes))
	for i, n := range w.Ctes {
		cte := n.GetCommonTableExpr()
		if cte == nil {
			c.unsupported(w.Location, "WITH item "+nodeName(n))
		}
		if cte.Ctequery.GetSelectStmt() == nil {
			c.unsupported(cte.Location, "data-modifying statement in WITH")
		}
		out[i] = CTE{Name: cte.Ctename, Columns: c.strs(cte.Aliascolnames), Query: c.query(cte.Ctequery)}
	}
	return out
}

// hasQueryClauses reports whether a set-operation arm carries its own WITH/ORDER BY/LIMIT, which
// only a parenthesised query can.
func hasQueryClauses(s *pg_query.SelectStmt) bool {
	return s.WithClause != nil || len(s.SortClause) > 0 || s.LimitCount != nil || s.LimitOffset != nil
}

// body converts the query body of s, ignoring its WITH/ORDER BY/LIMIT (the caller's Query has them).
func (c *converter) body(s *pg_query.SelectStmt) QueryBody {
	switch s.Op {
	case pg_query.SetOperation_SETOP_UNION, pg_query.SetOperation_SETOP_INTERSECT, pg_query.SetOperation_SETOP_EXCEPT:
		kind := map[pg_query.SetOperation]SetOpKind{
			pg_query.SetOperation_SETOP_UNION:     Union,
			pg_query.SetOperation_SETOP_INTERSECT: Intersect,
			pg_query.SetOperation_SETOP_EXCEPT:    Except,
		}[s.Op]
		return &SetOp{Kind: kind, All: s.All, L: c.arm(s.Larg), R: c.arm(s.Rarg)}
	}
	if len(s.ValuesLists) > 0 {
		v := &Values{Rows: make([][]Expr, len(s.ValuesLists))}
		for i, row := range s.ValuesLists {
			l := row.GetList()
			if l == nil {
				c.unsupported(-1, "VALUES row "+nodeName(row))
			}
			v.Rows[i] = c.exprs(l.Items)
		}
		return v
	}
	return c.selectBody(s)
}

func (c *converter) arm(s *pg_query.SelectStmt) QueryBody {
	if hasQueryClauses(s) {
		return c.selectQuery(s)
	}
	return c.body(s)
}

func (c *converter) selectBody(s *pg_query.SelectStmt) *Select {
	if s.GroupDistinct {
		c.unsupported(-1, "GROUP BY DISTINCT")
	}
	saved := c.windows
	defer func() { c.windows = saved }()
	if len(s.WindowClause) > 0 {
		c.windows = make(map[string]*pg_query.WindowDef, len(s.WindowClause))
		for _, w := range s.WindowClause {
			if wd := w.GetWindowDef(); wd != nil {
				c.windows[wd.Name] = wd
			}
		}
	}
	out := &Select{}
	if len(s.DistinctClause) > 0 {
		out.Distinct = true
		if !(len(s.DistinctClause) == 1 && s.DistinctClause[0].Node == nil) {
			out.DistinctOn = c.exprs(s.DistinctClause)
		}
	}
	out.Items = c.targets(s.TargetList)
	for _, f := range s.FromClause {
		out.From = append(out.From, c.tableExpr(f))
	}
	out.Where = c.exprOpt(s.WhereClause)
	out.GroupBy = c.exprs(s.GroupClause)
	out.Having = c.exprOpt(s.HavingClause)
	return out
}

// targets converts a select list or RETURNING list.
func (c *converter) targets(nodes []*pg_query.Node) []SelectItem {
	if len(nodes) == 0 {
		return nil
	}
	out := make([]SelectItem, len(nodes))
	for i, n := range nodes {
		rt := n.GetResTarget()
		if rt == nil {
			c.unsupported(-1, "select item "+nodeName(n))
		}
		x := c.expr(rt.Val)
		if len(rt.Indirection) > 0 {
			x = c.indirection(x, rt.Indirection)
		}
		out[i] = SelectItem{Expr: x, Alias: rt.Name}
	}
	return out
}

func (c *converter) tableExpr(n *pg_query.Node) TableExpr {
	switch v := n.Node.(type) {
	case *pg_query.Node_RangeVar:
		return &TableRef{Name: c.rangeVarName(v.RangeVar), Alias: c.alias(v.RangeVar.Alias)}
	case *pg_query.Node_RangeSubselect:
		rs := v.RangeSubselect
		return &SubqueryRef{Query: c.query(rs.Subquery), Alias: c.alias(rs.Alias), Lateral: rs.Lateral}
	case *pg_query.Node_RangeFunction:
		return c.rangeFunction(v.RangeFunction)
	case *pg_query.Node_JoinExpr:
		return c.join(v.JoinExpr)
	case *pg_query.Node_RangeTableSample:
		c.unsupported(v.RangeTableSample.Location, "TABLESAMPLE")
	}
	c.unsupported(-1, "FROM item "+nodeName(n))
	return nil
}

func (c *converter) rangeFunction(rf *pg_query.RangeFunction) TableExpr {
	if rf.Ordinality {
		c.unsupported(-1, "WITH ORDINALITY")
	}
	if rf.IsRowsfrom || len(rf.Functions) != 1 {
		c.unsupported(-1, "ROWS FROM")
	}
	if len(rf.Coldeflist) > 0 {
		c.unsupported(-1, "column definition lists")
	}
	pair := rf.Functions[0].GetList()
	if pair == nil || len(pair.Items) == 0 {
		c.unsupported(-1, "function in FROM")
	}
	if len(pair.Items) > 1 && pair.Items[1].Node != nil {
		c.unsupported(-1, "column definition lists")
	}
	var fc *FuncCall
	switch x := c.expr(pair.Items[0]).(type) {
	case *FuncCall:
		fc = x
	default:
		c.unsupported(-1, "this expression in FROM")
	}
	if fc.Over != nil || fc.Star || fc.Distinct || fc.Filter != nil || len(fc.OrderBy) > 0 {
		c.unsupported(-1, "aggregate or window call in FROM")
	}
	name := fc.Name
	if fc.Schema != "" {
		name = fc.Schema + "." + name
	}
	return &FuncTable{Name: strings.ToLower(name), Args: fc.Args, Alias: c.alias(rf.Alias)}
}

func (c *converter) join(j *pg_query.JoinExpr) TableExpr {
	out := &Join{
		L: c.tableExpr(j.Larg), R: c.tableExpr(j.Rarg),
		On: c.exprOpt(j.Quals), Using: c.strs(j.UsingClause), Natural: j.IsNatural,
		Alias: c.alias(j.Alias),
	}
	if j.JoinUsingAlias != nil {
		c.unsupported(-1, "USING (...) AS alias")
	}
	switch j.Jointype {
	case pg_query.JoinType_JOIN_INNER:
		out.Kind = InnerJoin
		if out.On == nil && out.Using == nil && !out.Natural {
			out.Kind = CrossJoin
		}
	case pg_query.JoinType_JOIN_LEFT:
		out.Kind = LeftJoin
	case pg_query.JoinType_JOIN_RIGHT:
		out.Kind = RightJoin
	case pg_query.JoinType_JOIN_FULL:
		out.Kind = FullJoin
	default:
		c.failAt(-1, pgerr.FeatureNotSupported, "join type %s is not supported", j.Jointype)
	}
	return out
}
