package expr

import (
	"strconv"
	"strings"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// pg_catalog functions whose answers come from the catalog (pg_get_indexdef, pg_get_viewdef,
// obj_description...). expr cannot import the catalog (the catalog's system relations are read by
// queries that use expr), so the engine passes them in as Session hooks; without a hook they say
// what PostgreSQL says of an object that does not exist: NULL.

// catalogText adapts a Session hook to a kernel: the hook's text, or NULL when it has none.
func catalogText(hook func(s *Session) func(oid uint32) (string, bool)) Kernel {
	return func(ctx *Context, a []types.Datum) (types.Datum, error) {
		f := hook(session(ctx))
		if f == nil {
			return types.NullDatum, nil
		}
		if s, ok := f(uint32(a[0].Int())); ok {
			return vtext(s), nil
		}
		return types.NullDatum, nil
	}
}

func constKernel(d types.Datum) Kernel {
	return func(*Context, []types.Datum) (types.Datum, error) { return d, nil }
}

func init() {
	indexDef := catalogText(func(s *Session) func(uint32) (string, bool) { return s.IndexDef })
	def("pg_get_indexdef", tText, ts(types.Oid), indexDef).vol = Stable
	def("pg_get_indexdef", tText, ts(types.Oid, tInt, tBool), func(ctx *Context, a []types.Datum) (types.Datum, error) {
		d, err := indexDef(ctx, a)
		if err != nil || d.IsNull() || a[1].Int() == 0 {
			return d, err
		}
		// A column number asks for that key column alone.
		cols := indexColumns(d.Str())
		n := int(a[1].Int())
		if n < 1 || n > len(cols) {
			return vtext(""), nil
		}
		return vtext(cols[n-1]), nil
	}).vol = Stable
	constraintDef := catalogText(func(s *Session) func(uint32) (string, bool) { return s.ConstraintDef })
	def("pg_get_constraintdef", tText, ts(types.Oid), constraintDef).vol = Stable
	def("pg_get_constraintdef", tText, ts(types.Oid, tBool), constraintDef).vol = Stable
	viewDef := catalogText(func(s *Session) func(uint32) (string, bool) { return s.ViewDef })
	def("pg_get_viewdef", tText, ts(types.Oid), viewDef).vol = Stable
	def("pg_get_viewdef", tText, ts(types.Oid, tBool), viewDef).vol = Stable
	def("pg_get_viewdef", tText, ts(types.Oid, tInt), viewDef).vol = Stable

	description := func(ctx *Context, a []types.Datum) (types.Datum, error) {
		f := session(ctx).Description
		if f == nil || a[0].IsNull() {
			return types.NullDatum, nil
		}
		class := ""
		if len(a) > 1 {
			if a[1].IsNull() {
				return types.NullDatum, nil
			}
			class = a[1].Str()
		}
		if s, ok := f(uint32(a[0].Int()), class); ok {
			return vtext(s), nil
		}
		return types.NullDatum, nil
	}
	def("obj_description", tText, ts(types.Oid), description).vol = Stable
	def("obj_description", tText, ts(types.Oid, types.Name), description).vol = Stable
	// Runnel has no comments on columns or shared objects.
	null := constKernel(types.NullDatum)
	def("col_description", tText, ts(types.Oid, tInt), null).vol = Stable
	def("shobj_description", tText, ts(types.Oid, types.Name), null).vol = Stable

	// Objects Runnel does not have: no publications, partitions, extended statistics or tablespaces
	// of its own, and pg_proc lists no user functions.
	def("pg_relation_is_publishable", tBool, ts(types.Regclass), constKernel(types.NewBool(false)))
	def("pg_function_is_visible", tBool, ts(types.Oid), constKernel(types.NewBool(true)))
	def("pg_get_function_arguments", tText, ts(types.Oid), constKernel(vtext("")))
	def("pg_get_function_identity_arguments", tText, ts(types.Oid), constKernel(vtext("")))
	def("pg_get_function_result", tText, ts(types.Oid), constKernel(vtext("")))
	def("pg_get_statisticsobjdef_columns", tText, ts(types.Oid), null)
	def("pg_get_partkeydef", tText, ts(types.Oid), null)
	def("pg_get_partition_constraintdef", tText, ts(types.Oid), null)
	def("pg_tablespace_location", tText, ts(types.Oid), constKernel(vtext("")))
	// Sizes are not tracked per relation; psql's \dt+ shows "0 bytes" rather than failing.
	for _, n := range []string{"pg_table_size", "pg_relation_size", "pg_total_relation_size", "pg_indexes_size"} {
		def(n, tInt8, ts(types.Regclass), constKernel(types.NewInt64(0))).vol = Volatile
	}
	def("pg_size_pretty", tText, ts(tInt8), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return vtext(sizePretty(a[0].Int())), nil
	})
	def("array_remove", anyArray, ts(anyArray, anyElem), func(_ *Context, a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.NullDatum, nil
		}
		in := a[0].Array()
		out := make([]types.Datum, 0, len(in))
		for _, e := range in {
			// NULL removes NULLs: elements are compared with IS NOT DISTINCT FROM.
			if e.IsNull() != a[1].IsNull() || (!e.IsNull() && compareDatums(e, a[1]) != 0) {
				out = append(out, e)
			}
		}
		return types.NewArray(a[0].Type().Elem(), out), nil
	}).nonStrict()

	// One-dimensional arrays with PostgreSQL's default lower bound of 1: an empty array has no
	// dimensions, so its bounds are NULL.
	bound := func(upper bool) Kernel {
		return func(_ *Context, a []types.Datum) (types.Datum, error) {
			n := len(a[0].Array())
			if a[1].Int() != 1 || n == 0 {
				return types.NullDatum, nil
			}
			if upper {
				return types.NewInt32(int32(n)), nil
			}
			return types.NewInt32(1), nil
		}
	}
	def("array_lower", tInt, ts(anyArray, tInt), bound(false))
	def("array_upper", tInt, ts(anyArray, tInt), bound(true))
	def("string_to_array", types.ArrayOf(tText), ts(tText, tText), stringToArray).nonStrict()
	def("string_to_array", types.ArrayOf(tText), ts(tText, tText, tText), stringToArray).nonStrict()
	// arr[i] binds to array_subscript: one-based, NULL out of range, as in PostgreSQL.
	for _, it := range []types.Type{tInt, tInt8} {
		def("array_subscript", anyElem, ts(anyArray, it), func(_ *Context, a []types.Datum) (types.Datum, error) {
			arr, i := a[0].Array(), a[1].Int()
			if i < 1 || i > int64(len(arr)) {
				return types.NullDatum, nil
			}
			return arr[i-1], nil
		})
	}
	def("parse_ident", types.ArrayOf(tText), ts(tText), parseIdent)
	def("parse_ident", types.ArrayOf(tText), ts(tText, tBool), parseIdent)
}

