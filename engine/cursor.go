package engine

import (
	"context"
	"fmt"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

// cursor is an open DECLARE ... CURSOR: a query's rows read a FETCH at a time, all at the snapshot
// taken when it was declared. Drivers use cursors to read large results in bounded memory
// (psycopg2's named cursors, for one).
type cursor struct {
	rows pgwire.Rows
	cols []pgwire.Column
	hold bool
}

func (s *Session) closeCursor(name string) {
	if c, ok := s.cursors[name]; ok {
		c.rows.Close()
		delete(s.cursors, name)
	}
}

// endTransaction closes the cursors declared WITHOUT HOLD, as COMMIT and ROLLBACK do in PostgreSQL.
func (s *Session) endTransaction() {
	for name, c := range s.cursors {
		if !c.hold {
			s.closeCursor(name)
		}
	}
}

func (st *statement) planDeclareCursor(d *sql.DeclareCursor) error {
	if d.Scroll {
		return pgerr.Unsupported("SCROLL cursors are not supported: cursors only fetch forward")
	}
	if d.Binary {
		return pgerr.Unsupported("BINARY cursors are not supported")
	}
	if err := st.planSelect(d.Query); err != nil {
		return err
	}
	cols, run := st.cols, st.run
	st.cols = nil
	s := st.s
	st.run = func(ctx context.Context, params []types.Datum) (pgwire.Rows, error) {
		if _, ok := s.cursors[d.Name]; ok {
			return nil, pgerr.New("42P03", "cursor %q already exists", d.Name)
		}
		// The rows outlive this statement's context: they are read by later FETCHes.
		rows, err := run(context.WithoutCancel(ctx), params)
		if err != nil {
			return nil, err
		}
		if s.cursors == nil {
			s.cursors = map[string]*cursor{}
		}
		s.cursors[d.Name] = &cursor{rows: rows, cols: cols, hold: d.Hold || !s.inTxn}
		return done("DECLARE CURSOR"), nil
	}
	return nil
}

func (st *statement) planFetch(f *sql.Fetch) error {
	s := st.s
	c, ok := s.cursors[f.Name]
	if !ok {
		return pgerr.New(pgerr.InvalidCursorName, "cursor %q does not exist", f.Name)
	}
	if f.Backward {
		return pgerr.New(pgerr.FeatureNotSupported, "cursor can only scan forward")
	}
	verb := "FETCH"
	if f.Move {
		verb = "MOVE"
	} else {
		st.cols = c.cols
	}
	st.run = func(ctx context.Context, _ []types.Datum) (pgwire.Rows, error) {
		c, ok := s.cursors[f.Name]
		if !ok {
			return nil, pgerr.New(pgerr.InvalidCursorName, "cursor %q does not exist", f.Name)
		}
		var rows []types.Row
		n := int64(0)
		for ; n < f.Count; n++ {
			row, err := c.rows.Next(ctx)
			if err != nil {
				return nil, err
			}
			if row == nil {
				break
			}
			if !f.Move {
				rows = append(rows, row.Copy())
			}
		}
		return &staticRows{rows: rows, tag: fmt.Sprintf("%s %d", verb, n)}, nil
	}
	return nil
}

func (st *statement) planCloseCursor(c *sql.CloseCursor) error {
	s := st.s
	if c.Name != "" {
		if _, ok := s.cursors[c.Name]; !ok {
			return pgerr.New(pgerr.InvalidCursorName, "cursor %q does not exist", c.Name)
		}
	}
	st.run = func(context.Context, []types.Datum) (pgwire.Rows, error) {
		if c.Name == "" {
			for name := range s.cursors {
				s.closeCursor(name)
			}
		} else {
			s.closeCursor(c.Name)
		}
		return done("CLOSE CURSOR"), nil
	}
	return nil
}
