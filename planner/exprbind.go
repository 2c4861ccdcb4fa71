package planner

import (
	"strconv"
	"strings"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/sql"
	"github.com/runnel-db/runnel/types"
)

type typesT = types.Type

// exprCtx binds scalar expressions at one place of a query.
type exprCtx struct {
	b      *binder
	rel    *rel    // input the expression reads; subqueries may join onto it
	agg    *aggCtx // non-nil above an aggregation
	clause string  // for messages: "WHERE", "JOIN"...
	inAgg  bool    // inside an aggregate's arguments
}

// scalar binds a standalone expression (VALUES, LIMIT, defaults) over scope s.
func (b *binder) scalar(s *scope, e sql.Expr) (expr.Expr, error) {
	x := &exprCtx{b: b, rel: &rel{s: s}, clause: "VALUES"}
	return x.bind(e)
}

// scalarTyped binds e and coerces it to t (assignment context, INSERT/UPDATE).
func (b *binder) scalarTyped(s *scope, e sql.Expr, t types.Type) (expr.Expr, error) {
	x := &exprCtx{b: b, rel: &rel{s: s}, clause: "VALUES"}
	return x.bindAssign(e, t, "")
}

// bindAssign binds e for a column of type t, naming the column in errors.
func (x *exprCtx) bindAssign(e sql.Expr, t types.Type, col string) (expr.Expr, error) {
	x.hint(e, t)
	be, err := x.bind(e)
	if err != nil {
		return nil, err
	}
	c, err := expr.Coerce(be, t)
	if err != nil {
		if pgerr.Code(err) == pgerr.DatatypeMismatch || pgerr.Code(err) == pgerr.CannotCoerce {
			return nil, columnTypeError(col, t, be.Type())
		}
		return nil, err
	}
	return c, nil
}

// bindBool binds a condition, which must be boolean.
func (x *exprCtx) bindBool(e sql.Expr, clause string) (expr.Expr, error) {
	be, err := x.bind(e)
	if err != nil {
		return nil, err
	}
	if be.Type() == types.Bool {
		return be, nil
	}
	if be.Type() == types.Unknown {
		return expr.Coerce(be, types.Bool)
	}
	return nil, pgerr.New(pgerr.DatatypeMismatch, "argument of %s must be type boolean, not type %s", clause, be.Type())
}

// hint gives an untyped parameter the type its context expects.
func (x *exprCtx) hint(e sql.Expr, t types.Type) {
	if p, ok := e.(*sql.Param); ok && t != types.Unknown {
		x.b.setParamType(p.N, t)
	}
}

// hintPair types a parameter on one side of a binary operator from the other side.
func (x *exprCtx) hintPair(l, r sql.Expr) (expr.Expr, expr.Expr, error) {
	_, lp := l.(*sql.Param)
	_, rp := r.(*sql.Param)
	if lp && !rp {
		re, err := x.bind(r)
		if err != nil {
			return nil, nil, err
		}
		x.hint(l, re.Type())
		le, err := x.bind(l)
		return le, re, err
	}
	le, err := x.bind(l)
	if err != nil {
		return nil, nil, err
	}
	if rp {
		x.hint(r, le.Type())
	}
	re, err := x.bind(r)
	return le, re, err
}

