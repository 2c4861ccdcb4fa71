package pgwire

import (
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

func (c *conn) parse(m *pgproto3.Parse) error {
	if m.Name != "" {
		if _, ok := c.stmts[m.Name]; ok {
			return pgerr.New(pgerr.DuplicatePreparedStatement, "prepared statement %q already exists", m.Name)
		}
	}
	ps := &prepared{query: m.Query}
	if strings.TrimSpace(m.Query) != "" {
		ctx, done := c.statementContext()
		stmt, err := c.sess.Prepare(ctx, m.Query, m.ParameterOIDs)
		done()
		if err != nil {
			return queryError(ctx, err)
		}
		ps.stmt, ps.params, ps.cols = stmt, stmt.ParamTypes(), stmt.Columns()
	}
	c.stmts[m.Name] = ps
	c.w.send(&pgproto3.ParseComplete{})
	return nil
}

func (c *conn) bind(m *pgproto3.Bind) error {
	ps, ok := c.stmts[m.PreparedStatement]
	if !ok {
		return pgerr.New(pgerr.InvalidSQLStatementName, "prepared statement %q does not exist", m.PreparedStatement)
	}
	if m.DestinationPortal != "" {
		if _, ok := c.portals[m.DestinationPortal]; ok {
			return pgerr.New("42P03", "cursor %q already exists", m.DestinationPortal)
		}
	} else if old := c.portals[""]; old != nil {
		old.close()
		delete(c.portals, "")
	}
	if len(m.Parameters) != len(ps.params) {
		return protocolError("bind message supplies %d parameters, but prepared statement %q requires %d",
			len(m.Parameters), m.PreparedStatement, len(ps.params))
	}
	paramFormats, err := expandFormats(m.ParameterFormatCodes, len(m.Parameters), "parameter")
	if err != nil {
		return err
	}
	resultFormats, err := expandFormats(m.ResultFormatCodes, len(ps.cols), "result")
	if err != nil {
		return err
	}
	params, err := c.decodeParams(ps.params, m.Parameters, paramFormats)
	if err != nil {
		return err
	}
	c.portals[m.DestinationPortal] = c.newPortal(ps, params, resultFormats)
	c.w.send(&pgproto3.BindComplete{})
	return nil
}

// expandFormats applies the protocol's rule for format codes: none means all text, one applies to
// all, otherwise one per item. It returns nil for all text.
func expandFormats(codes []int16, n int, what string) ([]int16, error) {
	for _, f := range codes {
		if f != textFormat && f != binaryFormat {
			return nil, protocolError("unsupported format code: %d", f)
		}
	}
	switch {
	case len(codes) == 0 || (len(codes) == 1 && codes[0] == textFormat):
		return nil, nil
	case len(codes) == 1:
		out := make([]int16, n)
		for i := range out {
			out[i] = codes[0]
		}
		return out, nil
	case len(codes) == n:
		return codes, nil
	}
	return nil, protocolError("bind message has %d %s formats but %d %ss", len(codes), what, n, what)
}

func (c *conn) decodeParams(ts []types.Type, vals [][]byte, formats []int16) ([]types.Datum, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	loc := c.sess.Location()
	out := make([]types.Datum, len(vals))
	for i, v := range vals {
		if v == nil {
			continue // NULL
		}
		var (
			d   types.Datum
			err error
		)
		if formats != nil && formats[i] == binaryFormat {
			d, err = decodeBinary(ts[i], v, loc)
		} else {
			d, err = types.ParseText(ts[i], string(v), loc)
		}
		if err != nil {
			e := pgerr.As(err)
			if e.Detail == "" {
				e.Detail = "parameter $" + strconv.Itoa(i+1)
			}
			return nil, e
		}
		out[i] = d
	}
	return out, nil
}

func (c *conn) describe(m *pgproto3.Describe) error {
	switch m.ObjectType {
	case 'S':
		ps, ok := c.stmts[m.Name]
		if !ok {
			return pgerr.New(pgerr.InvalidSQLStatementName, "prepared statement %q does not exist", m.Name)
		}
		oids := make([]uint32, len(ps.params))
		for i, t := range ps.params {
			oids[i] = t.OID()
		}
		c.w.send(&pgproto3.ParameterDescription{ParameterOIDs: oids})
		c.describeColumns(ps.cols, nil)
	case 'P':
		p, ok := c.portals[m.Name]
		if !ok {
			return pgerr.New(pgerr.InvalidCursorName, "portal %q does not exist", m.Name)
		}
		c.describeColumns(p.stmt.cols, p.formats)
	default:
		return protocolError("invalid DESCRIBE message subtype %d", m.ObjectType)
	}
	return nil
}

func (c *conn) describeColumns(cols []Column, formats []int16) {
	if cols == nil {
		c.w.send(&pgproto3.NoData{})
		return
	}
	c.w.send(rowDescription(cols, formats))
}

func (c *conn) execute(m *pgproto3.Execute) error {
	p, ok := c.portals[m.Portal]
	if !ok {
		return pgerr.New(pgerr.InvalidCursorName, "portal %q does not exist", m.Portal)
	}
	// Parse and Bind are not timed: clients prepare once and execute many times.
	defer metrics.ObserveQuery(metrics.StatementKind(p.stmt.query), time.Now())
	return c.runPortal(p, int(m.MaxRows))
}

func (c *conn) closeObject(m *pgproto3.Close) error {
	switch m.ObjectType {
	case 'S':
		// Portals made from the statement keep their own reference, as in PostgreSQL.
		delete(c.stmts, m.Name)
	case 'P':
		if p := c.portals[m.Name]; p != nil {
			p.close()
			delete(c.portals, m.Name)
		}
	default:
		return protocolError("invalid CLOSE message subtype %d", m.ObjectType)
	}
	c.w.send(&pgproto3.CloseComplete{})
	return nil
}

// sync ends an extended-protocol batch. The unnamed portal goes away, as at the end of PostgreSQL's
// implicit transaction; named portals stay, since we cannot tell whether a transaction block (in
// which PostgreSQL would keep them) is open and JDBC's fetch-size cursors rely on that.
func (c *conn) sync() {
	c.ignoreTillSync = false
	if p := c.portals[""]; p != nil {
		p.close()
		delete(c.portals, "")
	}
	c.readyForQuery()
}
