package engine

import (
	"context"
	"fmt"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/planner"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// schemaOf checks a DDL target's schema: user objects live in public.
func schemaOf(n sql.ObjectName) (string, error) {
	switch n.Schema {
	case "", catalog.PublicSchema:
		return catalog.PublicSchema, nil
	case catalog.PgCatalog, catalog.InfoSchema:
		return "", pgerr.New(pgerr.InsufficientPrivilege, "permission denied to create %q in schema %s", n.Name, n.Schema)
	}
	return "", pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", n.Schema)
}

// exists handles IF NOT EXISTS: it reports whether the name is taken, sending the notice when the
// statement should then do nothing.
func (s *Session) exists(schema, name string, ifNotExists bool) (bool, error) {
	if _, ok := s.e.cat.Lookup(schema, name); !ok {
		return false, nil
	}
	if ifNotExists {
		s.client.Notice("NOTICE", pgerr.DuplicateTable, fmt.Sprintf("relation %q already exists, skipping", name))
		return true, nil
	}
	return true, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", name)
}

// create commits a new relation: it takes an id, persists the catalog entry in an epoch of its own
// and publishes it. Nothing is left behind when it fails.
func (s *Session) create(r *catalog.Relation) error {
	e := s.e
	err := e.coord.Commit(func(b *storage.Batch) error {
		r.ID = e.cat.AllocID(b)
		return e.cat.Persist(b, r)
	})
	if err != nil {
		return err
	}
	if err := e.cat.Publish(r); err != nil {
		return err
	}
	e.version.Add(1)
	return nil
}

func (s *Session) createTable(ctx context.Context, ct *sql.CreateTable, text string) (pgwire.Rows, error) {
	if len(ct.With) > 0 || ct.Format != nil {
		return s.createConnectorTable(ctx, ct, text)
	}
	if len(ct.Watermarks) > 0 || len(ct.Include) > 0 {
		return nil, pgerr.Unsupported("WATERMARK and INCLUDE need a connector")
	}
	schema, err := schemaOf(ct.Name)
	if err != nil {
		return nil, err
	}
	s.e.ddl.Lock()
	defer s.e.ddl.Unlock()
	if taken, err := s.exists(schema, ct.Name.Name, ct.IfNotExists); taken || err != nil {
		return done("CREATE TABLE"), err
	}
	r := &catalog.Relation{Kind: catalog.Table, Schema: schema, Name: ct.Name.Name, Definition: text, AppendOnly: ct.AppendOnly}
	if ct.AsQuery != nil {
		p, err := planner.PlanQuery(&planner.Env{Catalog: s.e.cat, Ctx: s.exprContext(nil)}, ct.AsQuery)
		if err != nil {
			return nil, err
		}
		for _, c := range p.Cols {
			t := c.Type
			if t == types.Unknown {
				t = types.Varchar
			}
			ct.Columns = append(ct.Columns, sql.ColumnDef{Name: c.Name, Type: t})
		}
	}
	if len(ct.Columns) == 0 {
		return nil, pgerr.Unsupported("tables without columns are not supported")
	}
	for _, c := range ct.Columns {
		if r.ColumnIndex(c.Name) >= 0 {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", c.Name)
		}
		if c.Generated != nil {
			return nil, pgerr.Unsupported("generated columns are not supported")
		}
		col := catalog.Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull}
		if c.Default != nil {
			col.Default = sql.DeparseExpr(c.Default)
		}
		r.Columns = append(r.Columns, col)
	}
	for _, name := range ct.PrimaryKey {
		i := r.ColumnIndex(name)
		if i < 0 {
			return nil, pgerr.New(pgerr.UndefinedColumn, "column %q named in key does not exist", name)
		}
		if isPK(r, i) {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q appears twice in primary key constraint", name)
		}
		if !keyable(r.Columns[i].Type) {
			return nil, pgerr.Unsupported("a primary key of type %s is not supported", r.Columns[i].Type)
		}
		r.PK = append(r.PK, i)
		r.Columns[i].NotNull = true
	}
	r.UserPK = len(r.PK) > 0
	if !r.UserPK {
		r.Columns = append(r.Columns, catalog.Column{Name: catalog.RowIDColumn, Type: types.Int64, Hidden: true})
		r.PK = []int{len(r.Columns) - 1}
	}
	// Check the defaults now, so that a bad one fails the CREATE rather than every later INSERT.
	if _, err := planner.PlanInsert(&planner.Env{Catalog: withRelation(s.e.cat, r), Ctx: s.exprContext(nil)},
		&sql.Insert{Table: sql.ObjectName{Name: r.Name}}); err != nil {
		return nil, err
	}
	if err := s.create(r); err != nil {
		return nil, err
	}
	s.e.startTable(r)
	if ct.AsQuery != nil {
		ins := &sql.Insert{Table: sql.ObjectName{Schema: schema, Name: r.Name}, Query: ct.AsQuery}
		d, err := planner.PlanInsert(&planner.Env{Catalog: s.e.cat, Ctx: s.exprContext(nil)}, ins)
		if err != nil {
			return nil, err
		}
		res, err := s.dml(ctx, d, nil)
		if err != nil {
			return nil, err
		}
		return done("SELECT " + res.Tag()[len("INSERT 0 "):]), nil
	}
	return done("CREATE TABLE"), nil
}