// parseIdent is parse_ident(qualified_identifier [, strict]): the dot-separated names, unquoted
// ones folded to lower case, quoted ones kept with "" read as ". Grafana's column picker splits
// schema.table with it.
func parseIdent(_ *Context, a []types.Datum) (types.Datum, error) {
	s := a[0].Str()
	strict := len(a) < 2 || a[1].Bool()
	bad := func() (types.Datum, error) {
		return types.NullDatum, pgerr.New(pgerr.InvalidParameterValue, "string is not a valid identifier: %q", s)
	}
	var out []types.Datum
	i := 0
	for {
		for i < len(s) && isIdentSpace(s[i]) {
			i++
		}
		var name strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return bad()
				}
				name.WriteString(s[i : i+j])
				i += j + 1
				if i < len(s) && s[i] == '"' {
					name.WriteByte('"')
					i++
					continue
				}
				break
			}
			if name.Len() == 0 {
				return bad()
			}
		} else {
			start := i
			for i < len(s) && isIdentChar(s[i]) {
				i++
			}
			if i == start {
				return bad()
			}
			name.WriteString(strings.ToLower(s[start:i]))
		}
		out = append(out, types.NewVarchar(name.String()))
		for i < len(s) && isIdentSpace(s[i]) {
			i++
		}
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		if i < len(s) && strict {
			return bad()
		}
		return types.NewArray(tText, out), nil
	}
}

