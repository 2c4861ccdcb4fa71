package catalog

import (
	"fmt"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/types"
)

// testCatalog returns a catalog holding one relation of each kind.
func testCatalog(t *testing.T) *Catalog {
	t.Helper()
	c := New()
	rels := []*Relation{
		{ID: 16384, Kind: Table, Schema: PublicSchema, Name: "t", UserPK: true, PK: []int{0},
			Definition: "CREATE TABLE t (id int primary key, name varchar not null default 'x', ts timestamptz)",
			Comment:    "a table",
			Columns: []Column{{Name: "id", Type: types.Int32, NotNull: true},
				{Name: "name", Type: types.Varchar, NotNull: true, Default: "'x'::character varying"},
				{Name: "ts", Type: types.Timestamptz}}},
		{ID: 16385, Kind: Table, Schema: PublicSchema, Name: "u", PK: []int{2},
			Columns: []Column{{Name: "a", Type: types.Int64}, {Name: "tags", Type: types.ArrayOf(types.Varchar)},
				{Name: RowIDColumn, Type: types.Int64, Hidden: true}}},
		{ID: 16386, Kind: View, Schema: PublicSchema, Name: "v1", DependsOn: []uint32{16384},
			Definition: "CREATE VIEW v1 AS SELECT id, name FROM t",
			Columns:    []Column{{Name: "id", Type: types.Int32}, {Name: "name", Type: types.Varchar}}},
		{ID: 16387, Kind: MaterializedView, Schema: PublicSchema, Name: "m1", PK: []int{0}, DependsOn: []uint32{16384},
			Definition: "create materialized view m1 as select count(*) as c from t",
			Columns:    []Column{{Name: "c", Type: types.Int64}}},
		{ID: 16388, Kind: Source, Schema: PublicSchema, Name: "src",
			Columns: []Column{{Name: "x", Type: types.Jsonb}, {Name: RowIDColumn, Type: types.Int64, Hidden: true}}},
		{ID: 16389, Kind: Sink, Schema: PublicSchema, Name: "snk", Columns: []Column{{Name: "c", Type: types.Int64}}},
	}
	for _, r := range rels {
		if err := c.Publish(r); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// read returns a system relation's rows as maps from column name to value.
func read(t *testing.T, c *Catalog, schema, name string) []map[string]types.Datum {
	t.Helper()
	r, ok := c.Lookup(schema, name)
	if !ok || r.Kind != System {
		t.Fatalf("%s.%s: no such system relation", schema, name)
	}
	var out []map[string]types.Datum
	for _, row := range r.Rows(c) {
		m := map[string]types.Datum{}
		for i, col := range r.Columns {
			m[col.Name] = row[i]
		}
		out = append(out, m)
	}
	return out
}

func TestSystemRowsMatchColumns(t *testing.T) {
	SetSettingsFunc(func() []Setting {
		return []Setting{{Name: "timezone", Value: "UTC", Default: "UTC", Description: "zone"}}
	})
	defer SetSettingsFunc(nil)
	c := testCatalog(t)
	for _, r := range c.List(System) {
		t.Run(r.Schema+"."+r.Name, func(t *testing.T) {
			for i, row := range r.Rows(c) {
				if len(row) != len(r.Columns) {
					t.Fatalf("row %d has %d values, want %d", i, len(row), len(r.Columns))
				}
				for j, d := range row {
					if d.IsNull() {
						continue
					}
					if d.Type() != r.Columns[j].Type {
						t.Errorf("row %d column %s: value of type %s, column is %s", i, r.Columns[j].Name, d.Type(), r.Columns[j].Type)
					}
					if d.Type().IsArray() {
						for _, e := range d.Array() {
							if !e.IsNull() && e.Type() != d.Type().Elem() {
								t.Errorf("row %d column %s: element of type %s", i, r.Columns[j].Name, e.Type())
							}
						}
					}
				}
			}
		})
	}
}

func TestSystemRelationIdentity(t *testing.T) {
	c := New()
	ids := map[uint32]string{}
	for _, r := range c.List(System) {
		full := r.Schema + "." + r.Name
		if other, dup := ids[r.ID]; dup {
			t.Errorf("%s and %s share OID %d", full, other, r.ID)
		}
		ids[r.ID] = full
		if r.ID >= FirstUserID {
			t.Errorf("%s: OID %d collides with user ids", full, r.ID)
		}
	}
	for _, tc := range []struct {
		name string
		oid  uint32
	}{
		{"pg_class", 1259}, {"pg_attribute", 1249}, {"pg_type", 1247}, {"pg_namespace", 2615},
		{"pg_database", 1262}, {"pg_index", 2610}, {"pg_description", 2609}, {"pg_proc", 1255},
		{"pg_constraint", 2606}, {"pg_am", 2601}, {"pg_attrdef", 2604}, {"pg_inherits", 2611},
	} {
		r, ok := c.Lookup("", tc.name)
		if !ok || r.ID != tc.oid {
			t.Errorf("%s: got %v %v, want OID %d", tc.name, ok, r, tc.oid)
		}
	}
	for _, name := range []string{"tables", "columns", "schemata", "views", "key_column_usage", "table_constraints", "routines"} {
		if _, ok := c.Lookup(InfoSchema, name); !ok {
			t.Errorf("information_schema.%s missing", name)
		}
	}
}

// TestPsqlColumns checks that every column psql 15's describe.c reads (for a server reporting 13)
// exists with PostgreSQL's type.
func TestPsqlColumns(t *testing.T) {
	c := New()
	want := map[string]string{
		"pg_class":             "oid:oid relname:name relnamespace:oid relkind:char relowner:oid relam:oid relchecks:int2 relhasindex:bool relhasrules:bool relhastriggers:bool relrowsecurity:bool relforcerowsecurity:bool relispartition:bool reloptions:text[] reltablespace:oid reloftype:oid relpersistence:char relreplident:char reltoastrelid:oid relpartbound:pg_node_tree",
		"pg_attribute":         "attrelid:oid attname:name atttypid:oid atttypmod:int4 atthasdef:bool attnotnull:bool attcollation:oid attidentity:char attgenerated:char attnum:int2 attisdropped:bool attstorage:char attstattarget:int4",
		"pg_attrdef":           "adbin:pg_node_tree adrelid:oid adnum:int2",
		"pg_collation":         "oid:oid collname:name",
		"pg_type":              "oid:oid typcollation:oid typname:name typlen:int2 typrelid:oid typelem:oid typarray:oid typtype:char typnamespace:oid",
		"pg_index":             "indexrelid:oid indrelid:oid indisprimary:bool indisunique:bool indisclustered:bool indisvalid:bool indisreplident:bool indkey:int2vector",
		"pg_constraint":        "oid:oid conrelid:oid conindid:oid contype:char condeferrable:bool condeferred:bool conkey:int2[]",
		"pg_policy":            "polname:name polpermissive:bool polroles:oid[] polqual:pg_node_tree polwithcheck:pg_node_tree polcmd:char polrelid:oid",
		"pg_statistic_ext":     "oid:oid stxrelid:oid stxnamespace:oid stxname:name stxkeys:int2vector stxkind:char[] stxstattarget:int4",
		"pg_publication":       "oid:oid pubname:name puballtables:bool",
		"pg_publication_rel":   "prpubid:oid prrelid:oid",
		"pg_inherits":          "inhrelid:oid inhparent:oid inhseqno:int4",
		"pg_database":          "datname:name datdba:oid encoding:int4 datcollate:name datctype:name datacl:aclitem[]",
		"pg_namespace":         "oid:oid nspname:name nspowner:oid",
		"pg_proc":              "oid:oid proname:name pronamespace:oid prokind:char",
		"pg_roles":             "oid:oid rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool rolcanlogin:bool rolconnlimit:int4 rolvaliduntil:timestamptz rolreplication:bool rolbypassrls:bool",
		"pg_auth_members":      "roleid:oid member:oid",
		"pg_am":                "oid:oid amname:name",
		"pg_description":       "objoid:oid classoid:oid objsubid:int4 description:text",
		"pg_settings":          "name:text setting:text",
		"pg_foreign_table":     "ftrelid:oid ftserver:oid ftoptions:text[]",
		"pg_trigger":           "tgrelid:oid tgname:name tgisinternal:bool tgenabled:char",
		"pg_rewrite":           "ev_class:oid rulename:name",
		"pg_partitioned_table": "partrelid:oid partstrat:char",
	}
	for rel, spec := range want {
		r, ok := c.Lookup(PgCatalog, rel)
		if !ok {
			t.Errorf("%s missing", rel)
			continue
		}
		for _, f := range strings.Fields(spec) {
			n, ts, _ := strings.Cut(f, ":")
			typ, _ := specType(ts)
			i := r.ColumnIndex(n)
			if i < 0 {
				t.Errorf("%s.%s missing", rel, n)
			} else if r.Columns[i].Type != typ {
				t.Errorf("%s.%s is %s, want %s", rel, n, r.Columns[i].Type, typ)
			}
		}
	}
}

func TestPgClass(t *testing.T) {
	c := testCatalog(t)
	got := map[string]string{}
	for _, m := range read(t, c, PgCatalog, "pg_class") {
		got[m["relname"].Str()] = fmt.Sprintf("%s oid=%d ns=%d am=%d natts=%d hasindex=%v",
			m["relkind"].Str(), m["oid"].Int(), m["relnamespace"].Int(), m["relam"].Int(), m["relnatts"].Int(), m["relhasindex"].Bool())
	}
	for name, want := range map[string]string{
		"t":            "r oid=16384 ns=2200 am=2 natts=3 hasindex=true",
		"t_pkey":       fmt.Sprintf("i oid=%d ns=2200 am=403 natts=1 hasindex=false", PKIndexOID(16384)),
		"u":            "r oid=16385 ns=2200 am=2 natts=2 hasindex=false",
		"v1":           "v oid=16386 ns=2200 am=0 natts=2 hasindex=false",
		"m1":           "m oid=16387 ns=2200 am=2 natts=1 hasindex=false",
		"src":          "s oid=16388 ns=2200 am=0 natts=1 hasindex=false",
		"snk":          "k oid=16389 ns=2200 am=0 natts=1 hasindex=false",
		"pg_class":     "r oid=1259 ns=11 am=0 natts=33 hasindex=false",
		"pg_settings":  "v oid=12104 ns=11 am=0 natts=17 hasindex=false",
		"tables":       "v oid=13425 ns=13207 am=0 natts=12 hasindex=false",
		"u_pkey":       "",
		"m1_pkey":      "",
		"pg_namespace": "r oid=2615 ns=11 am=0 natts=4 hasindex=false",
	} {
		if got[name] != want {
			t.Errorf("%s: got %q, want %q", name, got[name], want)
		}
	}
}

func TestPgAttribute(t *testing.T) {
	c := testCatalog(t)
	var got []string
	for _, m := range read(t, c, PgCatalog, "pg_attribute") {
		switch uint32(m["attrelid"].Int()) {
		case 16384, 16385, PKIndexOID(16384):
			got = append(got, fmt.Sprintf("%d.%d %s type=%d len=%d notnull=%v hasdef=%v coll=%d",
				m["attrelid"].Int(), m["attnum"].Int(), m["attname"].Str(), m["atttypid"].Int(), m["attlen"].Int(),
				m["attnotnull"].Bool(), m["atthasdef"].Bool(), m["attcollation"].Int()))
		}
	}
	want := []string{
		"16384.1 id type=23 len=4 notnull=true hasdef=false coll=0",
		"16384.2 name type=1043 len=-1 notnull=true hasdef=true coll=100",
		"16384.3 ts type=1184 len=8 notnull=false hasdef=false coll=0",
		fmt.Sprintf("%d.1 id type=23 len=4 notnull=true hasdef=false coll=0", PKIndexOID(16384)),
		"16385.1 a type=20 len=8 notnull=false hasdef=false coll=0",
		"16385.2 tags type=1015 len=-1 notnull=false hasdef=false coll=100",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPgTypeCoversRunnelTypes(t *testing.T) {
	c := New()
	have := map[int64]string{}
	for _, m := range read(t, c, PgCatalog, "pg_type") {
		have[m["oid"].Int()] = m["typname"].Str()
	}
	for typ := types.Type(0); typ.String() != "invalid"; typ++ {
		for _, x := range []types.Type{typ, types.ArrayOf(typ)} {
			if o := x.OID(); o != 0 && have[int64(o)] == "" {
				t.Errorf("pg_type has no row for %s (OID %d)", x, o)
			}
		}
	}
	for oid, name := range map[int64]string{23: "int4", 1043: "varchar", 1184: "timestamptz", 25: "text", 1007: "_int4", 18: "char", 3802: "jsonb"} {
		if have[oid] != name {
			t.Errorf("pg_type %d: %q, want %q", oid, have[oid], name)
		}
	}
}

func TestKeysAndDefaults(t *testing.T) {
	c := testCatalog(t)
	idx := read(t, c, PgCatalog, "pg_index")
	if len(idx) != 1 || idx[0]["indrelid"].Int() != 16384 || !idx[0]["indisprimary"].Bool() ||
		len(idx[0]["indkey"].Array()) != 1 || idx[0]["indkey"].Array()[0].Int() != 1 {
		t.Errorf("pg_index: %v", idx)
	}
	con := read(t, c, PgCatalog, "pg_constraint")
	if len(con) != 1 || con[0]["contype"].Str() != "p" || con[0]["conname"].Str() != "t_pkey" ||
		uint32(con[0]["conindid"].Int()) != PKIndexOID(16384) {
		t.Errorf("pg_constraint: %v", con)
	}
	def := read(t, c, PgCatalog, "pg_attrdef")
	if len(def) != 1 || def[0]["adnum"].Int() != 2 || def[0]["adbin"].Str() != "'x'::character varying" {
		t.Errorf("pg_attrdef: %v", def)
	}
	desc := read(t, c, PgCatalog, "pg_description")
	if len(desc) != 1 || desc[0]["objoid"].Int() != 16384 || desc[0]["description"].Str() != "a table" {
		t.Errorf("pg_description: %v", desc)
	}
	for _, tc := range []struct {
		f    func(uint32) (string, bool)
		oid  uint32
		want string
	}{
		{c.IndexDef, PKIndexOID(16384), "CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)"},
		{c.IndexDef, 16384, ""},
		{c.IndexDef, PKIndexOID(16385), ""},
		{c.ConstraintDef, PKConstraintOID(16384), "PRIMARY KEY (id)"},
		{c.ViewDef, 16386, "SELECT id, name FROM t;"},
		{c.ViewDef, 16387, "select count(*) as c from t;"},
		{c.ViewDef, 16384, ""},
	} {
		if got, _ := tc.f(tc.oid); got != tc.want {
			t.Errorf("oid %d: got %q, want %q", tc.oid, got, tc.want)
		}
	}
}

func TestInformationSchema(t *testing.T) {
	c := testCatalog(t)
	types := map[string]string{}
	for _, m := range read(t, c, InfoSchema, "tables") {
		if m["table_schema"].Str() == PublicSchema {
			types[m["table_name"].Str()] = m["table_type"].Str()
		}
	}
	if fmt.Sprint(types) != "map[m1:MATERIALIZED VIEW src:SOURCE t:BASE TABLE u:BASE TABLE v1:VIEW]" {
		t.Errorf("tables: %v", types)
	}
	var cols []string
	for _, m := range read(t, c, InfoSchema, "columns") {
		if m["table_name"].Str() == "t" || m["table_name"].Str() == "u" {
			def := "NULL"
			if !m["column_default"].IsNull() {
				def = m["column_default"].Str()
			}
			cols = append(cols, fmt.Sprintf("%s.%s %d %s %s %s %s", m["table_name"].Str(), m["column_name"].Str(),
				m["ordinal_position"].Int(), m["is_nullable"].Str(), m["data_type"].Str(), m["udt_name"].Str(), def))
		}
	}
	want := []string{
		"t.id 1 NO integer int4 NULL",
		"t.name 2 NO character varying varchar 'x'::character varying",
		"t.ts 3 YES timestamp with time zone timestamptz NULL",
		"u.a 1 YES bigint int8 NULL",
		"u.tags 2 YES ARRAY _varchar NULL",
	}
	if strings.Join(cols, "\n") != strings.Join(want, "\n") {
		t.Errorf("columns: got\n%s\nwant\n%s", strings.Join(cols, "\n"), strings.Join(want, "\n"))
	}
	kcu := read(t, c, InfoSchema, "key_column_usage")
	if len(kcu) != 1 || kcu[0]["column_name"].Str() != "id" || kcu[0]["constraint_name"].Str() != "t_pkey" {
		t.Errorf("key_column_usage: %v", kcu)
	}
	views := read(t, c, InfoSchema, "view_table_usage")
	if len(views) != 2 {
		t.Errorf("view_table_usage: %v", views)
	}
}

func TestPgSettingsHook(t *testing.T) {
	c := New()
	if got := read(t, c, PgCatalog, "pg_settings"); len(got) != 0 {
		t.Errorf("no hook: %d rows", len(got))
	}
	SetSettingsFunc(func() []Setting {
		return []Setting{{Name: "server_version", Value: "13.14.0", ReadOnly: true}, {Name: "timezone", Value: "UTC"}}
	})
	defer SetSettingsFunc(nil)
	got := read(t, c, PgCatalog, "pg_settings")
	if len(got) != 2 || got[0]["context"].Str() != "internal" || got[1]["setting"].Str() != "UTC" || !got[1]["unit"].IsNull() {
		t.Errorf("pg_settings: %v", got)
	}
}

func TestQuoteIdentAndViewText(t *testing.T) {
	for in, want := range map[string]string{"t": "t", "T": `"T"`, "a b": `"a b"`, "1a": `"1a"`, `x"y`: `"x""y"`, "a1_": "a1_"} {
		if got := quoteIdent(in); got != want {
			t.Errorf("quoteIdent(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"CREATE VIEW v AS SELECT 1":                                  "SELECT 1;",
		"create or replace view \"V x\" (a, b) as\n select 1, 2;":    "select 1, 2;",
		"CREATE MATERIALIZED VIEW IF NOT EXISTS mv AS SELECT a AS b": "SELECT a AS b;",
	} {
		if got := viewQueryText(in); got != want {
			t.Errorf("viewQueryText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefaultText(t *testing.T) {
	for _, tc := range []struct {
		def  string
		typ  types.Type
		want string
	}{
		{"'x'", types.Varchar, "'x'::character varying"},
		{"'it''s'", types.Varchar, "'it''s'::character varying"},
		{"'2024-01-01'", types.Date, "'2024-01-01'::date"},
		{"'x'::character varying", types.Varchar, "'x'::character varying"},
		{"'a' || 'b'", types.Varchar, "'a' || 'b'"},
		{"0", types.Int64, "0"},
		{"now()", types.Timestamptz, "now()"},
	} {
		if got := defaultText(tc.def, tc.typ); got != tc.want {
			t.Errorf("defaultText(%q, %s) = %q, want %q", tc.def, tc.typ, got, tc.want)
		}
	}
}
