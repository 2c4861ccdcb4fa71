package catalog

import (
	"github.com/runnel-db/runnel/types"
)

// relkind is a relation's pg_class.relkind. Sources and sinks take RisingWave's letters ('s' and
// 'k', which PostgreSQL does not use): psql's \d, \dt, \dv and \dm filter on PostgreSQL's letters, so
// a source is not listed as a table it cannot be written to, yet \d <source> still describes its
// columns; information_schema.tables lists sources with table_type 'SOURCE'.
func relkind(r *Relation) string {
	switch r.Kind {
	case Table:
		return "r"
	case Source:
		return "s"
	case MaterializedView:
		return "m"
	case View:
		return "v"
	case Sink:
		return "k"
	case Index:
		return "i"
	}
	if t := sysRelOf(r); t != nil && t.view {
		return "v"
	}
	return "r"
}

// hasPKIndex reports whether r shows a primary key index and constraint: tables with a declared
// primary key, as PostgreSQL would have. The hidden _row_id key of other tables is an internal
// detail, like the stream keys of materialized views.
func hasPKIndex(r *Relation) bool { return r.Kind == Table && r.UserPK && len(r.PK) > 0 }

func pkIndexName(r *Relation) string { return r.Name + "_pkey" }

// attnum is the pg_attribute.attnum of column i: its position among all columns, hidden ones
// included, so that it matches the column numbers RowDescription reports.
func attnum(i int) int { return i + 1 }

// pkAttnums returns the attnums of r's primary key columns.
func pkAttnums(r *Relation) []int {
	out := make([]int, len(r.PK))
	for i, k := range r.PK {
		out[i] = attnum(k)
	}
	return out
}

func visibleCount(r *Relation) int { return len(r.VisibleColumns()) }

