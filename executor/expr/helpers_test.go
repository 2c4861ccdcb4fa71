package expr

import (
	"testing"
	"time"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

func lit(s string) Expr { return NewConst(types.NewVarchar(s), types.Unknown) }
func null() Expr        { return NewConst(types.NullDatum, types.Unknown) }
func i2(v int64) Expr   { return NewConst(types.NewInt(types.Int16, v), types.Int16) }
func i4(v int64) Expr   { return NewConst(types.NewInt(types.Int32, v), types.Int32) }
func i8(v int64) Expr   { return NewConst(types.NewInt64(v), types.Int64) }
func f8(v float64) Expr { return NewConst(types.NewFloat64(v), types.Float64) }
func txt(s string) Expr { return NewConst(types.NewVarchar(s), types.Varchar) }
func bl(b bool) Expr    { return NewConst(types.NewBool(b), types.Bool) }
func typed(s string, t types.Type) Expr {
	e, err := NewCast(lit(s), t)
	if err != nil {
		panic(err)
	}
	return e
}
func num(s string) Expr { return typed(s, types.Numeric) }

func must(e Expr, err error) Expr {
	if err != nil {
		panic(err)
	}
	return e
}

func bin(op string, l, r Expr) func() (Expr, error) {
	return func() (Expr, error) { return NewBinary(op, l, r) }
}

func fn(name string, args ...Expr) func() (Expr, error) {
	return func() (Expr, error) { return NewFunc(name, args) }
}

func cast(x Expr, t types.Type) func() (Expr, error) {
	return func() (Expr, error) { return NewCast(x, t) }
}

func testCtx() *Context {
	return &Context{Location: time.UTC, Now: time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)}
}

// show renders a datum as psql would print it (NULL as "NULL").
func show(d types.Datum) string {
	if d.IsNull() {
		return "NULL"
	}
	return string(types.AppendText(nil, d, time.UTC))
}

// evalOne evaluates e on a one-row chunk, both directly and after Fold, and checks they agree.
func evalOne(t *testing.T, ctx *Context, e Expr) (types.Datum, error) {
	t.Helper()
	out, err := e.Eval(ctx, types.ChunkOf(nil, nil, 1))
	if err != nil {
		return types.NullDatum, err
	}
	return out[0], nil
}

type exprCase struct {
	name  string
	build func() (Expr, error)
	want  string   // text output, or SQLSTATE when code is set
	code  string   // expected SQLSTATE of the error, at build or evaluation
	msg   string   // expected message when set
	sess  *Session // the session the expression runs in, when it matters
}

func runCases(t *testing.T, cases []exprCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := testCtx()
			ctx.Session = c.sess
			e, err := c.build()
			var d types.Datum
			if err == nil {
				d, err = evalOne(t, ctx, e)
			}
			if c.code != "" {
				if err == nil {
					t.Fatalf("got %s, want error %s", show(d), c.code)
				}
				if pgerr.Code(err) != c.code {
					t.Fatalf("error %q has code %s, want %s", err, pgerr.Code(err), c.code)
				}
				if c.msg != "" && err.Error() != c.msg {
					t.Fatalf("error %q, want %q", err, c.msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v (%s)", err, pgerr.Code(err))
			}
			if got := show(d); got != c.want {
				t.Fatalf("got %q, want %q (type %s, expr %s)", got, c.want, e.Type(), e)
			}
			// Folding must give the same answer.
			f, _ := Fold(Clone(e), ctx)
			fd, err := evalOne(t, ctx, f)
			if err != nil || show(fd) != c.want {
				t.Fatalf("folded %s: got %q, %v; want %q", f, show(fd), err, c.want)
			}
		})
	}
}