func (x *exprCtx) bind(e sql.Expr) (expr.Expr, error) {
	if x.agg != nil {
		if r, ok, err := x.agg.match(x, e); ok || err != nil {
			return r, err
		}
	}
	switch e := e.(type) {
	case *sql.ColumnRef:
		if x.agg != nil {
			in := &exprCtx{b: x.b, rel: &rel{s: x.agg.in.s}}
			be, err := in.bind(e)
			if err != nil {
				return nil, err
			}
			name := strings.Join(e.Parts, ".")
			if c, ok := be.(*expr.ColumnExpr); ok {
				if sc := x.agg.in.s.cols[c.Idx]; sc.table != "" {
					name = sc.table + "." + sc.name
				}
			}
			return nil, pgerr.New(pgerr.GroupingError, "column %q must appear in the GROUP BY clause or be used in an aggregate function", name)
		}
		return x.b.resolve(x.rel.s, e.Parts)
	case *sql.Literal:
		return literal(e, false)
	case *sql.Param:
		return expr.NewParam(e.N, x.b.paramType(e.N)), nil
	case *sql.BinaryExpr:
		return x.binary(e)
	case *sql.UnaryExpr:
		if e.Op == "-" {
			if l, ok := e.X.(*sql.Literal); ok && (l.Kind == sql.IntLit || l.Kind == sql.NumberLit) {
				return literal(l, true)
			}
		}
		if e.Op == "NOT" {
			be, err := x.bindBool(e.X, "NOT")
			if err != nil {
				return nil, err
			}
			return expr.NewUnary("NOT", be)
		}
		be, err := x.bind(e.X)
		if err != nil {
			return nil, err
		}
		return expr.NewUnary(e.Op, be)
	case *sql.FuncCall:
		return x.funcCall(e)
	case *sql.Cast:
		return x.cast(e)
	case *sql.CaseExpr:
		return x.caseExpr(e)
	case *sql.InList:
		xe, err := x.bind(e.X)
		if err != nil {
			return nil, err
		}
		list := make([]expr.Expr, len(e.List))
		for i, it := range e.List {
			x.hint(it, xe.Type())
			if list[i], err = x.bind(it); err != nil {
				return nil, err
			}
		}
		return expr.NewIn(xe, list, e.Not)
	case *sql.Between:
		return x.between(e)
	case *sql.IsNull:
		be, err := x.bind(e.X)
		if err != nil {
			return nil, err
		}
		return expr.NewIsNull(be, e.Not), nil
	case *sql.IsBool:
		be, err := x.bind(e.X)
		if err != nil {
			return nil, err
		}
		return expr.NewIsBool(be, e.Value, e.Unknown, e.Not)
	case *sql.Subquery:
		return x.subquery(e)
	case *sql.ArrayExpr:
		elems := make([]expr.Expr, len(e.Elems))
		for i, it := range e.Elems {
			var err error
			if elems[i], err = x.bind(it); err != nil {
				return nil, err
			}
		}
		return expr.NewArray(elems)
	case *sql.AnyExpr:
		xe, err := x.bind(e.X)
		if err != nil {
			return nil, err
		}
		arr, err := x.bind(e.Array)
		if err != nil {
			return nil, err
		}
		return expr.NewAnyArray(xe, e.Op, arr, e.All)
	case *sql.Collate:
		return x.bind(e.X)
	case *sql.Subscript:
		arr, err := x.bind(e.X)
		if err != nil {
			return nil, err
		}
		idx, err := x.bind(e.Index)
		if err != nil {
			return nil, err
		}
		return expr.NewFunc("array_subscript", []expr.Expr{arr, idx})
	case *sql.FieldSelect:
		return x.fieldSelect(e)
	case *sql.DefaultExpr:
		return nil, pgerr.New(pgerr.SyntaxError, "DEFAULT is not allowed in this context")
	case *sql.Star:
		return nil, pgerr.New(pgerr.SyntaxError, "\"*\" is not allowed here")
	case *sql.RowExpr:
		return nil, pgerr.Unsupported("row constructors are not supported")
	}
	return nil, pgerr.Unsupported("expression %T is not supported", e)
}

// literal types a constant as PostgreSQL does: integers as int4, int8 or numeric by magnitude,
// decimals as numeric, strings as unknown until context resolves them.
func literal(l *sql.Literal, neg bool) (expr.Expr, error) {
	val := l.Val
	if neg {
		val = "-" + val
	}
	switch l.Kind {
	case sql.NullLit:
		return expr.NewConst(types.NullDatum, types.Unknown), nil
	case sql.BoolLit:
		return expr.NewConst(types.NewBool(l.Bool), types.Bool), nil
	case sql.IntLit:
		if v, err := strconv.ParseInt(val, 10, 64); err == nil {
			if v >= -1<<31 && v < 1<<31 {
				return expr.NewConst(types.NewInt32(int32(v)), types.Int32), nil
			}
			return expr.NewConst(types.NewInt64(v), types.Int64), nil
		}
		fallthrough
	case sql.NumberLit:
		d, err := types.ParseText(types.Numeric, val, nil)
		if err != nil {
			return nil, err
		}
		return expr.NewConst(d, types.Numeric), nil
	case sql.StringLit:
		return expr.NewConst(types.NewVarchar(l.Val), types.Unknown), nil
	}
	return nil, pgerr.Unsupported("literal %q is not supported", l.Val)
}

