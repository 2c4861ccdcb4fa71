package catalog

import (
	"sort"

	"github.com/runnel-db/runnel/types"
)

// pgType is one base or pseudo type as PostgreSQL 13's pg_type has it. Drivers look types up by the
// OIDs in RowDescription and decide how to decode from typname, typtype, typcategory, typelem and
// typlen, so the values are PostgreSQL's own.
type pgType struct {
	oid      uint32
	name     string
	len      int
	byval    bool
	typtype  string // b base, p pseudo
	category string
	pref     bool
	elem     uint32 // element of the fixed-length "array" types name, int2vector and oidvector
	array    uint32
	align    string
	storage  string
	coll     uint32
}

// pgTypes holds every type Runnel's types package has, plus the few PostgreSQL types catalog queries
// name (text, bpchar, int2vector, oidvector, regproc, xid, pg_node_tree, aclitem) and the pseudo
// types function signatures use. Runnel stores text and bpchar as varchar, but drivers still ask
// for them by OID.
var pgTypes = []pgType{
	{16, "bool", 1, true, "b", "B", true, 0, 1000, "c", "p", 0},
	{17, "bytea", -1, false, "b", "U", false, 0, 1001, "i", "x", 0},
	{18, "char", 1, true, "b", "Z", false, 0, 1002, "c", "p", 0},
	{19, "name", 64, false, "b", "S", false, 18, 1003, "c", "p", CCollation},
	{20, "int8", 8, true, "b", "N", false, 0, 1016, "d", "p", 0},
	{21, "int2", 2, true, "b", "N", false, 0, 1005, "s", "p", 0},
	{22, "int2vector", -1, false, "b", "A", false, 21, 1006, "i", "p", 0},
	{23, "int4", 4, true, "b", "N", false, 0, 1007, "i", "p", 0},
	{24, "regproc", 4, true, "b", "N", false, 0, 1008, "i", "p", 0},
	{25, "text", -1, false, "b", "S", true, 0, 1009, "i", "x", DefaultCollation},
	{26, "oid", 4, true, "b", "N", true, 0, 1028, "i", "p", 0},
	{28, "xid", 4, true, "b", "U", false, 0, 1011, "i", "p", 0},
	{30, "oidvector", -1, false, "b", "A", false, 26, 1013, "i", "p", 0},
	{194, "pg_node_tree", -1, false, "b", "Z", false, 0, 0, "i", "x", DefaultCollation},
	{700, "float4", 4, true, "b", "N", false, 0, 1021, "i", "p", 0},
	{701, "float8", 8, true, "b", "N", true, 0, 1022, "d", "p", 0},
	{705, "unknown", -2, false, "p", "X", false, 0, 0, "c", "p", 0},
	{1033, "aclitem", 12, false, "b", "U", false, 0, 1034, "i", "p", 0},
	{1042, "bpchar", -1, false, "b", "S", false, 0, 1014, "i", "x", DefaultCollation},
	{1043, "varchar", -1, false, "b", "S", false, 0, 1015, "i", "x", DefaultCollation},
	{1082, "date", 4, true, "b", "D", false, 0, 1182, "i", "p", 0},
	{1083, "time", 8, true, "b", "D", false, 0, 1183, "d", "p", 0},
	{1114, "timestamp", 8, true, "b", "D", false, 0, 1115, "d", "p", 0},
	{1184, "timestamptz", 8, true, "b", "D", true, 0, 1185, "d", "p", 0},
	{1186, "interval", 16, false, "b", "T", true, 0, 1187, "d", "p", 0},
	{1700, "numeric", -1, false, "b", "N", false, 0, 1231, "i", "m", 0},
	{2205, "regclass", 4, true, "b", "N", false, 0, 2210, "i", "p", 0},
	{2206, "regtype", 4, true, "b", "N", false, 0, 2211, "i", "p", 0},
	{2249, "record", -1, false, "p", "P", false, 0, 2287, "d", "x", 0},
	{2275, "cstring", -2, false, "p", "P", false, 0, 1263, "c", "p", 0},
	{2276, "any", 4, true, "p", "P", false, 0, 0, "i", "p", 0},
	{2277, "anyarray", -1, false, "p", "P", false, 0, 0, "d", "x", 0},
	{2278, "void", 4, true, "p", "P", false, 0, 0, "i", "p", 0},
	{2279, "trigger", 4, true, "p", "P", false, 0, 0, "i", "p", 0},
	{2283, "anyelement", 4, true, "p", "P", false, 0, 0, "i", "p", 0},
	{3802, "jsonb", -1, false, "b", "U", false, 0, 3807, "i", "x", 0},
}

var pgTypeByOID = func() map[uint32]*pgType {
	m := map[uint32]*pgType{}
	for i := range pgTypes {
		m[pgTypes[i].oid] = &pgTypes[i]
	}
	for i := range pgTypes {
		if e := pgTypes[i]; e.array != 0 {
			m[e.array] = arrayTypeOf(&e)
		}
	}
	return m
}()

// arrayTypeOf is PostgreSQL's array type of e: "_" + name, variable length, aligned for its elements.
func arrayTypeOf(e *pgType) *pgType {
	align := "i"
	if e.align == "d" {
		align = "d"
	}
	return &pgType{oid: e.array, name: "_" + e.name, len: -1, typtype: "b", category: "A", elem: e.oid,
		align: align, storage: "x", coll: e.coll}
}

// typeOf returns the pg_type facts of a Runnel column type.
func typeOf(t types.Type) *pgType {
	if p, ok := pgTypeByOID[t.OID()]; ok {
		return p
	}
	return pgTypeByOID[705]
}

func init() {
	register(pgTypeOID, PgCatalog, "pg_type", false, `oid:oid typname:name typnamespace:oid typowner:oid
		typlen:int2 typbyval:bool typtype:char typcategory:char typispreferred:bool typisdefined:bool
		typdelim:char typrelid:oid typelem:oid typarray:oid typinput:regproc typoutput:regproc
		typreceive:regproc typsend:regproc typmodin:regproc typmodout:regproc typanalyze:regproc
		typalign:char typstorage:char typnotnull:bool typbasetype:oid typtypmod:int4 typndims:int4
		typcollation:oid typdefaultbin:pg_node_tree typdefault:text typacl:aclitem[]`,
		func(t *sysRel, c *Catalog) []types.Row {
			oids := make([]uint32, 0, len(pgTypeByOID))
			for o := range pgTypeByOID {
				oids = append(oids, o)
			}
			sort.Slice(oids, func(i, j int) bool { return oids[i] < oids[j] })
			rows := make([]types.Row, 0, len(oids))
			for _, o := range oids {
				p := pgTypeByOID[o]
				rows = append(rows, t.row("oid", p.oid, "typname", p.name, "typnamespace", PgCatalogOID,
					"typowner", RootRoleOID, "typlen", p.len, "typbyval", p.byval, "typtype", p.typtype,
					"typcategory", p.category, "typispreferred", p.pref, "typisdefined", true, "typdelim", ",",
					"typelem", p.elem, "typarray", p.array, "typalign", p.align, "typstorage", p.storage,
					"typtypmod", -1, "typcollation", p.coll, "typinput", typInput(p.category)))
			}
			return rows
		})
}

// typInput is pg_type.typinput: array_in (OID 750) for array types, which is how drivers (pgJDBC)
// tell arrays apart; the scalar input functions are not listed.
func typInput(category string) types.Datum {
	if category == "A" {
		return types.NewInt(types.Oid, 750)
	}
	return types.NewInt(types.Oid, 0)
}
