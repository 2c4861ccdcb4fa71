package stream

import (
	"math/rand"
	"slices"
	"sort"
	"testing"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// TopN test input: (id bigint pk, g varchar, v bigint, w varchar).
var topnTypes = []types.Type{types.Int64, types.Varchar, types.Int64, types.Varchar}

const topnTable storage.TableID = 4100

type topnConfig struct {
	groupBy       []int
	orderBy       []SortKey
	offset, limit int64
	rank          bool
	appendOnly    bool // SetAppendOnly: the input only inserts
}

// tr builds an input row; v < 0 means NULL.
func tr(id int64, g string, v int64, w string) types.Row {
	vd := types.NewInt64(v)
	if v < 0 {
		vd = types.NullDatum
	}
	return types.Row{types.NewInt64(id), types.NewVarchar(g), vd, types.NewVarchar(w)}
}

// topnChange is one input change; an update is a pair (UpdateDelete, UpdateInsert) of changes.
type topnChange struct {
	op  types.Op
	row types.Row
}

func ins(r types.Row) topnChange { return topnChange{types.Insert, r} }
func del(r types.Row) topnChange { return topnChange{types.Delete, r} }
func upd(old, cur types.Row) []topnChange {
	return []topnChange{{types.UpdateDelete, old}, {types.UpdateInsert, cur}}
}

func epochOf(parts ...any) []topnChange {
	var out []topnChange
	for _, p := range parts {
		switch p := p.(type) {
		case topnChange:
			out = append(out, p)
		case []topnChange:
			out = append(out, p...)
		}
	}
	return out
}

// topnReference computes the expected output from scratch: sort each group by (orderBy, pk) and
// keep positions offset .. offset+limit-1.
func topnReference(cfg topnConfig, input map[int64]types.Row) []string {
	groups := map[string][]types.Row{}
	for _, r := range input {
		var g []types.Datum
		for _, c := range cfg.groupBy {
			g = append(g, r[c])
		}
		k := rowString(g)
		groups[k] = append(groups[k], r)
	}
	var out []string
	for _, rows := range groups {
		sort.Slice(rows, func(i, j int) bool { return topnLess(cfg.orderBy, rows[i], rows[j]) })
		for pos := cfg.offset; pos < cfg.offset+cfg.limit && pos < int64(len(rows)); pos++ {
			r := rows[pos]
			if cfg.rank {
				r = append(slices.Clone(r), types.NewInt64(pos+1))
			}
			out = append(out, rowString(r))
		}
	}
	sort.Strings(out)
	return out
}

func topnLess(keys []SortKey, a, b types.Row) bool {
	for _, k := range keys {
		x, y := a[k.Col], b[k.Col]
		if x.IsNull() || y.IsNull() {
			if x.IsNull() == y.IsNull() {
				continue
			}
			return x.IsNull() == k.NullsFirst
		}
		c := types.Compare(x, y)
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
	}
	return a[0].Int() < b[0].Int() // pk
}

// topnHarness drives a TopN over a store, keeping the reference input and the view of its output.
type topnHarness struct {
	t     *testing.T
	cfg   topnConfig
	dir   string
	store *storage.Store
	op    *TopN
	out   *captureOp
	epoch uint64
	input map[int64]types.Row
	view  multiset
}

func newTopNHarness(t *testing.T, cfg topnConfig) *topnHarness {
	h := &topnHarness{t: t, cfg: cfg, dir: t.TempDir(), input: map[int64]types.Row{}, view: multiset{}}
	h.open()
	return h
}

// open (re)builds the operator over the store, as recovery does.
func (h *topnHarness) open() {
	h.t.Helper()
	h.store = testStore(h.t, h.dir)
	h.out = &captureOp{t: h.t}
	op, err := NewTopN(testEnv(h.store), topnTable, topnTypes, []int{0}, h.cfg.groupBy, h.cfg.orderBy, h.cfg.offset, h.cfg.limit, h.cfg.rank, Output{Op: h.out})
	if err != nil {
		h.t.Fatal(err)
	}
	if h.cfg.appendOnly {
		op.SetAppendOnly()
	}
	h.op = op
}

func (h *topnHarness) restart() {
	h.t.Helper()
	if err := h.store.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
}

// run pushes one epoch of changes (in chunks of at most chunkRows), flushes, commits and compares
// the view with the reference. It returns the rows emitted.
func (h *topnHarness) run(changes []topnChange, chunkRows int) []capturedRow {
	h.t.Helper()
	for start := 0; start < len(changes); start += chunkRows {
		part := changes[start:min(start+chunkRows, len(changes))]
		ops := make([]types.Op, len(part))
		rows := make([]types.Row, len(part))
		for i, ch := range part {
			ops[i], rows[i] = ch.op, ch.row
		}
		if err := h.op.Push(0, chunkOf(len(topnTypes), ops, rows)); err != nil {
			h.t.Fatal(err)
		}
	}
	for _, ch := range changes {
		if ch.op.IsInsert() {
			h.input[ch.row[0].Int()] = ch.row
		} else {
			delete(h.input, ch.row[0].Int())
		}
	}
	h.epoch++
	flushEpoch(h.t, h.store, h.op, h.epoch)
	got := h.out.take()
	h.view.apply(h.t, got)
	want := topnReference(h.cfg, h.input)
	if g := h.view.sorted(); !slices.Equal(want, g) {
		h.t.Fatalf("epoch %d: %s", h.epoch, diffLists(want, g))
	}
	return got
}

var (
	vAsc       = SortKey{Col: 2}
	vDesc      = SortKey{Col: 2, Desc: true, NullsFirst: true}
	vAscNullsF = SortKey{Col: 2, NullsFirst: true}
	vDescNullL = SortKey{Col: 2, Desc: true}
)

func TestTopNCases(t *testing.T) {
	seed := epochOf(
		ins(tr(1, "a", 10, "x")), ins(tr(2, "a", 20, "x")), ins(tr(3, "a", 30, "x")),
		ins(tr(4, "a", 40, "x")), ins(tr(5, "b", 5, "y")), ins(tr(6, "b", 15, "y")),
	)
	cases := []struct {
		name   string
		cfg    topnConfig
		epochs [][]topnChange
	}{
		{
			name: "global limit, deletes inside and outside the window",
			cfg:  topnConfig{orderBy: []SortKey{vAsc}, limit: 3},
			epochs: [][]topnChange{
				seed,
				epochOf(del(tr(4, "a", 40, "x"))), // outside
				epochOf(del(tr(1, "a", 10, "x"))), // inside: row 3 moves in
				epochOf(ins(tr(7, "c", 1, "z"))),  // new head pushes one out
				epochOf(del(tr(5, "b", 5, "y")), del(tr(7, "c", 1, "z")), del(tr(6, "b", 15, "y"))),
				epochOf(del(tr(2, "a", 20, "x")), del(tr(3, "a", 30, "x"))), // empty
			},
		},
		{
			name: "ties broken by pk, offset",
			cfg:  topnConfig{orderBy: []SortKey{vAsc}, offset: 1, limit: 2, rank: true},
			epochs: [][]topnChange{
				epochOf(ins(tr(3, "a", 7, "")), ins(tr(1, "a", 7, "")), ins(tr(2, "a", 7, "")), ins(tr(4, "a", 7, ""))),
				epochOf(del(tr(1, "a", 7, ""))), // every rank shifts
				epochOf(ins(tr(0, "a", 7, ""))), // new first by pk
				epochOf(ins(tr(9, "a", 1, ""))), // new first by value
				epochOf(del(tr(9, "a", 1, "")), del(tr(0, "a", 7, ""))),
			},
		},
		{
			name: "desc nulls first, per group, rank",
			cfg:  topnConfig{groupBy: []int{1}, orderBy: []SortKey{vDesc}, limit: 2, rank: true},
			epochs: [][]topnChange{
				seed,
				epochOf(ins(tr(7, "a", -1, "n"))), // NULL ranks first in DESC
				epochOf(upd(tr(7, "a", -1, "n"), tr(7, "a", 25, "n"))),
				epochOf(del(tr(5, "b", 5, "y"))),
				epochOf(ins(tr(8, "b", -1, "")), ins(tr(9, "b", -1, ""))),
			},
		},
		{
			name: "asc nulls first and desc nulls last",
			cfg:  topnConfig{orderBy: []SortKey{vAscNullsF}, limit: 2},
			epochs: [][]topnChange{
				seed,
				epochOf(ins(tr(7, "a", -1, ""))),
				epochOf(ins(tr(8, "a", -1, ""))),
				epochOf(del(tr(7, "a", -1, ""))),
			},
		},
		{
			name: "desc nulls last",
			cfg:  topnConfig{orderBy: []SortKey{vDescNullL}, limit: 3, rank: true},
			epochs: [][]topnChange{
				epochOf(ins(tr(1, "a", -1, "")), ins(tr(2, "a", 3, "")), ins(tr(3, "a", 9, ""))),
				epochOf(ins(tr(4, "a", 5, ""))),
				epochOf(del(tr(3, "a", 9, ""))),
			},
		},
		{
			name: "updates of payload, of order key, in and out of the window",
			cfg:  topnConfig{orderBy: []SortKey{vAsc}, limit: 2, rank: true},
			epochs: [][]topnChange{
				seed,
				epochOf(upd(tr(1, "a", 10, "x"), tr(1, "a", 10, "changed"))),        // same key, new value
				epochOf(upd(tr(1, "a", 10, "changed"), tr(1, "a", 100, "changed"))), // leaves the window
				epochOf(upd(tr(4, "a", 40, "x"), tr(4, "a", 1, "x"))),               // enters at the top
				epochOf(upd(tr(6, "b", 15, "y"), tr(6, "b", 16, "y"))),              // outside: nothing
			},
		},
		{
			name: "dedup: limit 1 per group",
			cfg:  topnConfig{groupBy: []int{1}, orderBy: []SortKey{{Col: 3}}, limit: 1},
			epochs: [][]topnChange{
				seed,
				epochOf(ins(tr(10, "c", 0, "q"))),
				epochOf(del(tr(1, "a", 10, "x"))),
				epochOf(del(tr(2, "a", 20, "x")), del(tr(3, "a", 30, "x"))),
			},
		},
		{
			name: "churn within one epoch emits nothing",
			cfg:  topnConfig{orderBy: []SortKey{vAsc}, limit: 2},
			epochs: [][]topnChange{
				seed,
				epochOf(ins(tr(20, "a", 1, "")), del(tr(20, "a", 1, ""))),
			},
		},
		{
			name: "offset beyond the group",
			cfg:  topnConfig{groupBy: []int{1}, orderBy: []SortKey{vAsc}, offset: 2, limit: 5, rank: true},
			epochs: [][]topnChange{
				seed,
				epochOf(ins(tr(7, "b", 1, ""))),
				epochOf(del(tr(1, "a", 10, "x"))),
			},
		},
		{
			name:   "limit 0",
			cfg:    topnConfig{orderBy: []SortKey{vAsc}, limit: 0},
			epochs: [][]topnChange{seed, epochOf(del(tr(1, "a", 10, "x")))},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newTopNHarness(t, tc.cfg)
			for _, e := range tc.epochs {
				h.run(e, 3)
			}
		})
	}
}

