package expr

import (
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// pg_catalog functions that clients (psql, JDBC, Grafana, pgx) call and that need no catalog.

var txCounter atomic.Int64

func session(ctx *Context) *Session {
	if ctx == nil || ctx.Session == nil {
		return &Session{}
	}
	return ctx.Session
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func constText(f func(ctx *Context) string) Kernel {
	return func(ctx *Context, _ []types.Datum) (types.Datum, error) { return vtext(f(ctx)), nil }
}

// VersionString is what version() returns: drivers parse the leading "PostgreSQL 13.14" as the server
// version, so it must stay first.
func VersionString(v string) string {
	return "PostgreSQL 13.14.0-Runnel-" + orDefault(v, "dev")
}

func init() {
	stable := func(o *overload) { o.vol = Stable }
	stable(def("version", tText, nil, constText(func(ctx *Context) string { return VersionString(session(ctx).Version) })))
	stable(def("current_database", types.Name, nil, constText(func(ctx *Context) string { return orDefault(session(ctx).Database, "dev") })))
	stable(def("current_catalog", types.Name, nil, constText(func(ctx *Context) string { return orDefault(session(ctx).Database, "dev") })))
	for _, n := range []string{"current_user", "session_user", "user", "current_role"} {
		stable(def(n, types.Name, nil, constText(func(ctx *Context) string { return orDefault(session(ctx).User, "root") })))
	}
	stable(def("current_schema", types.Name, nil, constText(func(ctx *Context) string { return orDefault(session(ctx).Schema, "public") })))
	stable(def("current_schemas", types.ArrayOf(types.Name), ts(tBool), func(ctx *Context, a []types.Datum) (types.Datum, error) {
		out := []types.Datum{types.NewString(types.Name, orDefault(session(ctx).Schema, "public"))}
		if a[0].Bool() {
			out = append([]types.Datum{types.NewString(types.Name, "pg_catalog")}, out...)
		}
		return types.NewArray(types.Name, out), nil
	}))
	stable(def("pg_backend_pid", tInt, nil, func(ctx *Context, _ []types.Datum) (types.Datum, error) {
		return types.NewInt32(session(ctx).BackendPID), nil
	}))
	stable(def("pg_postmaster_start_time", tTSTZ, nil, func(ctx *Context, _ []types.Datum) (types.Datum, error) {
		st := session(ctx).StartTime
		if st.IsZero() {
			st = ctx.Now
		}
		return types.NewTimestamptz(st.UnixMicro()), nil
	}))
	def("txid_current", tInt8, nil, func(ctx *Context, _ []types.Datum) (types.Datum, error) {
		if f := session(ctx).TxID; f != nil {
			return types.NewInt64(f()), nil
		}
		return types.NewInt64(txCounter.Add(1) + 1000), nil
	}).vol = Volatile
	def("pg_is_in_recovery", tBool, nil, func(*Context, []types.Datum) (types.Datum, error) { return types.NewBool(false), nil })
	def("inet_server_addr", tText, nil, func(*Context, []types.Datum) (types.Datum, error) { return types.NullDatum, nil })
	def("inet_client_addr", tText, nil, func(*Context, []types.Datum) (types.Datum, error) { return types.NullDatum, nil })
	setting := func(ctx *Context, a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.NullDatum, nil
		}
		missingOK := len(a) > 1 && !a[1].IsNull() && a[1].Bool()
		if f := session(ctx).Setting; f != nil {
			v, err := f(strings.ToLower(a[0].Str()))
			if err == nil {
				return vtext(v), nil
			}
			if !missingOK {
				return types.NullDatum, err
			}
			return types.NullDatum, nil
		}
		if missingOK {
			return types.NullDatum, nil
		}
		return types.NullDatum, pgerr.New(pgerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", a[0].Str())
	}
	stable(def("current_setting", tText, ts(tText), setting))
	stable(def("current_setting", tText, ts(tText, tBool), setting).nonStrict())

	def("format_type", tText, ts(types.Oid, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() {
			return types.NullDatum, nil
		}
		t, ok := types.FromOID(uint32(a[0].Int()))
		if !ok {
			return vtext("???"), nil
		}
		return vtext(t.String()), nil
	}).nonStrict()
	def("pg_get_userbyid", types.Name, ts(types.Oid), func(*Context, []types.Datum) (types.Datum, error) {
		return types.NewString(types.Name, "root"), nil
	})
	def("pg_encoding_to_char", types.Name, ts(tInt), func(*Context, []types.Datum) (types.Datum, error) {
		return types.NewString(types.Name, "UTF8"), nil
	})
	def("pg_table_is_visible", tBool, ts(types.Oid), func(ctx *Context, a []types.Datum) (types.Datum, error) {
		f := session(ctx).TableVisible
		return types.NewBool(f == nil || f(uint32(a[0].Int()))), nil
	}).vol = Stable
	def("pg_type_is_visible", tBool, ts(types.Oid), func(*Context, []types.Datum) (types.Datum, error) { return types.NewBool(true), nil })
	yes := func(*Context, []types.Datum) (types.Datum, error) { return types.NewBool(true), nil }
	for _, n := range []string{"has_table_privilege", "has_schema_privilege", "has_database_privilege", "has_column_privilege", "has_any_column_privilege"} {
		def(n, tBool, ts(tText, tText), yes).nonStrict()
		def(n, tBool, ts(types.Oid, tText), yes).nonStrict()
		def(n, tBool, ts(tText, tText, tText), yes).nonStrict()
		def(n, tBool, ts(types.Oid, tText, tText), yes).nonStrict()
		def(n, tBool, ts(tText, types.Oid, tText), yes).nonStrict()
	}
	def("pg_get_expr", tText, ts(tText, types.Oid), func(_ *Context, a []types.Datum) (types.Datum, error) { return a[0], nil })
	def("pg_get_expr", tText, ts(tText, types.Oid, tBool), func(_ *Context, a []types.Datum) (types.Datum, error) { return a[0], nil })
	def("array_to_string", tText, ts(anyArray, tText), arrayToString).vol = Stable
	def("array_to_string", tText, ts(anyArray, tText, tText), arrayToString).nonStrict().vol = Stable
	def("array_length", tInt, ts(anyArray, tInt), func(_ *Context, a []types.Datum) (types.Datum, error) {
		n := len(a[0].Array())
		if a[1].Int() != 1 || n == 0 {
			return types.NullDatum, nil
		}
		return types.NewInt32(int32(n)), nil
	})
	def("cardinality", tInt, ts(anyArray), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewInt32(int32(len(a[0].Array()))), nil
	})
	def("array_position", tInt, ts(anyArray, anyElem), func(_ *Context, a []types.Datum) (types.Datum, error) {
		for i, e := range a[0].Array() {
			if !e.IsNull() && compareDatums(e, a[1]) == 0 {
				return types.NewInt32(int32(i + 1)), nil
			}
		}
		return types.NullDatum, nil
	})
	def("array_append", anyArray, ts(anyArray, anyElem), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewArray(a[0].Type().Elem(), append(append([]types.Datum(nil), a[0].Array()...), a[1])), nil
	}).nonStrict()
	def("pg_typeof", types.Regtype, ts(anyType), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NullDatum, pgerr.New(pgerr.InternalError, "pg_typeof is resolved at bind time")
	})
	binders["pg_typeof"] = func(args []Expr) (Expr, error) {
		if len(args) != 1 {
			return nil, noFunc("pg_typeof", args)
		}
		t := args[0].Type()
		return NewConst(types.NewInt(types.Regtype, int64(t.OID())), types.Regtype), nil
	}
}

func arrayToString(ctx *Context, a []types.Datum) (types.Datum, error) {
	if a[0].IsNull() || a[1].IsNull() {
		return types.NullDatum, nil
	}
	var b strings.Builder
	first := true
	for _, e := range a[0].Array() {
		s := ""
		if e.IsNull() {
			if len(a) < 3 || a[2].IsNull() {
				continue
			}
			s = a[2].Str()
		} else {
			s = concatText(ctx, e)
		}
		if !first {
			b.WriteString(a[1].Str())
		}
		first = false
		b.WriteString(s)
	}
	return vtext(b.String()), nil
}

var _ = strconv.Itoa
