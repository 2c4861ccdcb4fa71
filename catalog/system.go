package catalog

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/runnel-db/runnel/types"
)

// The virtual pg_catalog and information_schema relations. Clients (psql's \d, JDBC, pgx, Grafana,
// DBeaver) send PostgreSQL 13's catalog queries because the server reports 13.14, so the relations
// keep PostgreSQL 13's OIDs, column names, column types and column order; clients compare and cast
// those columns, so an int4 where PostgreSQL has an oid is already a bug. Rows are computed from the
// live catalog on every read: these relations are small, and computing them keeps them from ever
// disagreeing with the catalog.
//
// Each relation is declared once, in the file of its kind (system_pgclass.go, system_types.go,
// system_info_schema.go...), with register.

// Fixed namespace OIDs: PostgreSQL's for pg_catalog and public, and information_schema's as
// initdb of PostgreSQL 15 happens to assign it (it is not fixed there; clients only join on it).
const (
	PgCatalogOID  = 11
	PublicOID     = 2200
	InfoSchemaOID = 13207
)

// Other fixed OIDs: the one database and its owner, the default tablespace, heap and btree access
// methods, the default and C collations.
const (
	DatabaseOID       = 16383 // below FirstUserID, so it never meets a relation id
	RootRoleOID       = 10
	DefaultTablespace = 1663
	HeapAMOID         = 2
	BtreeAMOID        = 403
	DefaultCollation  = 100
	CCollation        = 950
)

// PostgreSQL's own OIDs of the catalogs that pg_description.classoid and pg_depend name.
const (
	pgClassOID      = 1259
	pgConstraintOID = 2606
	pgNamespaceOID  = 2615
	pgTypeOID       = 1247
	pgProcOID       = 1255
	pgDatabaseOID   = 1262
)

// Objects Runnel has but does not store as relations (primary key indexes, their constraints and
// column defaults) still need OIDs that clients can join on. They are derived from the relation id
// in ranges that relation ids (allocated upwards from 16384) cannot reach.
const (
	attrdefOIDBase    = 0x20000000 // + relation id * 1024 + attnum
	pkIndexOIDBase    = 0x40000000 // + relation id
	pkConstraintBase  = 0x60000000 // + relation id
	otherSchemaOIDBit = 0x7f000000
)

// PKIndexOID is the OID of the implicit primary key index of relation id, as pg_index.indexrelid.
func PKIndexOID(id uint32) uint32 { return pkIndexOIDBase + id }

// PKConstraintOID is the OID of relation id's primary key constraint in pg_constraint.
func PKConstraintOID(id uint32) uint32 { return pkConstraintBase + id }

func attrdefOID(id uint32, attnum int) uint32 { return attrdefOIDBase + id*1024 + uint32(attnum) }

// NamespaceOID returns the OID of a schema. DDL only creates objects in public today; any other
// schema name gets a stable OID from its hash so that joins on relnamespace still work.
func NamespaceOID(schema string) uint32 {
	switch schema {
	case PgCatalog:
		return PgCatalogOID
	case PublicSchema:
		return PublicOID
	case InfoSchema:
		return InfoSchemaOID
	}
	h := fnv.New32a()
	h.Write([]byte(schema))
	return otherSchemaOIDBit | h.Sum32()&0xffffff
}

// sysRel is one virtual relation: its Relation plus a column index for building rows by name.
type sysRel struct {
	rel  *Relation
	view bool // relkind 'v' in pg_class (PostgreSQL's system views and all of information_schema)
	col  map[string]int
	zero types.Row
}

var (
	sysRels     []*sysRel
	sysRelByRel = map[*Relation]*sysRel{}
)

// register declares a system relation. spec lists the columns as "name:type" separated by blanks,
// with the types of specType; rows computes the rows, or is nil for relations that are always empty
// (they exist because clients join them, e.g. pg_inherits in psql's \d).
func register(oid uint32, schema, name string, view bool, spec string, rows func(t *sysRel, c *Catalog) []types.Row) *sysRel {
	t := &sysRel{view: view, col: map[string]int{}}
	t.rel = &Relation{ID: oid, Kind: System, Schema: schema, Name: name}
	for _, f := range strings.Fields(spec) {
		n, ts, ok := strings.Cut(f, ":")
		typ, known := specType(ts)
		if !ok || !known {
			panic(fmt.Sprintf("catalog: %s.%s: bad column spec %q", schema, name, f))
		}
		if _, dup := t.col[n]; dup {
			panic(fmt.Sprintf("catalog: %s.%s: column %q declared twice", schema, name, n))
		}
		t.col[n] = len(t.rel.Columns)
		t.rel.Columns = append(t.rel.Columns, Column{Name: n, Type: typ})
		z := zeroOf(typ)
		if schema == InfoSchema {
			// The SQL standard's views say NULL for whatever does not apply.
			z = types.NullDatum
		}
		t.zero = append(t.zero, z)
	}
	if schema == PgCatalog && !view {
		// Every PostgreSQL table has system columns; tools read xmin to detect changes.
		t.col["xmin"] = len(t.rel.Columns)
		t.rel.Columns = append(t.rel.Columns, Column{Name: "xmin", Type: types.Oid, Hidden: true})
		t.zero = append(t.zero, types.NewInt(types.Oid, 0))
	}
	t.rel.Rows = func(c *Catalog) []types.Row {
		if rows == nil {
			return nil
		}
		return rows(t, c)
	}
	sysRels = append(sysRels, t)
	sysRelByRel[t.rel] = t
	return t
}