// An unchanged group emits nothing, and a change after a full window costs no output.
func TestTopNQuietEpochs(t *testing.T) {
	h := newTopNHarness(t, topnConfig{orderBy: []SortKey{vAsc}, limit: 2})
	h.run(epochOf(ins(tr(1, "a", 1, "")), ins(tr(2, "a", 2, "")), ins(tr(3, "a", 3, ""))), 10)
	if got := h.run(nil, 10); len(got) != 0 {
		t.Fatalf("empty epoch emitted %v", got)
	}
	if got := h.run(epochOf(ins(tr(4, "a", 9, ""))), 10); len(got) != 0 {
		t.Fatalf("insert after the window emitted %v", got)
	}
}

// A row that keeps its pk but changes value or rank comes out as one update pair.
func TestTopNUpdatePairs(t *testing.T) {
	h := newTopNHarness(t, topnConfig{orderBy: []SortKey{vAsc}, limit: 3, rank: true})
	h.run(epochOf(ins(tr(1, "a", 1, "")), ins(tr(2, "a", 2, "")), ins(tr(3, "a", 3, ""))), 10)
	got := h.run(epochOf(del(tr(1, "a", 1, ""))), 10)
	var ops []types.Op
	for _, r := range got {
		ops = append(ops, r.op)
	}
	want := []types.Op{types.UpdateDelete, types.UpdateInsert, types.UpdateDelete, types.UpdateInsert, types.Delete}
	slices.Sort(ops)
	slices.Sort(want)
	if !slices.Equal(ops, want) {
		t.Fatalf("ops %v, want %v", ops, want)
	}
}

