package sql

import (
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/runnel-db/runnel/pgerr"
)

// RisingWave's DDL clauses (WITH (connector = ...), FORMAT ... ENCODE ..., INCLUDE, WATERMARK FOR,
// APPEND ONLY, EMIT ON WINDOW CLOSE) are read here from the tokens; only the standard remainder goes
// to pg_query. Each parse result is positioned in the whole text, whichever part pg_query saw.

// parseRisingWave handles CREATE SOURCE/SINK and the CREATE TABLE/MATERIALIZED VIEW/VIEW forms that
// carry RisingWave clauses. It returns a nil statement for anything pg_query parses as is.
func parseRisingWave(s *stmtText) (Statement, int, error) {
	if s.word(0) != "create" {
		return nil, 0, nil
	}
	i := 1
	orReplace := s.is(1, "or", "replace")
	if orReplace {
		i = 3
	}
	switch {
	case s.word(i) == "source" && !orReplace:
		return s.createTableLike(i, true)
	case s.word(i) == "table" && !orReplace:
		return s.createTableLike(i, false)
	case s.word(i) == "sink" && !orReplace:
		return s.createSink(i + 1)
	case s.is(i, "materialized", "view") && !orReplace:
		return s.createView(i+2, true, false)
	case s.word(i) == "view":
		return s.createView(i+1, false, orReplace)
	}
	return nil, 0, nil
}

// rwClauses collects the clauses after a column list.
type rwClauses struct {
	appendOnly bool
	with       []Option
	format     *Format
	include    []IncludeColumn
	found      bool // any clause at all
}

// clauses reads RisingWave clauses from token i until the end or a token in stop; it returns the
// index where it stopped.
func (s *stmtText) clauses(i int, allowed string, stop ...string) (rwClauses, int, error) {
	var c rwClauses
	for i < len(s.toks) {
		w := s.word(i)
		for _, st := range stop {
			if w == st {
				return c, i, nil
			}
		}
		if !strings.Contains(allowed, w+" ") || w == "" {
			return c, i, s.syntaxErrAt(i)
		}
		c.found = true
		switch w {
		case "append":
			if s.word(i+1) != "only" {
				return c, i, s.syntaxErrAt(i + 1)
			}
			c.appendOnly, i = true, i+2
		case "with":
			if s.kind(i+1) != pg_query.Token_ASCII_40 {
				return c, i, s.syntaxErrAt(i + 1)
			}
			opts, j, err := s.options(i + 1)
			if err != nil {
				return c, i, err
			}
			c.with, i = append(c.with, opts...), j
		case "format":
			f, j, err := s.formatClause(i)
			if err != nil {
				return c, i, err
			}
			c.format, i = f, j
		case "include":
			what := s.word(i + 1)
			switch what {
			case "key", "partition", "offset", "timestamp", "header", "payload":
			default:
				return c, i, s.syntaxErrAt(i + 1)
			}
			inc := IncludeColumn{What: what}
			i += 2
			if s.word(i) == "as" {
				a, ok := s.ident(i + 1)
				if !ok {
					return c, i, s.syntaxErrAt(i + 1)
				}
				inc.Alias, i = a, i+2
			}
			c.include = append(c.include, inc)
		}
	}
	return c, i, nil
}

// options reads ( key = value, ... ) at i, returning the index after the closing parenthesis. Keys
// keep their dots (properties.bootstrap.server) and are lower-cased; values are text.
func (s *stmtText) options(i int) ([]Option, int, error) {
	end := s.closing(i)
	if end < 0 {
		return nil, i, s.syntaxErrAt(len(s.toks))
	}
	var out []Option
	j := i + 1
	for j < end {
		var key strings.Builder
		for j < end && s.kind(j) != pg_query.Token_ASCII_61 {
			if s.kind(j) == pg_query.Token_ASCII_46 {
				key.WriteByte('.')
			} else if id, ok := s.ident(j); ok {
				key.WriteString(strings.ToLower(id))
			} else if s.word(j) != "" { // reserved words are fine inside a dotted key
				key.WriteString(s.word(j))
			} else {
				return nil, j, s.syntaxErrAt(j)
			}
			j++
		}
		if key.Len() == 0 || j == end {
			return nil, j, s.syntaxErrAt(j)
		}
		j++ // '='
		v, ok := s.optionValue(j)
		if !ok || j >= end {
			return nil, j, s.syntaxErrAt(j)
		}
		out = append(out, Option{Key: key.String(), Value: v})
		j = s.afterValue(j)
		if j < end {
			if s.kind(j) != pg_query.Token_ASCII_44 {
				return nil, j, s.syntaxErrAt(j)
			}
			j++
		}
	}
	return out, end + 1, nil
}

