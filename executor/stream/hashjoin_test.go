package stream

import (
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Test schemas: left (id, k, v), right (id, k, v, name); id is each side's stream key, k the join key.
var (
	hjLeftTypes  = []types.Type{types.Int64, types.Int64, types.Int64}
	hjRightTypes = []types.Type{types.Int64, types.Int64, types.Int64, types.Varchar}
	hjKinds      = []JoinKind{Inner, LeftOuter, RightOuter, FullOuter, LeftSemi, LeftAnti}
)

// hjCond is l.v < r.v over the concatenated row.
func hjCond(t testing.TB) expr.Expr {
	e, err := expr.NewBinary("<", expr.NewColumn(2, types.Int64), expr.NewColumn(3+2, types.Int64))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func hjInt(v int64) types.Datum { return types.NewInt64(v) }

// hjNull marks a NULL in the row literals of the tests.
const hjNull = -1 << 62

func hjL(id, k, v int64) types.Row { return types.Row{hjInt(id), hjOrNull(k), hjInt(v)} }
func hjR(id, k, v int64, name string) types.Row {
	return types.Row{hjInt(id), hjOrNull(k), hjInt(v), types.NewVarchar(name)}
}

func hjOrNull(v int64) types.Datum {
	if v == hjNull {
		return types.NullDatum
	}
	return hjInt(v)
}

func hjFmtRow(r types.Row) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		switch {
		case d.IsNull():
			b.WriteString("NULL")
		case d.Type() == types.Varchar:
			b.WriteString(strconv.Quote(d.Str()))
		default:
			b.WriteString(strconv.FormatInt(d.Int(), 10))
		}
	}
	b.WriteByte(')')
	return b.String()
}

// hjView is the multiset of rows a stream of changes adds up to. It records the first retraction
// of a row that is not there, which an operator must never emit.
type hjView struct {
	rows    map[string]int
	emitted int
	bad     string
}

func (v *hjView) Push(_ int, c *types.Chunk) error {
	var r types.Row
	for i := 0; i < c.Len(); i++ {
		r = c.Row(i, r)
		k := hjFmtRow(r)
		v.emitted++
		if c.Op(i).IsInsert() {
			v.rows[k]++
			continue
		}
		v.rows[k]--
		if v.rows[k] < 0 && v.bad == "" {
			v.bad = "retracted a row that is not in the view: " + k
		}
		if v.rows[k] == 0 {
			delete(v.rows, k)
		}
	}
	return nil
}

func (v *hjView) Flush(uint64, *storage.Batch) error { return nil }

// hjHarness drives one HashJoin and keeps the inputs' current contents for the reference join.
type hjHarness struct {
	t      testing.TB
	store  *storage.Store
	env    *Env
	kind   JoinKind
	cond   expr.Expr
	lk, rk []int
	hj     *HashJoin
	view   *hjView
	inputs [2]map[int64]types.Row
	epoch  uint64
}

func newHJHarness(t testing.TB, kind JoinKind, cond expr.Expr, keyed bool) *hjHarness {
	return newHJHarnessCache(t, kind, cond, keyed, 1<<20)
}