// State survives a restart over the same table: the new operator diffs against what the old one
// emitted, and rows of the last committed epoch are neither lost nor emitted twice.
func TestTopNRecovery(t *testing.T) {
	h := newTopNHarness(t, topnConfig{groupBy: []int{1}, orderBy: []SortKey{vDesc}, offset: 1, limit: 2, rank: true})
	h.run(epochOf(ins(tr(1, "a", 10, "")), ins(tr(2, "a", 20, "")), ins(tr(3, "a", 30, "")), ins(tr(4, "b", 1, ""))), 10)
	h.restart()
	h.run(epochOf(ins(tr(5, "a", 40, "")), del(tr(2, "a", 20, ""))), 10)
	h.run(nil, 10)

	// Changes pushed but not committed are lost by a crash; the input replays them after recovery.
	if err := h.op.Push(0, chunkOf(4, []types.Op{types.Insert}, []types.Row{tr(6, "a", 50, "")})); err != nil {
		t.Fatal(err)
	}
	h.restart()
	h.run(epochOf(ins(tr(6, "a", 50, "")), del(tr(4, "b", 1, ""))), 10)
}

// Validation of the constructor's arguments.
func TestTopNArgs(t *testing.T) {
	env := testEnv(testStore(t, t.TempDir()))
	for _, tc := range []struct {
		pk, group []int
		order     []SortKey
		off, lim  int64
	}{
		{pk: nil, lim: 1},
		{pk: []int{0}, off: -1, lim: 1},
		{pk: []int{0}, lim: -1},
		{pk: []int{4}, lim: 1},
		{pk: []int{0}, group: []int{-1}, lim: 1},
		{pk: []int{0}, order: []SortKey{{Col: 9}}, lim: 1},
	} {
		if _, err := NewTopN(env, topnTable, topnTypes, tc.pk, tc.group, tc.order, tc.off, tc.lim, false, Output{}); err == nil {
			t.Errorf("%+v: no error", tc)
		}
	}
}