func (x *exprCtx) binary(e *sql.BinaryExpr) (expr.Expr, error) {
	switch e.Op {
	case "AND", "OR":
		l, err := x.bindBool(e.L, e.Op)
		if err != nil {
			return nil, err
		}
		r, err := x.bindBool(e.R, e.Op)
		if err != nil {
			return nil, err
		}
		return expr.NewBinary(e.Op, l, r)
	case "LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE", "~~", "~~*", "!~~", "!~~*":
		l, r, err := x.hintPair(e.L, e.R)
		if err != nil {
			return nil, err
		}
		var esc expr.Expr
		if e.Escape != nil {
			if esc, err = x.bind(e.Escape); err != nil {
				return nil, err
			}
		}
		ci := strings.Contains(e.Op, "ILIKE") || strings.HasSuffix(e.Op, "*")
		not := strings.HasPrefix(e.Op, "NOT") || strings.HasPrefix(e.Op, "!")
		return expr.NewLike(l, r, esc, ci, not)
	}
	l, r, err := x.hintPair(e.L, e.R)
	if err != nil {
		return nil, err
	}
	return expr.NewBinary(e.Op, l, r)
}

func (x *exprCtx) between(e *sql.Between) (expr.Expr, error) {
	xe, err := x.bind(e.X)
	if err != nil {
		return nil, err
	}
	x.hint(e.Lo, xe.Type())
	x.hint(e.Hi, xe.Type())
	lo, err := x.bind(e.Lo)
	if err != nil {
		return nil, err
	}
	hi, err := x.bind(e.Hi)
	if err != nil {
		return nil, err
	}
	in := func(lo, hi expr.Expr) (expr.Expr, error) {
		a, err := expr.NewBinary(">=", xe, lo)
		if err != nil {
			return nil, err
		}
		b, err := expr.NewBinary("<=", xe, hi)
		if err != nil {
			return nil, err
		}
		return expr.NewBinary("AND", a, b)
	}
	out, err := in(lo, hi)
	if err != nil {
		return nil, err
	}
	if e.Symmetric {
		rev, err := in(hi, lo)
		if err != nil {
			return nil, err
		}
		if out, err = expr.NewBinary("OR", out, rev); err != nil {
			return nil, err
		}
	}
	if e.Not {
		return expr.NewUnary("NOT", out)
	}
	return out, nil
}

func (x *exprCtx) funcCall(f *sql.FuncCall) (expr.Expr, error) {
	if f.Over != nil {
		if i, ok := x.b.windowCols[f]; ok {
			return expr.NewColumn(i, types.Int64), nil
		}
		return nil, pgerr.New(pgerr.WindowingError, "window functions are not allowed in %s", x.clause)
	}
	if isAggregate(f) {
		if x.inAgg {
			return nil, pgerr.New(pgerr.GroupingError, "aggregate function calls cannot be nested")
		}
		return nil, pgerr.New(pgerr.GroupingError, "aggregate functions are not allowed in %s", x.clause)
	}
	if f.Star {
		return nil, pgerr.New(pgerr.SyntaxError, "%s(*) is not valid: * is only allowed in count(*)", f.Name)
	}
	args := make([]expr.Expr, len(f.Args))
	for i, a := range f.Args {
		var err error
		if args[i], err = x.bind(a); err != nil {
			return nil, err
		}
	}
	name := f.Name
	if f.Schema != "" && f.Schema != catalog.PgCatalog {
		name = f.Schema + "." + name
	}
	if x.b.funcs == nil {
		x.b.funcs = map[string]bool{}
	}
	x.b.funcs[name] = true
	return expr.NewFunc(name, args)
}

