// Package types defines Runnel's SQL data types, the Datum that holds one value of any of them, and
// the Chunk that carries a batch of changed rows between operators.
package types

// Type is a SQL data type. Array types are the element type with the Array bit set, so a Type stays a
// comparable byte that every layer can switch on.
type Type uint8

const (
	// Unknown is the type of an untyped literal ('abc' or NULL) before the binder resolves it from context.
	Unknown Type = iota
	Bool
	Int16
	Int32
	Int64
	Float32
	Float64
	Numeric
	Varchar
	Bytea
	Date
	Time
	Timestamp
	Timestamptz
	Interval
	Jsonb
	// Oid is PostgreSQL's unsigned 32-bit object identifier; pg_catalog relations use it.
	Oid
	// Regclass and Regtype are OIDs that print as relation and type names (pg_catalog compatibility).
	Regclass
	Regtype
	// Char is PostgreSQL's one-byte "char" type (pg_class.relkind and friends).
	Char
	// Name is PostgreSQL's 63-byte identifier type; behaves as varchar.
	Name
	numTypes
)

// Array is the bit that turns an element type into its array type.
const Array Type = 0x80

// ArrayOf returns the array type of t.
func ArrayOf(t Type) Type { return t | Array }

// IsArray reports whether t is an array type.
func (t Type) IsArray() bool { return t&Array != 0 }

// Elem returns the element type of an array type (t itself otherwise).
func (t Type) Elem() Type { return t &^ Array }

type typeInfo struct {
	name     string // as format_type prints it
	oid      uint32
	arrayOID uint32
	size     int16  // pg_type.typlen; -1 for variable length
	short    string // RisingWave's name, used by DESCRIBE
}

var infos = [numTypes]typeInfo{
	Unknown:     {"unknown", 705, 0, -2, "unknown"},
	Bool:        {"boolean", 16, 1000, 1, "boolean"},
	Int16:       {"smallint", 21, 1005, 2, "smallint"},
	Int32:       {"integer", 23, 1007, 4, "integer"},
	Int64:       {"bigint", 20, 1016, 8, "bigint"},
	Float32:     {"real", 700, 1021, 4, "real"},
	Float64:     {"double precision", 701, 1022, 8, "double precision"},
	Numeric:     {"numeric", 1700, 1231, -1, "numeric"},
	Varchar:     {"character varying", 1043, 1015, -1, "character varying"},
	Bytea:       {"bytea", 17, 1001, -1, "bytea"},
	Date:        {"date", 1082, 1182, 4, "date"},
	Time:        {"time without time zone", 1083, 1183, 8, "time without time zone"},
	Timestamp:   {"timestamp without time zone", 1114, 1115, 8, "timestamp without time zone"},
	Timestamptz: {"timestamp with time zone", 1184, 1185, 8, "timestamp with time zone"},
	Interval:    {"interval", 1186, 1187, 16, "interval"},
	Jsonb:       {"jsonb", 3802, 3807, -1, "jsonb"},
	Oid:         {"oid", 26, 1028, 4, "oid"},
	Regclass:    {"regclass", 2205, 2210, 4, "regclass"},
	Regtype:     {"regtype", 2206, 2211, 4, "regtype"},
	Char:        {"\"char\"", 18, 1002, 1, "\"char\""},
	Name:        {"name", 19, 1003, 64, "name"},
}

// String returns the type's name as PostgreSQL's format_type prints it ("integer", "character varying[]").
func (t Type) String() string {
	if t.IsArray() {
		return t.Elem().String() + "[]"
	}
	if t >= numTypes {
		return "invalid"
	}
	return infos[t].name
}

// OID returns the PostgreSQL type OID clients use to decode values of this type.
func (t Type) OID() uint32 {
	if t.IsArray() {
		if e := t.Elem(); e < numTypes {
			return infos[e].arrayOID
		}
		return 0
	}
	if t >= numTypes {
		return 0
	}
	return infos[t].oid
}

// Size returns pg_type.typlen: the fixed size in bytes, or -1 for variable-length types.
func (t Type) Size() int16 {
	if t.IsArray() || t >= numTypes {
		return -1
	}
	return infos[t].size
}

// FromOID returns the type with the given OID, and whether there is one.
func FromOID(oid uint32) (Type, bool) {
	switch oid {
	case 25, 1042: // text, bpchar: Runnel treats both as varchar, as RisingWave does
		return Varchar, true
	case 1009, 1014:
		return ArrayOf(Varchar), true
	}
	for t := Type(0); t < numTypes; t++ {
		if infos[t].oid == oid {
			return t, true
		}
		if infos[t].arrayOID == oid && oid != 0 {
			return ArrayOf(t), true
		}
	}
	return Unknown, false
}

// IsInteger reports whether t is one of the integer types.
func (t Type) IsInteger() bool { return t == Int16 || t == Int32 || t == Int64 }

// IsNumeric reports whether t is an integer, floating-point or numeric type.
func (t Type) IsNumeric() bool {
	switch t {
	case Int16, Int32, Int64, Float32, Float64, Numeric:
		return true
	}
	return false
}

// IsString reports whether t holds text (varchar and the pg_catalog text-like types).
func (t Type) IsString() bool { return t == Varchar || t == Name || t == Char }

// IsTemporal reports whether t is a date/time type (not interval).
func (t Type) IsTemporal() bool {
	switch t {
	case Date, Time, Timestamp, Timestamptz:
		return true
	}
	return false
}

// Lookup resolves a SQL type name as written in DDL or a cast (lower case, without modifiers:
// "int4", "character varying", "timestamptz", "double precision", "text"). Array types end in "[]".
func Lookup(name string) (Type, bool) {
	if len(name) > 2 && name[len(name)-2:] == "[]" {
		e, ok := Lookup(name[:len(name)-2])
		if !ok || e.IsArray() {
			return Unknown, false
		}
		return ArrayOf(e), true
	}
	t, ok := names[name]
	return t, ok
}

var names = map[string]Type{
	"boolean": Bool, "bool": Bool,
	"smallint": Int16, "int2": Int16,
	"integer": Int32, "int": Int32, "int4": Int32,
	"bigint": Int64, "int8": Int64,
	"real": Float32, "float4": Float32,
	"double precision": Float64, "float8": Float64, "double": Float64, "float": Float64,
	"numeric": Numeric, "decimal": Numeric,
	"varchar": Varchar, "character varying": Varchar, "text": Varchar, "string": Varchar,
	"char": Varchar, "character": Varchar, "bpchar": Varchar,
	"bytea": Bytea,
	"date":  Date,
	"time":  Time, "time without time zone": Time,
	"timestamp": Timestamp, "timestamp without time zone": Timestamp,
	"timestamptz": Timestamptz, "timestamp with time zone": Timestamptz,
	"interval": Interval,
	"jsonb":    Jsonb, "json": Jsonb,
	"oid": Oid, "regclass": Regclass, "regtype": Regtype, "regproc": Oid, "regnamespace": Oid,
	"\"char\"": Char, "name": Name,
}