// Random inserts, deletes and updates over few groups, values with ties and NULLs, random
// configurations and restarts, checked against the reference after every epoch.
func TestTopNRandomized(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	keys := []SortKey{vAsc, vDesc, vAscNullsF, vDescNullL}
	groups := []string{"a", "b", "c"}
	for iter := 0; iter < 12; iter++ {
		cfg := topnConfig{
			orderBy: []SortKey{keys[rng.Intn(len(keys))]},
			offset:  int64(rng.Intn(3)),
			limit:   int64(1 + rng.Intn(4)),
			rank:    rng.Intn(2) == 0,
		}
		if rng.Intn(2) == 0 {
			cfg.groupBy = []int{1}
		}
		if rng.Intn(3) == 0 {
			cfg.orderBy = append(cfg.orderBy, SortKey{Col: 3, Desc: true, NullsFirst: true})
		}
		h := newTopNHarness(t, cfg)
		nextID := int64(1)
		randRow := func(id int64) types.Row {
			return tr(id, groups[rng.Intn(len(groups))], int64(rng.Intn(8))-1, string(rune('p'+rng.Intn(3))))
		}
		for epoch := 0; epoch < 40; epoch++ {
			// Pending holds this epoch's view of the input, so that deletes and updates name rows
			// as they currently are.
			cur := map[int64]types.Row{}
			for k, v := range h.input {
				cur[k] = v
			}
			var changes []topnChange
			for n := rng.Intn(12); n > 0; n-- {
				ids := make([]int64, 0, len(cur))
				for id := range cur {
					ids = append(ids, id)
				}
				slices.Sort(ids)
				switch r := rng.Intn(10); {
				case r < 5 || len(ids) == 0:
					row := randRow(nextID)
					nextID++
					cur[row[0].Int()] = row
					changes = append(changes, ins(row))
				case r < 8:
					id := ids[rng.Intn(len(ids))]
					changes = append(changes, del(cur[id]))
					delete(cur, id)
				default:
					id := ids[rng.Intn(len(ids))]
					row := randRow(id)
					changes = append(changes, upd(cur[id], row)...)
					cur[id] = row
				}
			}
			h.run(changes, 1+rng.Intn(5))
			if rng.Intn(10) == 0 {
				h.restart()
			}
		}
	}
}