// keyable reports whether values of t can be part of a key.
func keyable(t types.Type) bool { return !t.IsArray() && t != types.Jsonb }

// withRelation returns a catalog in which r is visible, to validate r before it is created.
func withRelation(c *catalog.Catalog, r *catalog.Relation) *catalog.Catalog {
	tmp := catalog.New()
	for _, x := range c.List() {
		if x.Kind != catalog.System {
			_ = tmp.Publish(x)
		}
	}
	cp := *r
	cp.ID = 1 << 31
	_ = tmp.Publish(&cp)
	return tmp
}

func (s *Session) createView(ctx context.Context, cv *sql.CreateView, text string) (pgwire.Rows, error) {
	schema, err := schemaOf(cv.Name)
	if err != nil {
		return nil, err
	}
	if cv.OrReplace {
		return nil, pgerr.Unsupported("CREATE OR REPLACE VIEW is not supported")
	}
	s.e.ddl.Lock()
	defer s.e.ddl.Unlock()
	if taken, err := s.exists(schema, cv.Name.Name, cv.IfNotExists); taken || err != nil {
		return done("CREATE VIEW"), err
	}
	p, deps, err := planner.PlanView(&planner.Env{Catalog: s.e.cat, Ctx: s.exprContext(nil)}, cv.Query)
	if err != nil {
		return nil, err
	}
	r := &catalog.Relation{Kind: catalog.View, Schema: schema, Name: cv.Name.Name, Definition: text, DependsOn: deps}
	if len(cv.Columns) > len(p.Cols) {
		return nil, pgerr.New(pgerr.SyntaxError, "CREATE VIEW specifies more column names than columns")
	}
	for i, c := range p.Cols {
		name := c.Name
		if i < len(cv.Columns) {
			name = cv.Columns[i]
		}
		t := c.Type
		if t == types.Unknown {
			t = types.Varchar
		}
		if r.ColumnIndex(name) >= 0 {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", name)
		}
		r.Columns = append(r.Columns, catalog.Column{Name: name, Type: t})
	}
	if err := s.create(r); err != nil {
		return nil, err
	}
	return done("CREATE VIEW"), nil
}

var dropTags = map[sql.ObjectKind]string{
	sql.KindTable: "DROP TABLE", sql.KindView: "DROP VIEW", sql.KindMaterializedView: "DROP MATERIALIZED VIEW",
	sql.KindSource: "DROP SOURCE", sql.KindSink: "DROP SINK", sql.KindIndex: "DROP INDEX", sql.KindSchema: "DROP SCHEMA",
}

