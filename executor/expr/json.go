package expr

import (
	"strconv"
	"strings"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// newJsonOp builds the jsonb operators -> ->> #> #>> @> <@ ? ?| ?&.
func newJsonOp(op string, l, r Expr) (Expr, error) {
	var err error
	if l.Type() == types.Unknown {
		if l, err = NewCast(l, types.Jsonb); err != nil {
			return nil, err
		}
	}
	if l.Type() != types.Jsonb {
		return nil, opNotExist(op, l.Type(), r.Type())
	}
	switch op {
	case "->", "->>":
		text := op == "->>"
		rt := r.Type()
		if rt == types.Unknown {
			rt = types.Varchar
		}
		if rt.IsInteger() {
			if r, err = coerceImplicit(r, types.Int32); err != nil {
				return nil, err
			}
			return jsonOp(op, l, r, text, func(d, k types.Datum) (types.Datum, bool) {
				return types.JsonbIndex(d, int(k.Int()))
			}), nil
		}
		if !rt.IsString() {
			return nil, opNotExist(op, l.Type(), r.Type())
		}
		if r, err = NewCast(r, types.Varchar); err != nil {
			return nil, err
		}
		return jsonOp(op, l, r, text, func(d, k types.Datum) (types.Datum, bool) {
			return types.JsonbField(d, k.Str())
		}), nil
	case "#>", "#>>":
		if r.Type() == types.Unknown {
			if r, err = NewCast(r, types.ArrayOf(types.Varchar)); err != nil {
				return nil, err
			}
		}
		if r.Type() != types.ArrayOf(types.Varchar) {
			return nil, opNotExist(op, l.Type(), r.Type())
		}
		return jsonOp(op, l, r, op == "#>>", func(d, k types.Datum) (types.Datum, bool) {
			path, ok := textArray(k)
			if !ok {
				return types.NullDatum, false
			}
			return types.JsonbPath(d, path)
		}), nil
	case "@>", "<@":
		if r, err = resolveUnknown(r, types.Jsonb); err != nil {
			return nil, err
		}
		if r.Type() != types.Jsonb {
			return nil, opNotExist(op, l.Type(), r.Type())
		}
		flip := op == "<@"
		return &BinFuncExpr{Name: op, L: l, R: r, T: types.Bool, Fn: func(_ *Context, a, b types.Datum) (types.Datum, error) {
			if flip {
				a, b = b, a
			}
			return types.NewBool(types.JsonbContains(a, b)), nil
		}}, nil
	case "?":
		if r, err = textOperand(r); err != nil {
			return nil, err
		}
		if !r.Type().IsString() {
			return nil, opNotExist(op, l.Type(), r.Type())
		}
		return &BinFuncExpr{Name: op, L: l, R: r, T: types.Bool, Fn: func(_ *Context, a, b types.Datum) (types.Datum, error) {
			return types.NewBool(jsonbHasKey(a, b.Str())), nil
		}}, nil
	case "?|", "?&":
		if r, err = resolveUnknown(r, types.ArrayOf(types.Varchar)); err != nil {
			return nil, err
		}
		if r.Type() != types.ArrayOf(types.Varchar) {
			return nil, opNotExist(op, l.Type(), r.Type())
		}
		all := op == "?&"
		return &BinFuncExpr{Name: op, L: l, R: r, T: types.Bool, Fn: func(_ *Context, a, b types.Datum) (types.Datum, error) {
			for _, k := range b.Array() {
				if k.IsNull() {
					continue
				}
				if jsonbHasKey(a, k.Str()) != all {
					return types.NewBool(!all), nil
				}
			}
			return types.NewBool(all), nil
		}}, nil
	}
	return nil, opNotExist(op, l.Type(), r.Type())
}

// jsonbHasKey is ?: an object key, or a string element of an array (or the string itself).
func jsonbHasKey(d types.Datum, key string) bool {
	switch types.JsonbTypeof(d) {
	case "object":
		_, ok := types.JsonbField(d, key)
		return ok
	case "array":
		for i := 0; ; i++ {
			e, ok := types.JsonbIndex(d, i)
			if !ok {
				return false
			}
			if types.JsonbTypeof(e) == "string" {
				if s, _ := types.JsonbText(e); s == key {
					return true
				}
			}
		}
	case "string":
		s, _ := types.JsonbText(d)
		return s == key
	}
	return false
}

func textArray(d types.Datum) ([]string, bool) {
	arr := d.Array()
	out := make([]string, len(arr))
	for i, e := range arr {
		if e.IsNull() {
			return nil, false
		}
		out[i] = e.Str()
	}
	return out, true
}

// jsonOp wraps a navigation: NULL when the path is missing; ->> and #>> return text (SQL NULL for JSON
// null).
func jsonOp(op string, l, r Expr, text bool, nav func(d, k types.Datum) (types.Datum, bool)) Expr {
	t := types.Jsonb
	if text {
		t = types.Varchar
	}
	return &BinFuncExpr{Name: op, L: l, R: r, T: t, Fn: func(_ *Context, a, b types.Datum) (types.Datum, error) {
		v, ok := nav(a, b)
		if !ok {
			return types.NullDatum, nil
		}
		if !text {
			return v, nil
		}
		s, ok := types.JsonbText(v)
		if !ok {
			return types.NullDatum, nil
		}
		return types.NewVarchar(s), nil
	}}
}

// jsonbConcat is jsonb || jsonb: objects merge (right wins), otherwise both sides become arrays and
// are concatenated.
func jsonbConcat(_ *Context, a, b types.Datum) (types.Datum, error) {
	as, bs := a.Str(), b.Str()
	ak, bk := jsonKind(as), jsonKind(bs)
	var s string
	switch {
	case ak == "object" && bk == "object":
		s = joinJSON('{', as, bs, '}')
	default:
		if ak != "array" {
			as = "[" + as + "]"
		}
		if bk != "array" {
			bs = "[" + bs + "]"
		}
		s = joinJSON('[', as, bs, ']')
	}
	// Canonical form sorts keys and drops duplicate keys keeping the last, which is exactly ||'s rule.
	return types.ParseJsonb(s)
}

func joinJSON(open byte, a, b string, close byte) string {
	ai := strings.TrimSpace(a[1 : len(a)-1])
	bi := strings.TrimSpace(b[1 : len(b)-1])
	switch {
	case ai == "":
		return string(open) + bi + string(close)
	case bi == "":
		return string(open) + ai + string(close)
	}
	return string(open) + ai + ", " + bi + string(close)
}

// appendJSONValue writes d as a JSON value, following to_jsonb: numbers and booleans bare, jsonb as
// is, timestamps in ISO 8601 with a T, everything else as a JSON string of its text form.
func appendJSONValue(ctx *Context, buf []byte, d types.Datum) []byte {
	if d.IsNull() {
		return append(buf, "null"...)
	}
	t := d.Type()
	if t.IsArray() {
		buf = append(buf, '[')
		for i, e := range d.Array() {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = appendJSONValue(ctx, buf, e)
		}
		return append(buf, ']')
	}
	switch t {
	case types.Jsonb:
		return append(buf, d.Str()...)
	case types.Bool:
		return strconv.AppendBool(buf, d.Bool())
	case types.Int16, types.Int32, types.Int64, types.Numeric, types.Oid:
		return appendText(buf, d, nil)
	case types.Float32, types.Float64:
		f := d.Float()
		if f != f || f > 1e308 || f < -1e308 {
			return strconv.AppendQuote(buf, string(appendText(nil, d, nil)))
		}
		return appendText(buf, d, nil)
	case types.Timestamp, types.Timestamptz:
		s := string(appendText(nil, d, location(ctx)))
		s = strings.Replace(s, " ", "T", 1)
		if t == types.Timestamptz && len(s) > 3 && (s[len(s)-3] == '+' || s[len(s)-3] == '-') {
			s += ":00"
		}
		return appendJSONString(buf, s)
	}
	return appendJSONString(buf, string(appendText(nil, d, location(ctx))))
}

func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			buf = append(buf, '\\', c)
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\t':
			buf = append(buf, '\\', 't')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		default:
			if c < 0x20 {
				buf = append(buf, `\u00`...)
				buf = append(buf, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			} else {
				buf = append(buf, c)
			}
		}
	}
	return append(buf, '"')
}