func (x *exprCtx) cast(c *sql.Cast) (expr.Expr, error) {
	// 'name'::regclass looks the relation up now, as PostgreSQL does at parse time.
	if c.Type == types.Regclass {
		if l, ok := c.X.(*sql.Literal); ok && l.Kind == sql.StringLit {
			name := l.Val
			schema := ""
			if i := strings.LastIndexByte(name, '.'); i >= 0 {
				schema, name = name[:i], name[i+1:]
			}
			name = strings.Trim(name, `"`)
			if r, ok := x.b.env.Catalog.Lookup(strings.Trim(schema, `"`), name); ok {
				return expr.NewConst(types.NewInt(types.Regclass, int64(r.ID)), types.Regclass), nil
			}
			if n, err := strconv.ParseUint(name, 10, 32); err == nil {
				return expr.NewConst(types.NewInt(types.Regclass, int64(n)), types.Regclass), nil
			}
			return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", l.Val)
		}
	}
	// ARRAY[]::int[]: the cast gives the empty array its type.
	if a, ok := c.X.(*sql.ArrayExpr); ok && len(a.Elems) == 0 && c.Type.IsArray() {
		return expr.NewConst(types.NewArray(c.Type.Elem(), []types.Datum{}), c.Type), nil
	}
	// 'public'::regnamespace and 'pg_catalog.array_in'::regproc are looked up now, like regclass;
	// both types are stored as oids.
	if l, ok := c.X.(*sql.Literal); ok && l.Kind == sql.StringLit {
		name := strings.Trim(l.Val, `"`)
		switch {
		case strings.HasSuffix(c.TypeName, "regnamespace"):
			if oid := catalog.NamespaceOID(name); oid != 0 {
				return expr.NewConst(types.NewInt(types.Oid, int64(oid)), types.Oid), nil
			}
			return nil, pgerr.New(pgerr.UndefinedObject, "schema %q does not exist", l.Val)
		case strings.HasSuffix(c.TypeName, "regproc"):
			if oid, ok := builtinProcs[strings.TrimPrefix(name, "pg_catalog.")]; ok {
				return expr.NewConst(types.NewInt(types.Oid, oid), types.Oid), nil
			}
			return nil, pgerr.New(pgerr.UndefinedFunction, "function %q does not exist", l.Val)
		}
	}
	x.hint(c.X, c.Type)
	be, err := x.bind(c.X)
	if err != nil {
		return nil, err
	}
	return expr.NewCast(be, c.Type)
}

// builtinProcs are the type input functions drivers compare pg_type.typinput with, by PostgreSQL's
// OIDs (pgJDBC tells arrays by typinput = 'array_in'::regproc).
var builtinProcs = map[string]int64{
	"array_in": 750, "boolin": 1242, "int2in": 38, "int4in": 42, "int8in": 460, "float4in": 200,
	"float8in": 214, "numeric_in": 1701, "textin": 46, "varcharin": 1046, "byteain": 1244, "date_in": 1084,
	"time_in": 1143, "timestamp_in": 1312, "timestamptz_in": 1150, "interval_in": 1160, "jsonb_in": 3806,
	"oidin": 1798, "namein": 34, "charin": 1245, "regclassin": 2218, "regtypein": 2220,
}

func (x *exprCtx) caseExpr(c *sql.CaseExpr) (expr.Expr, error) {
	var operand expr.Expr
	if c.Operand != nil {
		var err error
		if operand, err = x.bind(c.Operand); err != nil {
			return nil, err
		}
	}
	whens := make([][2]expr.Expr, len(c.Whens))
	for i, w := range c.Whens {
		var err error
		if operand != nil {
			x.hint(w.Cond, operand.Type())
			whens[i][0], err = x.bind(w.Cond)
		} else {
			whens[i][0], err = x.bindBool(w.Cond, "CASE/WHEN")
		}
		if err != nil {
			return nil, err
		}
		if whens[i][1], err = x.bind(w.Result); err != nil {
			return nil, err
		}
	}
	var els expr.Expr
	if c.Else != nil {
		var err error
		if els, err = x.bind(c.Else); err != nil {
			return nil, err
		}
	}
	return expr.NewCase(operand, whens, els)
}