// An insert-only input, as from a source: random configurations, rows with ties and NULLs, chunks
// that straddle epochs and restarts (one after a push that was never committed). Beyond matching
// the reference, the state must keep no more than offset+limit input rows per group.
func TestTopNAppendOnly(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	keys := []SortKey{vAsc, vDesc, vAscNullsF, vDescNullL}
	groups := []string{"a", "b", "c", "d"}
	for iter := 0; iter < 16; iter++ {
		cfg := topnConfig{
			orderBy:    []SortKey{keys[rng.Intn(len(keys))]},
			offset:     int64(rng.Intn(3)),
			limit:      int64(1 + rng.Intn(4)),
			rank:       rng.Intn(2) == 0,
			appendOnly: true,
		}
		if rng.Intn(3) > 0 {
			cfg.groupBy = []int{1}
		}
		h := newTopNHarness(t, cfg)
		nextID := int64(1)
		for epoch := 0; epoch < 30; epoch++ {
			var changes []topnChange
			for n := rng.Intn(15); n > 0; n-- {
				changes = append(changes, ins(tr(nextID, groups[rng.Intn(len(groups))], int64(rng.Intn(20))-1, "")))
				nextID++
			}
			h.run(changes, 1+rng.Intn(5))
			switch rng.Intn(10) {
			case 0:
				h.restart()
			case 1: // a crash: pushed, never committed, replayed after recovery
				lost := ins(tr(nextID, groups[0], 100, ""))
				if err := h.op.Push(0, chunkOf(4, []types.Op{types.Insert}, []types.Row{lost.row})); err != nil {
					t.Fatal(err)
				}
				h.restart()
				h.run(epochOf(lost), 1)
				nextID++
			}
		}
		perGroup := map[string]int64{}
		it := h.store.NewIter(topnTable, []byte{topnInput}, []byte{topnInput + 1})
		for ok := it.First(); ok; ok = it.Next() {
			row, err := codec.DecodeRow(it.Value(), topnTypes, nil)
			if err != nil {
				t.Fatal(err)
			}
			g := ""
			if cfg.groupBy != nil {
				g = row[1].String()
			}
			perGroup[g]++
		}
		if err := it.Close(); err != nil {
			t.Fatal(err)
		}
		for g, n := range perGroup {
			if n > cfg.offset+cfg.limit {
				t.Errorf("%+v: group %q keeps %d input rows, more than offset+limit", cfg, g, n)
			}
		}
	}
}

// A delete reaching an append-only top-n is a planning error, reported rather than mishandled.
func TestTopNAppendOnlyRefusesDeletes(t *testing.T) {
	h := newTopNHarness(t, topnConfig{orderBy: []SortKey{vAsc}, limit: 1, appendOnly: true})
	h.run(epochOf(ins(tr(1, "a", 1, ""))), 1)
	if err := h.op.Push(0, chunkOf(4, []types.Op{types.Delete}, []types.Row{tr(1, "a", 1, "")})); err == nil {
		t.Error("a delete was accepted")
	}
}