func init() {
	register(pgNamespaceOID, PgCatalog, "pg_namespace", false, `oid:oid nspname:name nspowner:oid nspacl:aclitem[]`,
		func(t *sysRel, c *Catalog) []types.Row {
			rows := []types.Row{
				t.row("oid", PgCatalogOID, "nspname", PgCatalog, "nspowner", RootRoleOID),
				t.row("oid", PublicOID, "nspname", PublicSchema, "nspowner", RootRoleOID),
				t.row("oid", InfoSchemaOID, "nspname", InfoSchema, "nspowner", RootRoleOID),
			}
			seen := map[string]bool{PgCatalog: true, PublicSchema: true, InfoSchema: true}
			for _, r := range userRelations(c) {
				if !seen[r.Schema] {
					seen[r.Schema] = true
					rows = append(rows, t.row("oid", NamespaceOID(r.Schema), "nspname", r.Schema, "nspowner", RootRoleOID))
				}
			}
			return rows
		})

	register(pgClassOID, PgCatalog, "pg_class", false, `oid:oid relname:name relnamespace:oid reltype:oid
		reloftype:oid relowner:oid relam:oid relfilenode:oid reltablespace:oid relpages:int4
		reltuples:float4 relallvisible:int4 reltoastrelid:oid relhasindex:bool relisshared:bool
		relpersistence:char relkind:char relnatts:int2 relchecks:int2 relhasrules:bool
		relhastriggers:bool relhassubclass:bool relrowsecurity:bool relforcerowsecurity:bool
		relispopulated:bool relreplident:char relispartition:bool relrewrite:oid relfrozenxid:xid
		relminmxid:xid relacl:aclitem[] reloptions:text[] relpartbound:pg_node_tree`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range c.List() {
				kind := relkind(r)
				am := 0
				switch kind {
				case "r", "m":
					am = HeapAMOID
				case "i":
					am = BtreeAMOID
				}
				if r.Kind == System {
					am = 0
				}
				filenode := uint32(0)
				if r.Stored() {
					filenode = r.ID
				}
				// Hidden columns (_row_id, system columns like xmin) are not user attributes.
				natts := visibleCount(r)
				rows = append(rows, t.row("oid", r.ID, "relname", r.Name, "relnamespace", NamespaceOID(r.Schema),
					"relowner", RootRoleOID, "relam", am, "relfilenode", filenode, "relhasindex", hasPKIndex(r),
					"relpersistence", "p", "relkind", kind, "relnatts", natts, "relispopulated", true,
					"relreplident", replident(kind)))
				if hasPKIndex(r) {
					rows = append(rows, t.row("oid", PKIndexOID(r.ID), "relname", pkIndexName(r),
						"relnamespace", NamespaceOID(r.Schema), "relowner", RootRoleOID, "relam", BtreeAMOID,
						"relpersistence", "p", "relkind", "i", "relnatts", len(r.PK), "relispopulated", true,
						"relreplident", "n"))
				}
			}
			return rows
		})

	register(1249, PgCatalog, "pg_attribute", false, `attrelid:oid attname:name atttypid:oid
		attstattarget:int4 attlen:int2 attnum:int2 attndims:int4 attcacheoff:int4 atttypmod:int4
		attbyval:bool attstorage:char attalign:char attnotnull:bool atthasdef:bool atthasmissing:bool
		attidentity:char attgenerated:char attisdropped:bool attislocal:bool attinhcount:int4
		attcollation:oid attacl:aclitem[] attoptions:text[] attfdwoptions:text[]`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			attr := func(rel uint32, num int, col Column) types.Row {
				p := typeOf(col.Type)
				ndims := 0
				if col.Type.IsArray() {
					ndims = 1
				}
				return t.row("attrelid", rel, "attname", col.Name, "atttypid", p.oid, "attstattarget", -1,
					"attlen", p.len, "attnum", num, "attndims", ndims, "attcacheoff", -1, "atttypmod", -1,
					"attbyval", p.byval, "attstorage", p.storage, "attalign", p.align, "attnotnull", col.NotNull,
					"atthasdef", col.Default != "", "attidentity", "", "attgenerated", "", "attislocal", true,
					"attcollation", p.coll)
			}
			for _, r := range c.List() {
				for i, col := range r.Columns {
					if !col.Hidden {
						rows = append(rows, attr(r.ID, attnum(i), col))
					}
				}
				if hasPKIndex(r) {
					for i, k := range r.PK {
						col := r.Columns[k]
						col.Default = ""
						rows = append(rows, attr(PKIndexOID(r.ID), i+1, col))
					}
				}
			}
			return rows
		})

	register(2604, PgCatalog, "pg_attrdef", false, `oid:oid adrelid:oid adnum:int2 adbin:pg_node_tree`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range userRelations(c) {
				for i, col := range r.Columns {
					if col.Default != "" && !col.Hidden {
						// adbin is PostgreSQL's parse tree; Runnel keeps the expression's text, which is
						// what pg_get_expr(adbin, adrelid) returns.
						rows = append(rows, t.row("oid", attrdefOID(r.ID, attnum(i)), "adrelid", r.ID,
							"adnum", attnum(i), "adbin", defaultText(col.Default, col.Type)))
					}
				}
			}
			return rows
		})

	register(2610, PgCatalog, "pg_index", false, `indexrelid:oid indrelid:oid indnatts:int2 indnkeyatts:int2
		indisunique:bool indisprimary:bool indisexclusion:bool indimmediate:bool indisclustered:bool
		indisvalid:bool indcheckxmin:bool indisready:bool indislive:bool indisreplident:bool
		indkey:int2vector indcollation:oidvector indclass:oidvector indoption:int2vector
		indexprs:pg_node_tree indpred:pg_node_tree`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range userRelations(c) {
				if !hasPKIndex(r) {
					continue
				}
				n := len(r.PK)
				colls, classes, opts := make([]int, n), make([]int, n), make([]int, n)
				for i, k := range r.PK {
					colls[i] = int(typeOf(r.Columns[k].Type).coll)
				}
				rows = append(rows, t.row("indexrelid", PKIndexOID(r.ID), "indrelid", r.ID, "indnatts", n,
					"indnkeyatts", n, "indisunique", true, "indisprimary", true, "indimmediate", true,
					"indisvalid", true, "indisready", true, "indislive", true, "indkey", pkAttnums(r),
					"indcollation", colls, "indclass", classes, "indoption", opts))
			}
			return rows
		})

	register(pgConstraintOID, PgCatalog, "pg_constraint", false, `oid:oid conname:name connamespace:oid
		contype:char condeferrable:bool condeferred:bool convalidated:bool conrelid:oid contypid:oid
		conindid:oid conparentid:oid confrelid:oid confupdtype:char confdeltype:char confmatchtype:char
		conislocal:bool coninhcount:int4 connoinherit:bool conkey:int2[] confkey:int2[] conpfeqop:oid[]
		conppeqop:oid[] conffeqop:oid[] conexclop:oid[] conbin:pg_node_tree`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range userRelations(c) {
				if hasPKIndex(r) {
					rows = append(rows, t.row("oid", PKConstraintOID(r.ID), "conname", pkIndexName(r),
						"connamespace", NamespaceOID(r.Schema), "contype", "p", "convalidated", true,
						"conrelid", r.ID, "conindid", PKIndexOID(r.ID), "confupdtype", " ", "confdeltype", " ",
						"confmatchtype", " ", "conislocal", true, "connoinherit", true, "conkey", pkAttnums(r)))
				}
			}
			return rows
		})

	register(2609, PgCatalog, "pg_description", false, `objoid:oid classoid:oid objsubid:int4 description:text`,
		func(t *sysRel, c *Catalog) []types.Row {
			var rows []types.Row
			for _, r := range userRelations(c) {
				if r.Comment != "" {
					rows = append(rows, t.row("objoid", r.ID, "classoid", pgClassOID, "objsubid", 0, "description", r.Comment))
				}
			}
			return rows
		})
}

// replident is pg_class.relreplident: 'd' (default, the primary key) for relations with rows, 'n'
// for the rest, as PostgreSQL sets it.
func replident(kind string) string {
	if kind == "r" || kind == "m" {
		return "d"
	}
	return "n"
}