// optionValue reads a value: strings unquoted, numbers and identifiers as written.
func (s *stmtText) optionValue(j int) (string, bool) {
	switch s.kind(j) {
	case pg_query.Token_SCONST:
		return s.stringValue(j)
	case pg_query.Token_ICONST, pg_query.Token_FCONST:
		return s.text(j), true
	case pg_query.Token_ASCII_45: // -1
		if k := s.kind(j + 1); k == pg_query.Token_ICONST || k == pg_query.Token_FCONST {
			return "-" + s.text(j+1), true
		}
	case pg_query.Token_IDENT:
		if s.word(j) == "" {
			id, _ := s.ident(j)
			return id, true
		}
		return s.text(j), true
	default:
		if s.word(j) != "" {
			return s.text(j), true
		}
	}
	return "", false
}

func (s *stmtText) afterValue(j int) int {
	if s.kind(j) == pg_query.Token_ASCII_45 {
		return j + 2
	}
	return j + 1
}

// formatClause reads FORMAT x ENCODE y [(options)] at i.
func (s *stmtText) formatClause(i int) (*Format, int, error) {
	if s.word(i+1) == "" {
		return nil, i, s.syntaxErrAt(i + 1)
	}
	f := &Format{Format: strings.ToUpper(s.word(i + 1))}
	if s.word(i+2) != "encode" {
		return nil, i, s.syntaxErrAt(i + 2)
	}
	if s.word(i+3) == "" {
		return nil, i, s.syntaxErrAt(i + 3)
	}
	f.Encode = strings.ToUpper(s.word(i + 3))
	i += 4
	if s.kind(i) == pg_query.Token_ASCII_40 {
		opts, j, err := s.options(i)
		if err != nil {
			return nil, i, err
		}
		f.Options, i = opts, j
	}
	if s.is(i, "key", "encode") {
		return nil, i, s.errAt(i, pgerr.FeatureNotSupported, "KEY ENCODE is not supported")
	}
	return f, i, nil
}

// mask builds a copy of sql with the marked bytes blanked, one space per character (newlines kept),
// so that every character pg_query reports keeps its position.
func mask(sql string, blank []bool, suffix string) string {
	var b strings.Builder
	b.Grow(len(sql) + len(suffix))
	for i, r := range sql {
		switch {
		case !blank[i]:
			b.WriteRune(r)
		case r == '\n':
			b.WriteByte('\n')
		default:
			b.WriteByte(' ')
		}
	}
	b.WriteString(suffix)
	return b.String()
}

func (s *stmtText) blankTokens(blank []bool, from, to int) {
	if from > to || from >= len(s.toks) {
		return
	}
	for k := s.toks[from].start; k < s.toks[to].end; k++ {
		blank[k] = true
	}
}

// createTableLike handles CREATE TABLE and CREATE SOURCE from the kind keyword at k.
func (s *stmtText) createTableLike(k int, source bool) (Statement, int, error) {
	i := k + 1
	ifNotExists := s.is(i, "if", "not", "exists")
	if ifNotExists {
		i += 3
	}
	if _, j, err := s.objectName(i); err != nil {
		if source {
			return nil, 0, err
		}
		return nil, 0, nil // let pg_query report it
	} else {
		i = j
	}
	blank := make([]bool, len(s.sql))
	var wms []Watermark
	nparams := 0
	hasCols := s.kind(i) == pg_query.Token_ASCII_40
	if hasCols {
		end := s.closing(i)
		if end < 0 {
			return nil, 0, s.syntaxErrAt(len(s.toks))
		}
		var err error
		wms, nparams, err = s.cutWatermarks(i, end, blank)
		if err != nil {
			return nil, 0, err
		}
		i = end + 1
	}
	allowed := "with format include append "
	if source {
		allowed = "with format include "
	}
	c, stop, err := s.clauses(i, allowed, "as")
	if err != nil {
		if !source && !c.found && wms == nil {
			return nil, 0, nil // not RisingWave's: pg_query has the better message
		}
		return nil, 0, err
	}
	if !source && !c.found && wms == nil {
		return nil, 0, nil
	}
	if source && stop < len(s.toks) {
		return nil, 0, s.syntaxErrAt(stop)
	}
	s.blankTokens(blank, i, stop-1)
	suffix := ""
	if !hasCols && (stop == len(s.toks) || source) {
		suffix = " ()"
	}
	text := s.sql
	if source {
		// CREATE SOURCE reads as CREATE TABLE with the same characters: "SOURCE" -> "TABLE ".
		b := []byte(text)
		copy(b[s.toks[k].start:s.toks[k].end], "TABLE ")
		text = string(b)
	}
	text = mask(text, blank, suffix)
	res, err := pg_query.Parse(text)
	if err != nil {
		return nil, 0, s.syntaxError(err)
	}
	cv := newConverter(s, text)
	var st Statement
	if len(res.Stmts) != 1 {
		return nil, 0, s.syntaxErrAt(0)
	}
	if st, err = cv.statement(res.Stmts[0].Stmt); err != nil {
		return nil, 0, err
	}
	ct, ok := st.(*CreateTable)
	if !ok {
		return nil, 0, s.syntaxErrAt(0)
	}
	if nparams < cv.maxParam {
		nparams = cv.maxParam
	}
	ct.AppendOnly, ct.With, ct.Format, ct.Include, ct.Watermarks = c.appendOnly, c.with, c.format, c.include, wms
	if !source {
		return ct, nparams, nil
	}
	return &CreateSource{
		Name: ct.Name, IfNotExists: ct.IfNotExists, Columns: ct.Columns, PrimaryKey: ct.PrimaryKey,
		With: ct.With, Format: ct.Format, Watermarks: ct.Watermarks, Include: ct.Include,
	}, nparams, nil
}

