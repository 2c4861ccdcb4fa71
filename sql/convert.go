package sql

import (
	"fmt"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/runnel-db/runnel/pgerr"
)

// converter turns one pg_query parse tree into Runnel's AST.
//
// Every node of the walk may meet something Runnel does not support; the converter stops with a typed
// panic (bailout) that statement() recovers, as go/parser does, so that the hundreds of conversion
// functions stay readable instead of threading an error through every return.
type converter struct {
	src      *stmtText
	text     string // the text pg_query parsed: src.sql, a masked copy, or a part of it
	charBase int    // characters of the whole input before text, for error positions
	maxParam int
	windows  map[string]*pg_query.WindowDef // WINDOW w AS (...) of the SELECT being converted
}

type bailout struct{ err error }

func newConverter(src *stmtText, text string) *converter {
	return &converter{src: src, text: text, charBase: src.charBase}
}

// fail stops the conversion with err.
func (c *converter) fail(err error) {
	panic(bailout{err})
}

// failAt stops the conversion with an error positioned at byte offset loc of the parsed text.
func (c *converter) failAt(loc int32, code, format string, args ...any) {
	e := pgerr.New(code, format, args...)
	if loc >= 0 && int(loc) <= len(c.text) {
		e.Position = c.charBase + utf8.RuneCountInString(c.text[:loc]) + 1
	}
	c.fail(e)
}

// unsupported stops the conversion with 0A000 naming the construct.
func (c *converter) unsupported(loc int32, what string) {
	c.failAt(loc, pgerr.FeatureNotSupported, "%s is not supported", what)
}

// catch runs f and turns a bailout into its error.
func (c *converter) catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	f()
	return nil
}

// statement converts one raw statement.
func (c *converter) statement(n *pg_query.Node) (st Statement, err error) {
	err = c.catch(func() { st = c.stmt(n) })
	return st, err
}

// query converts a query node (SelectStmt) on its own, for callers that cut it out of a larger text.
func (c *converter) queryOf(n *pg_query.Node) (q *Query, err error) {
	err = c.catch(func() { q = c.query(n) })
	return q, err
}

// strs reads a list of String nodes (column lists, qualified names).
func (c *converter) strs(nodes []*pg_query.Node) []string {
	if len(nodes) == 0 {
		return nil
	}
	out := make([]string, len(nodes))
	for i, n := range nodes {
		s, ok := n.Node.(*pg_query.Node_String_)
		if !ok {
			c.unsupported(-1, fmt.Sprintf("name element %T", n.Node))
		}
		out[i] = s.String_.Sval
	}
	return out
}

// objectName builds a name from a qualified-name list (schema.name).
func (c *converter) objectName(parts []string) ObjectName {
	switch len(parts) {
	case 1:
		return ObjectName{Name: parts[0]}
	case 2:
		return ObjectName{Schema: parts[0], Name: parts[1]}
	}
	c.failAt(-1, pgerr.FeatureNotSupported, "cross-database references are not implemented: %s", strings.Join(parts, "."))
	return ObjectName{}
}

func (c *converter) rangeVarName(rv *pg_query.RangeVar) ObjectName {
	if rv.Catalogname != "" {
		c.failAt(rv.Location, pgerr.FeatureNotSupported, "cross-database references are not implemented: %s.%s.%s", rv.Catalogname, rv.Schemaname, rv.Relname)
	}
	return ObjectName{Schema: rv.Schemaname, Name: rv.Relname}
}

func (c *converter) alias(a *pg_query.Alias) *Alias {
	if a == nil {
		return nil
	}
	return &Alias{Name: a.Aliasname, Columns: c.strs(a.Colnames)}
}

// nodeName names a pg_query node type for "not supported" messages.
func nodeName(n *pg_query.Node) string {
	if n == nil || n.Node == nil {
		return "empty node"
	}
	s := fmt.Sprintf("%T", n.Node)
	s = strings.TrimPrefix(s, "*pg_query.Node_")
	return s
}