func init() {
	def("jsonb_typeof", types.Varchar, ts(types.Jsonb), func(_ *Context, a []types.Datum) (types.Datum, error) {
		return types.NewVarchar(types.JsonbTypeof(a[0])), nil
	})
	def("jsonb_array_length", types.Int32, ts(types.Jsonb), func(_ *Context, a []types.Datum) (types.Datum, error) {
		switch types.JsonbTypeof(a[0]) {
		case "array":
		case "object":
			return types.NullDatum, pgerr.New(pgerr.InvalidParameterValue, "cannot get array length of a non-array")
		default:
			return types.NullDatum, pgerr.New(pgerr.InvalidParameterValue, "cannot get array length of a scalar")
		}
		n := 0
		for {
			if _, ok := types.JsonbIndex(a[0], n); !ok {
				return types.NewInt32(int32(n)), nil
			}
			n++
		}
	})
	path := func(text bool) Kernel {
		return func(_ *Context, a []types.Datum) (types.Datum, error) {
			keys := make([]string, 0, len(a)-1)
			for _, k := range a[1:] {
				if k.IsNull() {
					return types.NullDatum, nil
				}
				keys = append(keys, k.Str())
			}
			v, ok := types.JsonbPath(a[0], keys)
			if !ok {
				return types.NullDatum, nil
			}
			if !text {
				return v, nil
			}
			s, ok := types.JsonbText(v)
			if !ok {
				return types.NullDatum, nil
			}
			return types.NewVarchar(s), nil
		}
	}
	def("jsonb_extract_path", types.Jsonb, ts(types.Jsonb, types.Varchar), path(false)).variadicLast()
	def("jsonb_extract_path_text", types.Jsonb, ts(types.Jsonb, types.Varchar), path(true)).variadicLast().ret = types.Varchar
	def("to_jsonb", types.Jsonb, ts(anyElem), func(ctx *Context, a []types.Datum) (types.Datum, error) {
		return types.ParseJsonb(string(appendJSONValue(ctx, nil, a[0])))
	}).vol = Stable
	def("jsonb_build_array", types.Jsonb, ts(anyType), func(ctx *Context, a []types.Datum) (types.Datum, error) {
		buf := []byte{'['}
		for i, d := range a {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONValue(ctx, buf, d)
		}
		return types.ParseJsonb(string(append(buf, ']')))
	}).variadicLast().nonStrict().vol = Stable
	def("jsonb_build_object", types.Jsonb, ts(anyType), func(ctx *Context, a []types.Datum) (types.Datum, error) {
		if len(a)%2 != 0 {
			return types.NullDatum, pgerr.New(pgerr.InvalidParameterValue, "argument list must have even number of elements").
				WithHint("The arguments of jsonb_build_object() must consist of alternating keys and values.")
		}
		buf := []byte{'{'}
		for i := 0; i < len(a); i += 2 {
			if a[i].IsNull() {
				return types.NullDatum, pgerr.New(pgerr.NullValueNotAllowed, "argument %d: key must not be null", i+1)
			}
			if i > 0 {
				buf = append(buf, ',')
			}
			key := a[i]
			if key.Type() != types.Varchar {
				key, _ = castToString(ctx, key, types.Varchar)
			}
			buf = appendJSONString(buf, key.Str())
			buf = append(buf, ':')
			buf = appendJSONValue(ctx, buf, a[i+1])
		}
		return types.ParseJsonb(string(append(buf, '}')))
	}).variadicLast().nonStrict().vol = Stable
}