// cutWatermarks finds WATERMARK FOR col AS expr items in the column list between the parentheses at
// open and end, parses them, and marks them (with the commas that would dangle) for blanking.
func (s *stmtText) cutWatermarks(open, end int, blank []bool) ([]Watermark, int, error) {
	type item struct{ from, to int } // token range, inclusive
	var items []item
	depth, from := 0, open+1
	for j := open + 1; j < end; j++ {
		switch s.kind(j) {
		case pg_query.Token_ASCII_40, pg_query.Token_ASCII_91:
			depth++
		case pg_query.Token_ASCII_41, pg_query.Token_ASCII_93:
			depth--
		case pg_query.Token_ASCII_44:
			if depth == 0 {
				items = append(items, item{from, j - 1})
				from = j + 1
			}
		}
	}
	if from < end {
		items = append(items, item{from, end - 1})
	}
	var wms []Watermark
	nparams := 0
	for _, it := range items {
		if !s.is(it.from, "watermark", "for") {
			continue
		}
		col, ok := s.ident(it.from + 2)
		if !ok {
			return nil, 0, s.syntaxErrAt(it.from + 2)
		}
		if s.word(it.from+3) != "as" {
			return nil, 0, s.syntaxErrAt(it.from + 3)
		}
		if it.from+4 > it.to {
			return nil, 0, s.syntaxErrAt(it.from + 4)
		}
		e, np, err := s.parseExprAt(it.from+4, it.to)
		if err != nil {
			return nil, 0, err
		}
		nparams = max(nparams, np)
		wms = append(wms, Watermark{Column: col, Expr: e})
		s.blankTokens(blank, it.from, it.to)
	}
	if wms == nil {
		return nil, 0, nil
	}
	// Blank every top-level comma, then restore the one before each kept item but the first.
	for _, it := range items {
		if it.to+1 < end {
			blank[s.toks[it.to+1].start] = true
		}
	}
	kept := 0
	for _, it := range items {
		if s.is(it.from, "watermark", "for") {
			continue
		}
		if kept > 0 {
			blank[s.toks[it.from-1].start] = false
		}
		kept++
	}
	return wms, nparams, nil
}

// parseExprAt parses the expression in tokens from..to as the target of SELECT <expr>.
func (s *stmtText) parseExprAt(from, to int) (Expr, int, error) {
	const prefix = "SELECT "
	start := s.toks[from].start
	text := prefix + s.sql[start:s.toks[to].end]
	base := s.charBase + utf8.RuneCountInString(s.sql[:start]) - len(prefix)
	res, err := pg_query.Parse(text)
	if err != nil {
		return nil, 0, syntaxError(err, base)
	}
	var sel *pg_query.SelectStmt
	if len(res.Stmts) == 1 {
		sel = res.Stmts[0].Stmt.GetSelectStmt()
	}
	if sel == nil || len(sel.TargetList) != 1 || len(sel.FromClause) > 0 || sel.WhereClause != nil {
		return nil, 0, s.syntaxErrAt(from)
	}
	cv := &converter{src: s, text: text, charBase: base}
	var e Expr
	if err := cv.catch(func() { e = cv.expr(sel.TargetList[0].GetResTarget().Val) }); err != nil {
		return nil, 0, err
	}
	return e, cv.maxParam, nil
}

// parseQueryAt parses the query in tokens from..to.
func (s *stmtText) parseQueryAt(from, to int) (*Query, int, error) {
	if from > to || from >= len(s.toks) {
		return nil, 0, s.syntaxErrAt(from)
	}
	start := s.toks[from].start
	text := s.sql[start:s.toks[to].end]
	base := s.charBase + utf8.RuneCountInString(s.sql[:start])
	res, err := pg_query.Parse(text)
	if err != nil {
		return nil, 0, syntaxError(err, base)
	}
	if len(res.Stmts) != 1 || res.Stmts[0].Stmt.GetSelectStmt() == nil {
		return nil, 0, s.syntaxErrAt(from)
	}
	cv := &converter{src: s, text: text, charBase: base}
	q, err := cv.queryOf(res.Stmts[0].Stmt)
	return q, cv.maxParam, err
}

