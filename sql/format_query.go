package sql

func (f *formatter) query(q *Query) {
	if len(q.With) > 0 {
		f.w("WITH ")
		for i, c := range q.With {
			if i > 0 {
				f.w(", ")
			}
			f.w(QuoteIdent(c.Name))
			if len(c.Columns) > 0 {
				f.w(" (", quoteIdents(c.Columns), ")")
			}
			f.w(" AS (")
			f.query(c.Query)
			f.w(")")
		}
		f.w(" ")
	}
	f.body(q.Body, false)
	if len(q.OrderBy) > 0 {
		f.w(" ")
		f.orderBy(q.OrderBy)
	}
	if q.Limit != nil {
		f.w(" LIMIT ")
		f.expr(q.Limit)
	}
	if q.Offset != nil {
		f.w(" OFFSET ")
		f.expr(q.Offset)
	}
}

// body renders a query body; arm says it is an operand of a set operation, where nested operations
// and full queries need parentheses to keep their shape.
func (f *formatter) body(b QueryBody, arm bool) {
	switch x := b.(type) {
	case *Select:
		f.selectBody(x)
	case *Values:
		f.w("VALUES ")
		for i, r := range x.Rows {
			if i > 0 {
				f.w(", ")
			}
			f.w("(")
			f.exprList(r)
			f.w(")")
		}
	case *SetOp:
		if arm {
			f.w("(")
		}
		f.body(x.L, true)
		f.w([...]string{" UNION ", " INTERSECT ", " EXCEPT "}[x.Kind])
		if x.All {
			f.w("ALL ")
		}
		f.body(x.R, true)
		if arm {
			f.w(")")
		}
	case *Query:
		f.w("(")
		f.query(x)
		f.w(")")
	}
}

func (f *formatter) selectBody(s *Select) {
	f.w("SELECT ")
	if s.Distinct {
		f.w("DISTINCT ")
		if len(s.DistinctOn) > 0 {
			f.w("ON (")
			f.exprList(s.DistinctOn)
			f.w(") ")
		}
	}
	f.selectItems(s.Items)
	if len(s.From) > 0 {
		f.w(" FROM ")
		for i, t := range s.From {
			if i > 0 {
				f.w(", ")
			}
			f.tableExpr(t)
		}
	}
	if s.Where != nil {
		f.w(" WHERE ")
		f.expr(s.Where)
	}
	if len(s.GroupBy) > 0 {
		f.w(" GROUP BY ")
		f.exprList(s.GroupBy)
	}
	if s.Having != nil {
		f.w(" HAVING ")
		f.expr(s.Having)
	}
}

func (f *formatter) selectItems(items []SelectItem) {
	for i, it := range items {
		if i > 0 {
			f.w(", ")
		}
		f.expr(it.Expr)
		if it.Alias != "" {
			f.w(" AS ", QuoteIdent(it.Alias))
		}
	}
}

func (f *formatter) alias(a *Alias) {
	if a == nil {
		return
	}
	f.w(" AS ", QuoteIdent(a.Name))
	if len(a.Columns) > 0 {
		f.w(" (", quoteIdents(a.Columns), ")")
	}
}

func (f *formatter) tableExpr(t TableExpr) {
	switch x := t.(type) {
	case *TableRef:
		f.w(formatName(x.Name))
		f.alias(x.Alias)
	case *SubqueryRef:
		if x.Lateral {
			f.w("LATERAL ")
		}
		f.w("(")
		f.query(x.Query)
		f.w(")")
		f.alias(x.Alias)
	case *FuncTable:
		f.w(funcName(x.Name), "(")
		f.exprList(x.Args)
		f.w(")")
		f.alias(x.Alias)
	case *Join:
		f.w("(")
		f.tableExpr(x.L)
		switch {
		case x.Kind == CrossJoin:
			f.w(" CROSS JOIN ")
		case x.Natural:
			f.w(" NATURAL", [...]string{"", " LEFT", " RIGHT", " FULL", ""}[x.Kind], " JOIN ")
		default:
			f.w([...]string{" JOIN ", " LEFT JOIN ", " RIGHT JOIN ", " FULL JOIN ", ""}[x.Kind])
		}
		f.tableExpr(x.R)
		if x.On != nil {
			f.w(" ON ")
			f.expr(x.On)
		} else if len(x.Using) > 0 {
			f.w(" USING (", quoteIdents(x.Using), ")")
		}
		f.w(")")
		f.alias(x.Alias)
	}
}