// newHJHarnessCache is newHJHarness with the operator's cache budget: a tiny one evicts buckets
// all the time.
func newHJHarnessCache(t testing.TB, kind JoinKind, cond expr.Expr, keyed bool, cacheBytes int64) *hjHarness {
	t.Helper()
	store, err := storage.Open(t.TempDir(), storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	h := &hjHarness{t: t, store: store, kind: kind, cond: cond,
		env:    &Env{Store: store, CacheBytes: cacheBytes, Ctx: &expr.Context{}},
		view:   &hjView{rows: map[string]int{}},
		inputs: [2]map[int64]types.Row{{}, {}}}
	if keyed {
		h.lk, h.rk = []int{1}, []int{1}
	}
	h.open()
	return h
}

// open builds the operator over table 7, which may hold committed state.
func (h *hjHarness) open() {
	h.t.Helper()
	hj, err := NewHashJoin(h.env, 7, h.kind, hjLeftTypes, hjRightTypes, h.lk, h.rk, []int{0}, []int{0},
		h.cond, Output{Op: h.view})
	if err != nil {
		h.t.Fatal(err)
	}
	h.hj = hj
}

func (h *hjHarness) push(side int, ops []types.Op, rows []types.Row) {
	h.t.Helper()
	c := types.NewChunk(len(rows[0]), len(rows))
	for i, r := range rows {
		c.Append(ops[i], r)
		if ops[i].IsInsert() {
			h.inputs[side][r[0].Int()] = r
		} else {
			delete(h.inputs[side], r[0].Int())
		}
	}
	if err := h.hj.Push(side, c); err != nil {
		h.t.Fatal(err)
	}
}

func (h *hjHarness) flush() {
	h.t.Helper()
	h.epoch++
	b := h.store.NewBatch()
	if err := h.hj.Flush(h.epoch, b); err != nil {
		h.t.Fatal(err)
	}
	if err := h.store.Commit(h.epoch, b); err != nil {
		h.t.Fatal(err)
	}
}

// reopen commits and replaces the operator by a new one over the same state, as recovery does.
func (h *hjHarness) reopen() {
	h.flush()
	h.open()
}

func (h *hjHarness) check(what string) {
	h.t.Helper()
	if h.view.bad != "" {
		h.t.Fatalf("%s: %s", what, h.view.bad)
	}
	want := hjReference(h.t, h.kind, h.cond, h.lk, h.rk, h.inputs)
	if diff := hjDiff(h.view.rows, want); diff != "" {
		h.t.Fatalf("%s: view differs from the reference join (-got +want):\n%s", what, diff)
	}
}

// hjReference joins the current inputs from scratch, pair by pair.
func hjReference(t testing.TB, kind JoinKind, cond expr.Expr, lk, rk []int, in [2]map[int64]types.Row) map[string]int {
	t.Helper()
	ctx := &expr.Context{}
	match := func(l, r types.Row) bool {
		for i := range lk {
			a, b := l[lk[i]], r[rk[i]]
			if a.IsNull() || b.IsNull() || !types.Equal(a, b) {
				return false
			}
		}
		if cond == nil {
			return true
		}
		row := append(l.Copy(), r...)
		c := types.NewChunk(len(row), 1)
		c.Append(types.Insert, row)
		res, err := cond.Eval(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return !res[0].IsNull() && res[0].Bool()
	}
	nullsL, nullsR := make(types.Row, len(hjLeftTypes)), make(types.Row, len(hjRightTypes))
	out := map[string]int{}
	rightMatched := map[int64]bool{}
	for _, l := range in[0] {
		n := 0
		for id, r := range in[1] {
			if !match(l, r) {
				continue
			}
			n++
			rightMatched[id] = true
			if kind != LeftSemi && kind != LeftAnti {
				out[hjFmtRow(append(l.Copy(), r...))]++
			}
		}
		switch {
		case kind == LeftSemi && n > 0, kind == LeftAnti && n == 0:
			out[hjFmtRow(l)]++
		case (kind == LeftOuter || kind == FullOuter) && n == 0:
			out[hjFmtRow(append(l.Copy(), nullsR...))]++
		}
	}
	if kind == RightOuter || kind == FullOuter {
		for id, r := range in[1] {
			if !rightMatched[id] {
				out[hjFmtRow(append(nullsL.Copy(), r...))]++
			}
		}
	}
	return out
}

func hjDiff(got, want map[string]int) string {
	var lines []string
	for k, n := range got {
		if want[k] != n {
			lines = append(lines, fmt.Sprintf("- %s x%d (want x%d)", k, n, want[k]))
		}
	}
	for k, n := range want {
		if _, ok := got[k]; !ok {
			lines = append(lines, fmt.Sprintf("+ %s x%d", k, n))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// hjStep is one step of a scenario: a chunk pushed into a side, or a commit/recovery.
type hjStep struct {
	side   int
	ops    []types.Op
	rows   []types.Row
	reopen bool
}

func hjIns(side int, rows ...types.Row) hjStep {
	return hjStep{side: side, ops: hjOps(types.Insert, len(rows)), rows: rows}
}
func hjDel(side int, rows ...types.Row) hjStep {
	return hjStep{side: side, ops: hjOps(types.Delete, len(rows)), rows: rows}
}

// upd replaces old by new with an UpdateDelete/UpdateInsert pair.
func hjUpd(side int, old, new types.Row) hjStep {
	return hjStep{side: side, ops: []types.Op{types.UpdateDelete, types.UpdateInsert}, rows: []types.Row{old, new}}
}

func hjOps(op types.Op, n int) []types.Op {
	ops := make([]types.Op, n)
	for i := range ops {
		ops[i] = op
	}
	return ops
}

var hjReopen = hjStep{reopen: true}

func TestHashJoinScenarios(t *testing.T) {
	const N = hjNull
	scenarios := []struct {
		name  string
		cond  bool
		noKey bool
		steps []hjStep
	}{
		{name: "basic", steps: []hjStep{
			hjIns(0, hjL(1, 1, 10), hjL(2, 1, 20), hjL(3, 2, 30)),
			hjIns(1, hjR(1, 1, 5, "a"), hjR(2, 3, 5, "b")),
			hjIns(1, hjR(3, 1, 50, "c")),
			hjIns(0, hjL(4, 3, 1)),
			hjDel(0, hjL(2, 1, 20)),
			hjDel(1, hjR(1, 1, 5, "a")),
			hjIns(0, hjL(5, 1, 7), hjL(6, 9, 9)),
			hjDel(1, hjR(3, 1, 50, "c"), hjR(2, 3, 5, "b")),
		}},
		{name: "null keys", steps: []hjStep{
			hjIns(0, hjL(1, N, 10), hjL(2, 1, 20)),
			hjIns(1, hjR(1, N, 5, "a"), hjR(2, 1, 5, "b")),
			hjIns(1, hjR(3, N, 6, "c")),
			hjDel(0, hjL(1, N, 10)),
			hjUpd(1, hjR(1, N, 5, "a"), hjR(1, 1, 5, "a")),
			hjUpd(0, hjL(2, 1, 20), hjL(2, N, 20)),
			hjDel(1, hjR(3, N, 6, "c")),
		}},
		{name: "condition", cond: true, steps: []hjStep{
			hjIns(0, hjL(1, 1, 10), hjL(2, 1, 20), hjL(3, 1, 30)),
			hjIns(1, hjR(1, 1, 25, "a")), // matches l1, l2 only
			hjIns(1, hjR(2, 1, 5, "b")),  // matches nothing
			hjUpd(1, hjR(2, 1, 5, "b"), hjR(2, 1, 35, "b")),
			hjUpd(0, hjL(3, 1, 30), hjL(3, 1, 40)), // l3 no longer below r2
			hjUpd(1, hjR(1, 1, 25, "a"), hjR(1, 1, 0, "a")),
			hjDel(1, hjR(2, 1, 35, "b")),
			hjIns(0, hjL(4, 2, 1)),
		}},
		{name: "degree flips", steps: []hjStep{
			hjIns(0, hjL(1, 1, 0)),
			hjIns(1, hjR(1, 1, 0, "a")), // 0 -> 1
			hjIns(1, hjR(2, 1, 0, "b")), // 1 -> 2
			hjDel(1, hjR(1, 1, 0, "a")), // 2 -> 1
			hjDel(1, hjR(2, 1, 0, "b")), // 1 -> 0
			hjIns(1, hjR(3, 1, 0, "c"), hjR(4, 1, 0, "d")),
			hjDel(0, hjL(1, 1, 0)), // right rows lose their only match
			hjIns(0, hjL(2, 1, 0)),
			// delete and re-insert in one chunk
			{side: 1, ops: []types.Op{types.Delete, types.Insert}, rows: []types.Row{hjR(3, 1, 0, "c"), hjR(3, 1, 0, "c2")}},
		}},
		{name: "dimension update", steps: []hjStep{
			hjIns(0, hjL(1, 1, 0), hjL(2, 1, 0), hjL(3, 1, 0), hjL(4, 2, 0), hjL(5, 2, 0)),
			hjIns(1, hjR(100, 1, 0, "dim one")),
			hjUpd(1, hjR(100, 1, 0, "dim one"), hjR(100, 1, 0, "renamed")), // every k=1 fact re-attributed
			hjUpd(1, hjR(100, 1, 0, "renamed"), hjR(100, 2, 0, "moved")),   // from the k=1 facts to the k=2 ones
			hjIns(1, hjR(101, 1, 0, "dim again")),
			hjDel(1, hjR(100, 2, 0, "moved")),
		}},
		{name: "no keys", noKey: true, steps: []hjStep{
			hjIns(1, hjR(1, 0, 100, "only")),
			hjIns(0, hjL(1, 1, 10), hjL(2, N, 20)),
			hjUpd(1, hjR(1, 0, 100, "only"), hjR(1, 0, 15, "only")),
			hjIns(1, hjR(2, 5, 50, "second")),
			hjDel(0, hjL(1, 1, 10)),
			hjDel(1, hjR(1, 0, 15, "only"), hjR(2, 5, 50, "second")),
			hjIns(0, hjL(3, 3, 3)),
		}},
		{name: "recovery", cond: true, steps: []hjStep{
			hjIns(0, hjL(1, 1, 10), hjL(2, 1, 20), hjL(3, N, 0)),
			hjIns(1, hjR(1, 1, 15, "a")),
			hjReopen,
			hjIns(1, hjR(2, 1, 30, "b")),
			hjDel(1, hjR(1, 1, 15, "a")),
			hjReopen,
			hjDel(0, hjL(2, 1, 20)),
			hjReopen,
			hjDel(1, hjR(2, 1, 30, "b")),
			hjDel(0, hjL(3, N, 0)),
		}},
	}
	for _, sc := range scenarios {
		for _, kind := range hjKinds {
			for _, withCond := range []bool{false, true} {
				if sc.cond && !withCond {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s/cond=%v", sc.name, kind, withCond), func(t *testing.T) {
					var cond expr.Expr
					if withCond {
						cond = hjCond(t)
					}
					h := newHJHarness(t, kind, cond, !sc.noKey)
					for i, st := range sc.steps {
						if st.reopen {
							h.reopen()
						} else {
							h.push(st.side, st.ops, st.rows)
						}
						h.check(fmt.Sprintf("step %d", i))
					}
				})
			}
		}
	}
}

func TestHashJoinRandom(t *testing.T) {
	for _, kind := range hjKinds {
		for _, mode := range []string{"keys", "keys+cond", "keys+evict", "nokey", "nokey+cond"} {
			t.Run(fmt.Sprintf("%s/%s", kind, mode), func(t *testing.T) {
				var cond expr.Expr
				if strings.HasSuffix(mode, "cond") {
					cond = hjCond(t)
				}
				keyed := strings.HasPrefix(mode, "keys")
				cacheBytes := int64(1 << 20)
				if strings.HasSuffix(mode, "evict") {
					cacheBytes = 2 << 10 // room for a few buckets
				}
				h := newHJHarnessCache(t, kind, cond, keyed, cacheBytes)
				rng := rand.New(rand.NewSource(int64(kind)*31 + int64(len(mode))))
				maxRows := 60
				if !keyed {
					maxRows = 8 // a nested loop: keep the sides small
				}
				nextID := int64(1)
				randKey := func() types.Datum {
					if rng.Intn(6) == 0 {
						return types.NullDatum
					}
					return hjInt(int64(rng.Intn(5)))
				}
				randRow := func(side int, id int64) types.Row {
					if side == 0 {
						return types.Row{hjInt(id), randKey(), hjInt(int64(rng.Intn(10)))}
					}
					return types.Row{hjInt(id), randKey(), hjInt(int64(rng.Intn(10))), types.NewVarchar(fmt.Sprint("n", rng.Intn(3)))}
				}
				for epoch := 0; epoch < 40; epoch++ {
					for range 1 + rng.Intn(3) {
						side := rng.Intn(2)
						var ops []types.Op
						var rows []types.Row
						touched := map[int64]bool{}
						for range 1 + rng.Intn(6) {
							ids := hjIDs(h.inputs[side])
							// Each row is touched once per chunk so that the chunk's changes are
							// valid in any order the harness applies them.
							if len(ids) > 0 && rng.Intn(2) == 0 {
								id := ids[rng.Intn(len(ids))]
								if touched[id] {
									continue
								}
								touched[id] = true
								old := h.inputs[side][id]
								if rng.Intn(2) == 0 {
									ops = append(ops, types.Delete)
									rows = append(rows, old)
								} else {
									ops = append(ops, types.UpdateDelete, types.UpdateInsert)
									rows = append(rows, old, randRow(side, id))
								}
								continue
							}
							if len(ids) >= maxRows {
								continue
							}
							ops = append(ops, types.Insert)
							rows = append(rows, randRow(side, nextID))
							touched[nextID] = true
							nextID++
						}
						if len(rows) > 0 {
							h.push(side, ops, rows)
						}
					}
					if rng.Intn(8) == 0 {
						h.reopen()
					} else {
						h.flush()
					}
					h.check(fmt.Sprintf("epoch %d", epoch))
				}
			})
		}
	}
}

func hjIDs(m map[int64]types.Row) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func TestHashJoinErrors(t *testing.T) {
	store, err := storage.Open(t.TempDir(), storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	env := &Env{Store: store, Ctx: &expr.Context{}}
	lt := []types.Type{types.Int64, types.Varchar}
	cases := []struct {
		name   string
		lk, rk []int
		lpk    []int
		cond   expr.Expr
		kind   JoinKind
	}{
		{name: "key count", lk: []int{0}, rk: nil, lpk: []int{0}},
		{name: "key type", lk: []int{0}, rk: []int{1}, lpk: []int{0}},
		{name: "key range", lk: []int{2}, rk: []int{0}, lpk: []int{0}},
		{name: "pk range", lk: []int{0}, rk: []int{0}, lpk: []int{5}},
		{name: "kind", lk: []int{0}, rk: []int{0}, lpk: []int{0}, kind: LeftAnti + 1},
		{name: "cond type", lk: []int{0}, rk: []int{0}, lpk: []int{0}, cond: expr.NewColumn(0, types.Int64)},
	}
	for _, c := range cases {
		if _, err := NewHashJoin(env, 9, c.kind, lt, lt, c.lk, c.rk, c.lpk, []int{0}, c.cond, Output{}); err == nil {
			t.Errorf("%s: NewHashJoin accepted it", c.name)
		}
	}
}

// TestHashJoinLargeBucket crosses the chunk size: the condition is evaluated over a bucket in
// several batches, and the output is passed on in several chunks within one Push.
func TestHashJoinLargeBucket(t *testing.T) {
	for _, kind := range hjKinds {
		t.Run(kind.String(), func(t *testing.T) {
			h := newHJHarness(t, kind, hjCond(t), true)
			var rows []types.Row
			for i := range 2500 {
				rows = append(rows, hjL(int64(i), 1, int64(i%100)))
			}
			for b := 0; b < len(rows); b += 1000 {
				h.push(0, hjOps(types.Insert, min(1000, len(rows)-b)), rows[b:min(len(rows), b+1000)])
			}
			h.check("facts")
			h.push(1, []types.Op{types.Insert}, []types.Row{hjR(1, 1, 50, "half")})
			h.check("dimension in")
			h.reopen()
			h.push(1, []types.Op{types.UpdateDelete, types.UpdateInsert}, []types.Row{hjR(1, 1, 50, "half"), hjR(1, 1, 90, "most")})
			h.check("dimension updated")
			h.push(1, []types.Op{types.Delete}, []types.Row{hjR(1, 1, 90, "most")})
			h.check("dimension out")
		})
	}
}

// TestHashJoinKeyEquality joins on numeric and varchar keys: values SQL calls equal (1.5 and
// 1.50) meet in one bucket, and a string key with a NUL byte does not run into the next column.
func TestHashJoinKeyEquality(t *testing.T) {
	store, err := storage.Open(t.TempDir(), storage.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ts := []types.Type{types.Int64, types.Numeric, types.Varchar}
	view := &hjView{rows: map[string]int{}}
	hj, err := NewHashJoin(&Env{Store: store, Ctx: &expr.Context{}}, 3, Inner, ts, ts,
		[]int{1, 2}, []int{1, 2}, []int{0}, []int{0}, nil, Output{Op: view})
	if err != nil {
		t.Fatal(err)
	}
	num := func(s string) types.Datum {
		d, _, err := apd.NewFromString(s)
		if err != nil {
			t.Fatal(err)
		}
		return types.NewNumeric(d)
	}
	push := func(side int, rows ...types.Row) {
		c := types.NewChunk(3, len(rows))
		for _, r := range rows {
			c.Append(types.Insert, r)
		}
		if err := hj.Push(side, c); err != nil {
			t.Fatal(err)
		}
	}
	push(0, types.Row{hjInt(1), num("1.50"), types.NewVarchar("a\x00b")}, types.Row{hjInt(2), num("2"), types.NewVarchar("a")})
	push(1, types.Row{hjInt(1), num("1.5"), types.NewVarchar("a\x00b")}, types.Row{hjInt(2), num("2.0"), types.NewVarchar("a\x00")})
	if view.emitted != 1 {
		t.Fatalf("got %d joined rows, want 1 (1.50 = 1.5, 'a' <> 'a\\x00')", view.emitted)
	}
}