func (s *Session) drop(ctx context.Context, d *sql.Drop) (pgwire.Rows, error) {
	tag := dropTags[d.Kind]
	want, ok := kindOf[d.Kind]
	if !ok {
		return nil, pgerr.Unsupported("DROP %s is not supported", d.Kind)
	}
	s.e.ddl.Lock()
	defer s.e.ddl.Unlock()
	// Resolve every name first, so that a missing one changes nothing.
	var targets []*catalog.Relation
	for _, n := range d.Names {
		r, ok := s.e.cat.Lookup(n.Schema, n.Name)
		if !ok || r.Kind == catalog.System {
			if d.IfExists {
				s.client.Notice("NOTICE", pgerr.UndefinedTable, fmt.Sprintf("%s %q does not exist, skipping", d.Kind, n.Name))
				continue
			}
			return nil, pgerr.New(pgerr.UndefinedTable, "%s %q does not exist", d.Kind, n.String())
		}
		if r.Kind != want {
			return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a %s", r.Name, d.Kind).WithHint("Use DROP %s to remove a %s.", kindWord(r.Kind), r.Kind)
		}
		targets = append(targets, r)
	}
	// Dependents: refuse, or with CASCADE drop them first (deepest first).
	var order []*catalog.Relation
	seen := map[uint32]bool{}
	var visit func(r *catalog.Relation) error
	visit = func(r *catalog.Relation) error {
		if seen[r.ID] {
			return nil
		}
		seen[r.ID] = true
		for _, dep := range s.e.cat.Dependents(r.ID) {
			if !d.Cascade {
				return pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop %s %s because other objects depend on it", r.Kind, r.Name).
					WithDetail("%s %s depends on %s %s", dep.Kind, dep.Name, r.Kind, r.Name).
					WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
			}
			if err := visit(dep); err != nil {
				return err
			}
		}
		order = append(order, r)
		return nil
	}
	for _, r := range targets {
		if err := visit(r); err != nil {
			return nil, err
		}
	}
	for _, r := range order {
		if err := s.dropOne(r); err != nil {
			return nil, err
		}
	}
	return done(tag), nil
}

func kindWord(k catalog.Kind) string {
	switch k {
	case catalog.MaterializedView:
		return "MATERIALIZED VIEW"
	case catalog.Table:
		return "TABLE"
	case catalog.View:
		return "VIEW"
	case catalog.Source:
		return "SOURCE"
	case catalog.Sink:
		return "SINK"
	}
	return "INDEX"
}

// dropOne removes a relation: its job stops and its rows, state and catalog entry go in one epoch.
func (s *Session) dropOne(r *catalog.Relation) error {
	e := s.e
	remove := func(b *storage.Batch) error {
		if r.Stored() {
			b.DropTable(storage.TableID(r.ID))
		}
		for _, t := range r.StateTables {
			b.DropTable(storage.TableID(t))
		}
		e.cat.Unpersist(b, r.ID)
		return nil
	}
	e.mu.Lock()
	v := e.views[r.ID]
	e.mu.Unlock()
	var err error
	if v != nil {
		removeView := func(b *storage.Batch) error {
			b.Delete(storage.SystemTable, readyKey(r.ID))
			deleteReaderOffsets(b, r.ID)
			return remove(b)
		}
		err = e.coord.RemoveJob(r.ID, v.subs, removeView)
		e.mu.Lock()
		delete(e.views, r.ID)
		e.mu.Unlock()
	} else if w, _ := e.writer(r.ID); w != nil {
		w.Close()
		err = e.coord.RemoveJob(r.ID, nil, remove)
		e.mu.Lock()
		delete(e.writers, r.ID)
		delete(e.rowIDs, r.ID)
		e.mu.Unlock()
	} else {
		err = e.coord.Commit(remove)
	}
	if err != nil {
		return err
	}
	e.cat.Unpublish(r.ID)
	e.version.Add(1)
	return nil
}

func (s *Session) comment(ctx context.Context, c *sql.Comment) (pgwire.Rows, error) {
	if c.Column != "" {
		return nil, pgerr.Unsupported("COMMENT ON COLUMN is not supported")
	}
	s.e.ddl.Lock()
	defer s.e.ddl.Unlock()
	r, err := s.lookup(c.Name, c.Kind)
	if err != nil {
		return nil, err
	}
	cp := *r
	cp.Comment = ""
	if c.Text != nil {
		cp.Comment = *c.Text
	}
	if err := s.e.coord.Commit(func(b *storage.Batch) error { return s.e.cat.Persist(b, &cp) }); err != nil {
		return nil, err
	}
	if err := s.e.cat.Publish(&cp); err != nil {
		return nil, err
	}
	s.e.version.Add(1)
	return done("COMMENT"), nil
}
