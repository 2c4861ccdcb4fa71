package pgwire

import (
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/runnel-db/runnel/metrics"
)

// simpleQuery runs a Query message: each statement in turn is prepared, executed and streamed in
// text format, stopping at the first error. The caller sends ReadyForQuery after an error.
func (c *conn) simpleQuery(query string) error {
	// As in PostgreSQL, a simple query ends the unnamed statement and portal.
	c.dropUnnamed()
	texts, err := c.sess.Split(query)
	if err != nil {
		return err
	}
	if len(texts) == 0 {
		c.w.send(&pgproto3.EmptyQueryResponse{})
	}
	for _, text := range texts {
		if err := c.simpleStatement(text); err != nil {
			return err
		}
	}
	c.readyForQuery()
	return nil
}

func (c *conn) simpleStatement(text string) error {
	defer metrics.ObserveQuery(metrics.StatementKind(text), time.Now())
	ctx, done := c.statementContext()
	stmt, err := c.sess.Prepare(ctx, text, nil)
	done()
	if err != nil {
		return queryError(ctx, err)
	}
	ps := &prepared{query: text, stmt: stmt, cols: stmt.Columns()}
	p := c.newPortal(ps, nil, nil)
	defer p.close()
	if ps.cols != nil {
		c.w.send(rowDescription(ps.cols, nil))
	}
	return c.runPortal(p, 0)
}

func (c *conn) dropUnnamed() {
	if p := c.portals[""]; p != nil {
		p.close()
		delete(c.portals, "")
	}
	delete(c.stmts, "")
}

// closeAll releases every portal when the connection ends.
func (c *conn) closeAll() {
	for name, p := range c.portals {
		c.safely(func() error { p.close(); return nil })
		delete(c.portals, name)
	}
}
