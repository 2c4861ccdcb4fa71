package planner

import (
	"fmt"
	"strings"
)

// Explain renders a plan as indented lines, one per node, for EXPLAIN.
func Explain(n Node) []string {
	var out []string
	var visit func(n Node, depth int)
	visit = func(n Node, depth int) {
		prefix := strings.Repeat("  ", depth)
		if depth > 0 {
			prefix += "-> "
		}
		out = append(out, prefix+describe(n))
		for _, c := range n.Children() {
			visit(c, depth+1)
		}
	}
	visit(n, 0)
	return out
}

func describe(n Node) string {
	switch n := n.(type) {
	case *Scan:
		return "Scan " + n.Rel.Name
	case *SystemScan:
		return "SystemScan " + n.Rel.Schema + "." + n.Rel.Name
	case *Values:
		return fmt.Sprintf("Values (%d rows)", len(n.Rows))
	case *Filter:
		return "Filter: " + n.Cond.String()
	case *Project:
		parts := make([]string, len(n.Exprs))
		for i, e := range n.Exprs {
			parts[i] = e.String()
		}
		return "Project: " + strings.Join(parts, ", ")
	case *Join:
		kind := [...]string{"Inner", "Left", "Right", "Full", "Semi", "Anti", "NullAwareAnti"}[n.Kind]
		var conds []string
		for i := range n.LeftKeys {
			conds = append(conds, n.LeftKeys[i].String()+" = "+n.RightKeys[i].String())
		}
		if n.Cond != nil {
			conds = append(conds, n.Cond.String())
		}
		if len(n.LeftKeys) == 0 {
			return kind + " Nested Loop Join" + on(conds)
		}
		return kind + " Hash Join" + on(conds)
	case *Agg:
		var parts []string
		for _, g := range n.GroupBy {
			parts = append(parts, g.String())
		}
		var aggs []string
		for _, a := range n.Aggs {
			aggs = append(aggs, a.Func.Name)
		}
		return "HashAgg group by [" + strings.Join(parts, ", ") + "] aggs [" + strings.Join(aggs, ", ") + "]"
	case *Sort:
		return fmt.Sprintf("Sort (%d keys)", len(n.Keys))
	case *Limit:
		return fmt.Sprintf("Limit %d offset %d", n.Count, n.Offset)
	case *Distinct:
		return "Distinct"
	case *SetOp:
		return fmt.Sprintf("%s all=%v", [...]string{"Union", "Intersect", "Except"}[n.Kind], n.All)
	case *EnforceSingleRow:
		return "EnforceSingleRow"
	case *Apply:
		return "Apply (correlated subquery)"
	}
	return fmt.Sprintf("%T", n)
}

func on(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " on " + strings.Join(conds, " AND ")
}
