package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// copyFormat is how COPY TO writes rows: PostgreSQL's text or csv format with its options.
type copyFormat struct {
	csv        bool
	header     bool
	delim      byte
	null       string
	quote      byte
	escape     byte
	forceAll   bool
	forceQuote map[string]bool
}

func parseCopyOptions(opts []sql.Option) (*copyFormat, error) {
	f := &copyFormat{}
	var delim, null, quote, escape *string
	for _, o := range opts {
		v := o.Value
		switch o.Key {
		case "format":
			switch strings.ToLower(v) {
			case "text":
				f.csv = false
			case "csv":
				f.csv = true
			case "binary":
				return nil, pgerr.Unsupported("COPY with FORMAT binary is not supported")
			default:
				return nil, pgerr.New(pgerr.InvalidParameterValue, "COPY format %q not recognized", v)
			}
		case "header":
			switch strings.ToLower(v) {
			case "true", "on", "1":
				f.header = true
			case "false", "off", "0":
				f.header = false
			default:
				return nil, pgerr.New(pgerr.InvalidParameterValue, "header requires a Boolean value")
			}
		case "delimiter":
			delim = &v
		case "null":
			null = &v
		case "quote":
			quote = &v
		case "escape":
			escape = &v
		case "force_quote":
			if v == "*" {
				f.forceAll = true
				continue
			}
			f.forceQuote = map[string]bool{}
			for _, c := range strings.Split(v, ",") {
				f.forceQuote[c] = true
			}
		case "encoding":
			if !strings.EqualFold(strings.ReplaceAll(v, "-", ""), "utf8") {
				return nil, pgerr.Unsupported("COPY encoding %q is not supported: Runnel writes UTF8", v)
			}
		default:
			return nil, pgerr.New(pgerr.SyntaxError, "option %q not recognized", o.Key)
		}
	}
	f.delim, f.null, f.quote, f.escape = '\t', `\N`, '"', '"'
	if f.csv {
		f.delim, f.null = ',', ""
	}
	single := func(name string, v *string, into *byte) error {
		if v == nil {
			return nil
		}
		if len(*v) != 1 {
			return pgerr.New(pgerr.FeatureNotSupported, "COPY %s must be a single one-byte character", name)
		}
		*into = (*v)[0]
		return nil
	}
	if err := single("delimiter", delim, &f.delim); err != nil {
		return nil, err
	}
	if !f.csv && (quote != nil || escape != nil || f.forceAll || f.forceQuote != nil) {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY quote, escape and force_quote are available only in CSV mode")
	}
	if err := single("quote", quote, &f.quote); err != nil {
		return nil, err
	}
	f.escape = f.quote
	if err := single("escape", escape, &f.escape); err != nil {
		return nil, err
	}
	if null != nil {
		f.null = *null
	}
	if f.delim == '\n' || f.delim == '\r' || (!f.csv && f.delim == '\\') {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "COPY delimiter cannot be newline, carriage return or backslash")
	}
	if f.csv && f.delim == f.quote {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "COPY delimiter and quote must be different")
	}
	return f, nil
}

// planCopy plans COPY ... TO STDOUT as the query it copies; its rows go out as CopyData lines.
func (st *statement) planCopy(c *sql.Copy) error {
	if !c.ToStdout {
		return pgerr.Unsupported("COPY is supported only TO STDOUT")
	}
	f, err := parseCopyOptions(c.Options)
	if err != nil {
		return err
	}
	q := c.Query
	if c.Table != nil {
		if q, err = st.copyTableQuery(c); err != nil {
			return err
		}
	}
	if err := st.planSelect(q); err != nil {
		return err
	}
	cols, run := st.cols, st.run
	// COPY sends no RowDescription: its result is the copy stream, not rows.
	st.cols = nil
	st.run = func(ctx context.Context, params []types.Datum) (pgwire.Rows, error) {
		rows, err := run(ctx, params)
		if err != nil {
			return nil, err
		}
		return &copyRows{rows: rows, cols: cols, f: f, loc: st.s.loc, header: f.header}, nil
	}
	return nil
}

