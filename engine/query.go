package engine

import (
	"context"
	"fmt"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/batch"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

func (st *statement) env() *planner.Env {
	return &planner.Env{Catalog: st.s.e.cat, ParamTypes: st.declared, Ctx: st.s.exprContext(nil), NumParams: st.parsed.NumParams}
}

func toWireColumns(cols []planner.Column) []pgwire.Column {
	out := make([]pgwire.Column, len(cols))
	for i, c := range cols {
		t := c.Type
		if t == types.Unknown {
			t = types.Varchar // an untyped literal is returned as text, as PostgreSQL does
		}
		out[i] = pgwire.Column{Name: c.Name, Type: t, TableOID: c.TableOID, Attr: c.Attr}
	}
	return out
}

func (st *statement) planSelect(q *sql.Query) error {
	p, err := planner.PlanQuery(st.env(), q)
	if err != nil {
		return err
	}
	st.paramTypes = st.fixedParams(p.ParamTypes)
	st.cols = toWireColumns(p.Cols)
	regs := regColumns(st.cols)
	st.run = func(ctx context.Context, params []types.Datum) (pgwire.Rows, error) {
		rows, err := st.s.query(ctx, p.Root, params)
		if err == nil && regs != nil {
			rows.regs, rows.info = regs, st.s.info
		}
		return rows, err
	}
	return nil
}

// regColumns finds the regclass and regtype columns of a result and reports them as varchar:
// their values print as names, which pgwire's text encoding cannot look up without a catalog, so
// planRows converts them. nil when there are none, the usual case, which then costs nothing.
func regColumns(cols []pgwire.Column) []regColumn {
	var regs []regColumn
	for i, c := range cols {
		if c.Type == types.Regclass || c.Type == types.Regtype {
			regs = append(regs, regColumn{i, c.Type})
			cols[i].Type = types.Varchar
		}
	}
	return regs
}

type regColumn struct {
	idx int
	typ types.Type
}

// query runs a plan at the latest committed snapshot and streams its rows.
func (s *Session) query(ctx context.Context, root planner.Node, params []types.Datum) (*planRows, error) {
	snap := s.e.store.Snapshot()
	op, err := batch.Build(root, &batch.Env{Snapshot: snap, Catalog: s.e.cat, Ctx: s.exprContext(params)})
	if err != nil {
		snap.Close()
		return nil, err
	}
	return &planRows{op: op, release: func() { snap.Close() }, ncols: len(root.Columns())}, nil
}

// planRows streams the rows of a batch operator.
type planRows struct {
	op      batch.Operator
	release func()
	ncols   int
	chunk   *types.Chunk
	pos     int
	count   int64
	row     types.Row
	done    bool
	tag     string
	// regs are the regclass/regtype columns to print as names (see regColumns).
	regs []regColumn
	info *expr.Session
}

func (r *planRows) Next(ctx context.Context) (types.Row, error) {
	for !r.done && (r.chunk == nil || r.pos >= r.chunk.Len()) {
		c, err := r.op.Next(ctx)
		if err != nil {
			return nil, queryError(ctx, err)
		}
		if c == nil {
			r.done = true
			break
		}
		r.chunk, r.pos = c, 0
	}
	if r.done {
		return nil, nil
	}
	r.row = r.chunk.Row(r.pos, r.row)
	for _, c := range r.regs {
		d := r.row[c.idx]
		switch {
		case d.IsNull():
		case c.typ == types.Regtype:
			r.row[c.idx] = types.NewVarchar(expr.RegtypeText(uint32(d.Int())))
		default:
			r.row[c.idx] = types.NewVarchar(expr.RegclassText(r.info, uint32(d.Int())))
		}
	}
	r.pos++
	r.count++
	return r.row, nil
}

func (r *planRows) Tag() string {
	if r.tag != "" {
		return r.tag
	}
	return fmt.Sprintf("SELECT %d", r.count)
}

func (r *planRows) Close() {
	if r.op != nil {
		r.op.Close()
		r.op = nil
	}
	if r.release != nil {
		r.release()
		r.release = nil
	}
}

// staticRows is a precomputed result.
type staticRows struct {
	rows []types.Row
	pos  int
	tag  string
}

func (r *staticRows) Next(context.Context) (types.Row, error) {
	if r.pos >= len(r.rows) {
		return nil, nil
	}
	r.pos++
	return r.rows[r.pos-1], nil
}
func (r *staticRows) Tag() string { return r.tag }
func (r *staticRows) Close()      {}

func done(tag string) pgwire.Rows { return &staticRows{tag: tag} }

// dmlPlan plans an INSERT, UPDATE or DELETE.
func (st *statement) dmlPlan(stmt sql.Statement) (*planner.DML, error) {
	switch stmt := stmt.(type) {
	case *sql.Insert:
		return planner.PlanInsert(st.env(), stmt)
	case *sql.Update:
		return planner.PlanUpdate(st.env(), stmt)
	case *sql.Delete:
		return planner.PlanDelete(st.env(), stmt)
	}
	return nil, pgerr.Unsupported("not a data-changing statement")
}

func (st *statement) planDML(stmt sql.Statement) error {
	d, err := st.dmlPlan(stmt)
	if err != nil {
		return err
	}
	st.paramTypes = st.fixedParams(d.ParamTypes)
	st.run = func(ctx context.Context, params []types.Datum) (pgwire.Rows, error) {
		return st.s.dml(ctx, d, params)
	}
	return nil
}

// dml computes a statement's changes at the current snapshot, checks them, and writes them to the
// table's change stream; with implicit flush on, it returns once they are committed and visible.
// Nothing is written unless every row passed its checks, so a failed statement changes nothing.
func (s *Session) dml(ctx context.Context, d *planner.DML, params []types.Datum) (pgwire.Rows, error) {
	w, ids := s.e.writer(d.Rel.ID)
	if w == nil {
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", d.Rel.Name)
	}
	res, err := s.query(ctx, d.Source, params)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	r := d.Rel
	width := len(r.Columns)
	rowID := -1
	if !r.UserPK && len(r.PK) == 1 && r.Columns[r.PK[0]].Hidden {
		rowID = r.PK[0]
	}
	var chunks []*types.Chunk
	cur := types.NewChunk(width, 64)
	var n int64
	for {
		row, err := res.Next(ctx)
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		switch d.Kind {
		case planner.InsertDML:
			if rowID >= 0 {
				row[rowID] = types.NewInt64(ids.next())
			}
			if err := checkRow(r, row); err != nil {
				return nil, err
			}
			cur.Append(types.Insert, row)
		case planner.UpdateDML:
			old, upd := row[:width], row[width:]
			if err := checkRow(r, upd); err != nil {
				return nil, err
			}
			if keyChanged(r, old, upd) {
				cur.Append(types.Delete, old)
				cur.Append(types.Insert, upd)
			} else {
				cur.Append(types.UpdateDelete, old)
				cur.Append(types.UpdateInsert, upd)
			}
		case planner.DeleteDML:
			cur.Append(types.Delete, row)
		}
		n++
		if cur.Len() >= types.MaxChunkRows {
			chunks = append(chunks, cur)
			cur = types.NewChunk(width, 64)
		}
	}
	if cur.Len() > 0 {
		chunks = append(chunks, cur)
	}
	for _, c := range chunks {
		if err := w.Write(ctx, c); err != nil {
			return nil, err
		}
	}
	if s.implicitFlush() && len(chunks) > 0 {
		if err := s.e.coord.Flush(ctx); err != nil {
			return nil, err
		}
	}
	switch d.Kind {
	case planner.InsertDML:
		return done(fmt.Sprintf("INSERT 0 %d", n)), nil
	case planner.UpdateDML:
		return done(fmt.Sprintf("UPDATE %d", n)), nil
	}
	return done(fmt.Sprintf("DELETE %d", n)), nil
}

// checkRow enforces NOT NULL (primary key columns are implicitly NOT NULL).
func checkRow(r *catalog.Relation, row types.Row) error {
	for i, c := range r.Columns {
		if row[i].IsNull() && (c.NotNull || (r.UserPK && isPK(r, i))) {
			return pgerr.New(pgerr.NotNullViolation, "null value in column %q of relation %q violates not-null constraint", c.Name, r.Name)
		}
	}
	return nil
}

func isPK(r *catalog.Relation, col int) bool {
	for _, k := range r.PK {
		if k == col {
			return true
		}
	}
	return false
}

func keyChanged(r *catalog.Relation, old, upd types.Row) bool {
	for _, k := range r.PK {
		if !types.Equal(old[k], upd[k]) {
			return true
		}
	}
	return false
}