func isIdentChar(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func isIdentSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// stringToArray is string_to_array(s, delimiter[, null_string]): a NULL delimiter splits into
// characters, an empty one keeps s whole, and an empty s gives an empty array.
func stringToArray(_ *Context, a []types.Datum) (types.Datum, error) {
	if a[0].IsNull() {
		return types.NullDatum, nil
	}
	s := a[0].Str()
	var parts []string
	switch {
	case s == "":
	case a[1].IsNull():
		for _, r := range s {
			parts = append(parts, string(r))
		}
	case a[1].Str() == "":
		parts = []string{s}
	default:
		parts = strings.Split(s, a[1].Str())
	}
	nullStr, hasNull := "", len(a) > 2 && !a[2].IsNull()
	if hasNull {
		nullStr = a[2].Str()
	}
	out := make([]types.Datum, len(parts))
	for i, p := range parts {
		if hasNull && p == nullStr {
			out[i] = types.NullDatum
			continue
		}
		out[i] = vtext(p)
	}
	return types.NewArray(tText, out), nil
}

// indexColumns splits the key list of a CREATE INDEX statement, "... USING btree (a, "b c")", at
// the commas outside quotes.
func indexColumns(def string) []string {
	i := strings.LastIndex(def, " (")
	if i < 0 || !strings.HasSuffix(def, ")") {
		return nil
	}
	list := def[i+2 : len(def)-1]
	var cols []string
	quoted, start := false, 0
	for j := 0; j < len(list); j++ {
		switch list[j] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				cols = append(cols, strings.TrimSpace(list[start:j]))
				start = j + 1
			}
		}
	}
	return append(cols, strings.TrimSpace(list[start:]))
}

// RegclassText is how PostgreSQL prints a regclass: "-" for 0, the relation's name as s's
// RegclassName hook gives it, or the bare number when no relation has the OID.
func RegclassText(s *Session, oid uint32) string {
	if oid == 0 {
		return "-"
	}
	if s != nil && s.RegclassName != nil {
		if n := s.RegclassName(oid); n != "" {
			return n
		}
	}
	return strconv.FormatUint(uint64(oid), 10)
}

// RegtypeText is how PostgreSQL prints a regtype: format_type's name ("integer", "character
// varying"), "-" for 0, or the bare number of an unknown type.
func RegtypeText(oid uint32) string {
	switch oid {
	case 0:
		return "-"
	case 25: // FromOID folds text and bpchar into varchar, but their names stay their own
		return "text"
	case 1042:
		return "character"
	}
	if t, ok := types.FromOID(oid); ok {
		return t.String()
	}
	return strconv.FormatUint(uint64(oid), 10)
}

// QuoteIdent quotes an identifier as quote_ident does, for names the engine prints.
func QuoteIdent(s string) string { return quoteIdent(s) }

// sizePretty is PostgreSQL 15's pg_size_pretty(bigint): bytes below 10 kB, then the largest unit
// that keeps the number below 20480 (below 10240 for bytes), halves rounded away from zero.
func sizePretty(size int64) string {
	units := []struct {
		name  string
		limit int64
		round bool
		bits  uint
	}{{"bytes", 10 * 1024, false, 0}, {"kB", 20*1024 - 1, true, 10}, {"MB", 20*1024 - 1, true, 20},
		{"GB", 20*1024 - 1, true, 30}, {"TB", 20*1024 - 1, true, 40}, {"PB", 20*1024 - 1, true, 50}}
	for i, u := range units {
		abs := size
		if abs < 0 {
			abs = -abs
		}
		if i == len(units)-1 || abs < u.limit {
			if u.round {
				if size > 0 {
					size = (size + 1) / 2
				} else {
					size = (size - 1) / 2
				}
			}
			return strconv.FormatInt(size, 10) + " " + u.name
		}
		next := units[i+1]
		bits := next.bits - u.bits
		if next.round {
			bits--
		}
		if u.round {
			bits++
		}
		size /= int64(1) << bits
	}
	return ""
}
