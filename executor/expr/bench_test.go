package expr

import (
	"testing"

	"github.com/runnel-db/runnel/types"
)

func benchChunk() *types.Chunk {
	n := types.MaxChunkRows
	a, p := make([]types.Datum, n), make([]types.Datum, n)
	for i := range n {
		a[i] = types.NewInt64(int64(1000 + i))
		p[i] = types.NewInt64(int64(100 + i*7))
	}
	return types.ChunkOf(nil, [][]types.Datum{a, p}, n)
}

func benchExpr(b *testing.B, e Expr) {
	c := benchChunk()
	ctx := testCtx()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// Nexmark q1/q2 shapes over a 1024-row chunk.
func BenchmarkModEqConst(b *testing.B) {
	auction := NewColumn(0, types.Int64)
	benchExpr(b, must(NewBinary("=", must(NewBinary("%", auction, i4(123))), i4(0))))
}

func BenchmarkMulFloatConst(b *testing.B) {
	price := NewColumn(1, types.Int64)
	benchExpr(b, must(NewBinary("*", price, num("0.908"))))
}

func BenchmarkMulFloat8Const(b *testing.B) {
	price := NewColumn(1, types.Int64)
	benchExpr(b, must(NewBinary("*", must(NewCast(price, types.Float64)), f8(0.908))))
}

func BenchmarkAndFilter(b *testing.B) {
	a := NewColumn(0, types.Int64)
	benchExpr(b, must(NewBinary("AND", must(NewBinary(">", a, i4(1100))), must(NewBinary("<", a, i4(1500))))))
}

func BenchmarkGuardedDivision(b *testing.B) {
	a := NewColumn(0, types.Int64)
	benchExpr(b, must(NewBinary("AND", must(NewBinary("<>", a, i4(1100))), must(NewBinary(">", must(NewBinary("/", i4(100000), a)), i4(50))))))
}

func BenchmarkFuncUpper(b *testing.B) {
	benchExpr(b, must(NewFunc("abs", []Expr{NewColumn(0, types.Int64)})))
}