// specType maps the type names of a column spec. They are PostgreSQL's, except where Runnel stands
// in a type of the same representation: regproc, xid and the vector types are stored as oid or int2
// arrays, pg_node_tree, aclitem and inet as text.
func specType(s string) (types.Type, bool) {
	if e, ok := strings.CutSuffix(s, "[]"); ok {
		t, ok := specType(e)
		return types.ArrayOf(t), ok && !t.IsArray()
	}
	switch s {
	case "char":
		return types.Char, true
	case "text", "pg_node_tree", "aclitem", "inet":
		return types.Varchar, true
	case "xid":
		return types.Oid, true
	case "int2vector":
		return types.ArrayOf(types.Int16), true
	case "oidvector":
		return types.ArrayOf(types.Oid), true
	}
	return types.Lookup(s)
}

// zeroOf is the value a column has when a row does not set it: numbers and booleans are 0 and
// false, as PostgreSQL's catalogs have for the features Runnel lacks; text, arrays and times are
// NULL (reloptions, relacl, datacl and friends are NULL in PostgreSQL too).
func zeroOf(t types.Type) types.Datum {
	switch {
	case t.IsArray():
		return types.NullDatum
	case t == types.Bool:
		return types.NewBool(false)
	case t.IsInteger(), t == types.Oid, t == types.Regclass, t == types.Regtype:
		return types.NewInt(t, 0)
	case t == types.Float32:
		return types.NewFloat(t, 0)
	}
	return types.NullDatum
}

// row builds a row from name/value pairs; the other columns take zeroOf. Values are converted to
// the column's type where the representation is shared (an int for an oid column, a string for a
// name or "char" column), so callers need not spell each type. An unknown column name panics: the
// relation's unit test reads every relation, so a typo fails there.
func (t *sysRel) row(kv ...any) types.Row {
	r := t.zero.Copy()
	for i := 0; i+1 < len(kv); i += 2 {
		n := kv[i].(string)
		j, ok := t.col[n]
		if !ok {
			panic(fmt.Sprintf("catalog: %s has no column %q", t.rel.Name, n))
		}
		r[j] = datumFor(t.rel.Columns[j].Type, kv[i+1])
	}
	return r
}

func datumFor(typ types.Type, v any) types.Datum {
	switch x := v.(type) {
	case nil:
		return types.NullDatum
	case types.Datum:
		return x
	case string:
		return types.NewString(typ, x)
	case bool:
		return types.NewBool(x)
	case int:
		return types.NewInt(typ, int64(x))
	case int16:
		return types.NewInt(typ, int64(x))
	case int32:
		return types.NewInt(typ, int64(x))
	case int64:
		return types.NewInt(typ, x)
	case uint32:
		return types.NewInt(typ, int64(x))
	case []string:
		ds := make([]types.Datum, len(x))
		for i, s := range x {
			ds[i] = types.NewString(typ.Elem(), s)
		}
		return types.NewArray(typ.Elem(), ds)
	case []int:
		ds := make([]types.Datum, len(x))
		for i, n := range x {
			ds[i] = types.NewInt(typ.Elem(), int64(n))
		}
		return types.NewArray(typ.Elem(), ds)
	}
	panic(fmt.Sprintf("catalog: no datum of %s from %T", typ, v))
}

// systemRelations returns the virtual pg_catalog and information_schema relations.
func systemRelations() []*Relation {
	out := make([]*Relation, len(sysRels))
	for i, t := range sysRels {
		out[i] = t.rel
	}
	return out
}

// userRelations returns the relations users created, ordered by schema and name.
func userRelations(c *Catalog) []*Relation {
	all := c.List()
	out := all[:0:0]
	for _, r := range all {
		if r.Kind != System {
			out = append(out, r)
		}
	}
	return out
}

// sysRelOf returns the sysRel behind a System relation, for its pg_class row.
func sysRelOf(r *Relation) *sysRel { return sysRelByRel[r] }
