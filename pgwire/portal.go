package pgwire

import (
	"context"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// prepared is a statement made by Parse (or by a simple query, unnamed and short-lived).
type prepared struct {
	query  string
	stmt   Statement // nil for an empty query string
	params []types.Type
	cols   []Column
}

// portal is a prepared statement bound to parameter values, executed in one or more parts.
type portal struct {
	stmt    *prepared
	params  []types.Datum
	formats []int16 // one per result column, or nil for all text

	// ctx lives as long as the portal: the Rows of a suspended portal may still depend on it.
	ctx    context.Context
	cancel context.CancelCauseFunc
	rows   Rows

	// pending is the row read ahead to learn whether a row-limited Execute has more to give.
	pending    types.Row
	hasPending bool
	done       bool
	failed     bool
	tag        string
}

func (c *conn) newPortal(stmt *prepared, params []types.Datum, formats []int16) *portal {
	ctx, cancel := context.WithCancelCause(c.ctx)
	return &portal{stmt: stmt, params: params, formats: formats, ctx: ctx, cancel: cancel}
}

// close releases the portal's rows and context; it is safe to call twice.
func (p *portal) close() {
	if p.rows != nil {
		p.rows.Close()
		p.rows = nil
	}
	p.cancel(nil)
	p.done = true
}

// runPortal executes the portal, sending up to maxRows rows (0: all), then CommandComplete or, when rows
// remain, PortalSuspended. It does not send RowDescription.
func (c *conn) runPortal(p *portal, maxRows int) error {
	if p.stmt.stmt == nil {
		c.w.send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if p.failed {
		return pgerr.New("55000", "portal cannot be run: it failed earlier")
	}
	if p.done {
		// A finished portal has nothing more to give; PostgreSQL answers with the completion again.
		c.w.send(&pgproto3.CommandComplete{CommandTag: []byte(p.tag)})
		return nil
	}
	c.running(p.cancel)
	defer c.running(nil)
	// Deferred so that a panic in the session also leaves the portal failed and its rows closed.
	ok := false
	defer func() {
		if !ok {
			p.close()
			p.failed = true
		}
	}()
	if err := c.fetch(p, maxRows); err != nil {
		return queryError(p.ctx, err)
	}
	ok = true
	return nil
}

func (c *conn) fetch(p *portal, maxRows int) error {
	if p.rows == nil {
		rows, err := p.stmt.stmt.Execute(p.ctx, p.params)
		if err != nil {
			return err
		}
		p.rows = rows
	}
	if cr, ok := p.rows.(CopyOutRows); ok {
		return c.copyOut(p, cr)
	}
	loc := c.sess.Location()
	cols := p.stmt.cols
	n := 0
	if p.hasPending {
		p.hasPending = false
		if err := c.w.dataRow(p.pending, cols, p.formats, loc); err != nil {
			return err
		}
		n++
	}
	for maxRows == 0 || n < maxRows {
		// A Rows that ignores its context must still stop on cancel.
		if n&1023 == 1023 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		row, err := p.rows.Next(p.ctx)
		if err != nil {
			return err
		}
		if row == nil {
			return c.complete(p)
		}
		if err := c.w.dataRow(row, cols, p.formats, loc); err != nil {
			return err
		}
		if c.w.err != nil {
			return fatalError{c.w.err}
		}
		n++
	}
	row, err := p.rows.Next(p.ctx)
	if err != nil {
		return err
	}
	if row == nil {
		return c.complete(p)
	}
	p.pending = append(p.pending[:0], row...)
	p.hasPending = true
	c.w.send(&pgproto3.PortalSuspended{})
	return c.w.flush()
}

func (c *conn) complete(p *portal) error {
	p.tag = p.rows.Tag()
	p.close()
	c.w.send(&pgproto3.CommandComplete{CommandTag: []byte(p.tag)})
	return nil
}

// copyOut streams a COPY TO STDOUT to its end: a row limit does not apply to COPY, as in PostgreSQL.
func (c *conn) copyOut(p *portal, rows CopyOutRows) error {
	c.w.send(&pgproto3.CopyOutResponse{OverallFormat: textFormat, ColumnFormatCodes: make([]uint16, rows.CopyColumns())})
	for n := 0; ; n++ {
		if n&1023 == 1023 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		row, err := rows.Next(p.ctx)
		if err != nil {
			// The client leaves copy-out mode on the ErrorResponse that follows.
			return err
		}
		if row == nil {
			break
		}
		if len(row) != 1 {
			return pgerr.New(pgerr.InternalError, "COPY row has %d values, want 1", len(row))
		}
		// Appended in place rather than through pgproto3.CopyData, which would copy each line twice.
		buf, at := beginMessage(c.w.buf, 'd')
		c.w.buf = finishMessage(append(buf, row[0].Str()...), at)
		c.w.flushIfLarge()
		if c.w.err != nil {
			return fatalError{c.w.err}
		}
	}
	c.w.send(&pgproto3.CopyDone{})
	return c.complete(p)
}