// identList reads ( a, b, ... ) at i.
func (s *stmtText) identList(i int) ([]string, int, error) {
	var out []string
	j := i + 1
	for {
		id, ok := s.ident(j)
		if !ok {
			return nil, j, s.syntaxErrAt(j)
		}
		out = append(out, id)
		j++
		if s.kind(j) == pg_query.Token_ASCII_41 {
			return out, j + 1, nil
		}
		if s.kind(j) != pg_query.Token_ASCII_44 {
			return nil, j, s.syntaxErrAt(j)
		}
		j++
	}
}

// createView handles CREATE [MATERIALIZED] VIEW when it carries WITH (...), EMIT ON WINDOW CLOSE or
// (for plain views) IF NOT EXISTS, which PostgreSQL's grammar lacks. i is the token after VIEW.
func (s *stmtText) createView(i int, materialized, orReplace bool) (Statement, int, error) {
	n := len(s.toks)
	emit := n >= 4 && s.is(n-4, "emit", "on", "window", "close")
	ifNotExists := s.is(i, "if", "not", "exists")
	if ifNotExists {
		i += 3
	}
	rw := emit || (ifNotExists && !materialized)
	name, i, err := s.objectName(i)
	if err != nil {
		return nil, 0, nil
	}
	var cols []string
	if s.kind(i) == pg_query.Token_ASCII_40 {
		if cols, i, err = s.identList(i); err != nil {
			return nil, 0, nil
		}
	}
	var opts []Option
	if s.word(i) == "with" && s.kind(i+1) == pg_query.Token_ASCII_40 {
		rw = true
		if opts, i, err = s.options(i + 1); err != nil {
			return nil, 0, err
		}
	}
	if !rw {
		return nil, 0, nil
	}
	if s.word(i) != "as" {
		return nil, 0, s.syntaxErrAt(i)
	}
	last := n - 1
	if emit {
		last = n - 5
	}
	q, np, err := s.parseQueryAt(i+1, last)
	if err != nil {
		return nil, 0, err
	}
	if !materialized {
		if emit || opts != nil {
			return nil, 0, s.errAt(i, pgerr.FeatureNotSupported, "WITH options and EMIT ON WINDOW CLOSE are not supported on views")
		}
		return &CreateView{Name: name, IfNotExists: ifNotExists, OrReplace: orReplace, Columns: cols, Query: q}, np, nil
	}
	return &CreateMaterializedView{Name: name, IfNotExists: ifNotExists, Columns: cols, Query: q, EmitOnWindowClose: emit, With: opts}, np, nil
}

// createSink handles CREATE SINK [IF NOT EXISTS] name FROM relation | AS query WITH (...) [FORMAT ...].
func (s *stmtText) createSink(i int) (Statement, int, error) {
	out := &CreateSink{}
	if s.is(i, "if", "not", "exists") {
		out.IfNotExists, i = true, i+3
	}
	name, i, err := s.objectName(i)
	if err != nil {
		return nil, 0, err
	}
	out.Name = name
	np := 0
	switch s.word(i) {
	case "from":
		from, j, err := s.objectName(i + 1)
		if err != nil {
			return nil, 0, err
		}
		out.From, i = &from, j
	case "as":
		// The query ends at the last top-level WITH (: a CTE's WITH is never followed by "(".
		w, depth := -1, 0
		for j := i + 1; j < len(s.toks); j++ {
			switch s.kind(j) {
			case pg_query.Token_ASCII_40:
				depth++
			case pg_query.Token_ASCII_41:
				depth--
			}
			if depth == 0 && s.word(j) == "with" && s.kind(j+1) == pg_query.Token_ASCII_40 {
				w = j
			}
		}
		if w < 0 {
			return nil, 0, s.syntaxErrAt(len(s.toks))
		}
		if out.Query, np, err = s.parseQueryAt(i+1, w-1); err != nil {
			return nil, 0, err
		}
		i = w
	case "into":
		return nil, 0, s.errAt(i, pgerr.FeatureNotSupported, "CREATE SINK INTO a table is not supported")
	default:
		return nil, 0, s.syntaxErrAt(i)
	}
	c, _, err := s.clauses(i, "with format ")
	if err != nil {
		return nil, 0, err
	}
	if c.with == nil {
		return nil, 0, s.syntaxErrAt(i)
	}
	out.With, out.Format = c.with, c.format
	return out, np, nil
}