// copyTableQuery is the SELECT that COPY table [(columns)] reads.
func (st *statement) copyTableQuery(c *sql.Copy) (*sql.Query, error) {
	r, ok := st.s.e.cat.Lookup(c.Table.Schema, c.Table.Name)
	if !ok {
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", c.Table.String())
	}
	list := "*"
	if len(c.Columns) > 0 {
		quoted := make([]string, len(c.Columns))
		for i, col := range c.Columns {
			quoted[i] = expr.QuoteIdent(col)
		}
		list = strings.Join(quoted, ", ")
	}
	text := fmt.Sprintf("SELECT %s FROM %s.%s", list, expr.QuoteIdent(r.Schema), expr.QuoteIdent(r.Name))
	p, err := sql.ParseOne(text)
	if err != nil {
		return nil, err
	}
	sel, ok := p.Stmt.(*sql.SelectStmt)
	if !ok {
		return nil, pgerr.New(pgerr.InternalError, "COPY query %q is not a SELECT", text)
	}
	return sel.Query, nil
}

// copyRows formats the rows of a query as COPY lines, one line per Next.
type copyRows struct {
	rows   pgwire.Rows
	cols   []pgwire.Column
	f      *copyFormat
	loc    *time.Location
	header bool
	n      int64
	buf    []byte
	val    []byte
}

func (r *copyRows) CopyColumns() int { return len(r.cols) }

func (r *copyRows) Next(ctx context.Context) (types.Row, error) {
	r.buf = r.buf[:0]
	if r.header {
		r.header = false
		for i, c := range r.cols {
			r.buf = r.appendValue(r.buf, i, []byte(c.Name), true)
		}
		r.buf = append(r.buf, '\n')
		return types.Row{types.NewVarchar(string(r.buf))}, nil
	}
	row, err := r.rows.Next(ctx)
	if err != nil || row == nil {
		return nil, err
	}
	for i, d := range row {
		if d.IsNull() {
			if i > 0 {
				r.buf = append(r.buf, r.f.delim)
			}
			r.buf = append(r.buf, r.f.null...)
			continue
		}
		r.val = types.AppendText(r.val[:0], d, r.loc)
		r.buf = r.appendValue(r.buf, i, r.val, false)
	}
	r.buf = append(r.buf, '\n')
	r.n++
	return types.Row{types.NewVarchar(string(r.buf))}, nil
}

// appendValue appends one non-NULL value, escaped as PostgreSQL's CopyAttributeOutText or
// CopyAttributeOutCSV do, so that COPY FROM (ours or PostgreSQL's) reads it back unchanged.
func (r *copyRows) appendValue(buf []byte, col int, v []byte, isHeader bool) []byte {
	f := r.f
	if col > 0 {
		buf = append(buf, f.delim)
	}
	if !f.csv {
		for _, c := range v {
			// Control characters take their named escapes even when one is the delimiter.
			switch c {
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\v':
				buf = append(buf, '\\', 'v')
			case '\\', f.delim:
				buf = append(buf, '\\', c)
			default:
				buf = append(buf, c)
			}
		}
		return buf
	}
	quote := !isHeader && (f.forceAll || f.forceQuote[r.cols[col].Name])
	// A value that reads as the NULL string, or as the end-of-data marker, must be quoted.
	if !quote && (string(v) == f.null || (len(r.cols) == 1 && string(v) == `\.`)) {
		quote = true
	}
	for _, c := range v {
		if quote {
			break
		}
		quote = c == f.delim || c == f.quote || c == '\n' || c == '\r'
	}
	if !quote {
		return append(buf, v...)
	}
	buf = append(buf, f.quote)
	for _, c := range v {
		if c == f.quote || c == f.escape {
			buf = append(buf, f.escape)
		}
		buf = append(buf, c)
	}
	return append(buf, f.quote)
}

func (r *copyRows) Tag() string { return fmt.Sprintf("COPY %d", r.n) }

func (r *copyRows) Close() { r.rows.Close() }
