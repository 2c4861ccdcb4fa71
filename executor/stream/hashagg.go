package stream

import (
	"fmt"
	"slices"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// HashAgg is streaming GROUP BY: it folds input changes into per-group aggregate states and, at each
// Flush, emits one change per group that changed during the epoch (Insert for a new group,
// UpdateDelete/UpdateInsert for a changed one, Delete for a group whose last row left). With no
// GROUP BY it maintains exactly one row, as PostgreSQL returns one row for an empty input: it is
// inserted at the operator's first Flush and only ever updated afterwards.
//
// State layout (one state table; "group" is the memcomparable encoding of the group-by values,
// self-delimiting, so each group's entries of a keyspace form one contiguous key range):
//
//	0x00 + group                        -> varint row count, then per aggregate: uvarint length + state
//	(1+i) + group + input key           -> varint count of identical inputs [+ the inputs' row encoding]
//
// The 0x00 value is the group's whole retractable state: count, sum, avg, bool_and/or and the
// variance family keep their AggState there and follow every change in O(1). The hidden row count
// decides when a group appears and disappears; in a simple (no GROUP BY) aggregation the 0x00 entry
// exists from the first Flush on, which is how a restarted operator knows its row was emitted.
//
// Aggregates that cannot retract keep every input in keyspace 1+i, sorted, with a count per
// distinct input (so duplicates cost one entry): min/max read their result off the first or last
// entry of the group's range, and string_agg/array_agg rebuild theirs by scanning the range (input
// key = ORDER BY keys then the arguments). Their AggState in the 0x00 value is a cache of the last
// result: min/max keep it current on inserts and rescan only when the extreme's last copy leaves;
// string_agg/array_agg need it to emit the old row of an update. The entry value keeps the exact
// input datums, since memcomparable keys forget numeric scale and the sign of zero.
//
// A DISTINCT retractable aggregate keeps keyspace 1+i as a count per distinct argument tuple; an
// argument reaches the state only when its count goes 0->1 and leaves it on 1->0. DISTINCT
// min/max is plain min/max, and DISTINCT string_agg/array_agg read each sorted entry once.
//
// Memory: only the groups touched in the current epoch live as Go objects (pooled across epochs);
// everything else is in the state table, whose cache is bounded.
type HashAgg struct {
	st      *storage.StateTable
	inTypes []types.Type
	groupBy []int
	aggs    []aggSpec
	out     Output

	// dirty maps a touched group's key (memcomparable, no prefix) to its index in groups; groups is
	// a pool whose first ndirty entries are this epoch's.
	dirty  map[string]int32
	groups []*aggGroup
	ndirty int
	// last is the group of the previous row: consecutive rows of one group skip the map.
	last *aggGroup

	// simpleEmitted caches that a simple aggregation's row exists downstream.
	simpleEmitted bool
	// appendOnly: see SetAppendOnly.
	appendOnly bool

	keyBuf  []byte // 0x00 + group key of the current row
	entBuf  []byte // a keyspace 1+i key
	valBuf  []byte
	counts  []int64 // a shared DISTINCT entry's counts
	args    []types.Datum
	rowBuf  types.Row
	outRow  types.Row
	outBuf  *types.Chunk
	decoded types.Row
}

// AggCall is one aggregate of a HashAgg over input columns (the planner projects argument
// expressions into columns first).
type AggCall struct {
	Func     *expr.AggFunc
	Args     []int
	Distinct bool
	// Filter is the input column of a boolean FILTER (WHERE ...) condition, or -1: rows where it is
	// not true do not reach this aggregate.
	Filter int
	// OrderBy orders the inputs of string_agg/array_agg.
	OrderBy []SortKey
}

// aggKind is how an aggregate's inputs are kept.
type aggKind uint8

const (
	kindPlain    aggKind = iota // retractable state only
	kindDistinct                // retractable state fed through a distinct-count keyspace
	kindExtreme                 // min/max over a sorted keyspace
	kindList                    // string_agg/array_agg rebuilt from a sorted keyspace
)

type aggSpec struct {
	AggCall
	kind   aggKind
	prefix byte
	max    bool
	// keepNulls: array_agg collects NULL inputs; every other aggregate skips them.
	keepNulls bool
	// argTypes decode a sorted entry's inputs.
	argTypes []types.Type
	// empty is an empty state's encoding: Decode of it resets a pooled state.
	empty []byte
	// slot is this DISTINCT aggregate's count in its keyspace's entries, of slots (see
	// shareDistinct).
	slot, slots int
}

const groupPrefix byte = 0x00

// NewHashAgg returns a hash aggregation whose state lives in table (built through env). Output
// columns: the groupBy columns, then one per aggregate, of its Func.Ret type.
func NewHashAgg(env *Env, table storage.TableID, inputTypes []types.Type, groupBy []int, aggs []AggCall, out Output) (*HashAgg, error) {
	if len(aggs) > 0xFE {
		return nil, fmt.Errorf("hashagg: %d aggregates, at most 254 fit the state's key prefixes", len(aggs))
	}
	checkCol := func(what string, c int) error {
		if c < 0 || c >= len(inputTypes) {
			return fmt.Errorf("hashagg: %s column %d out of range (input has %d columns)", what, c, len(inputTypes))
		}
		return nil
	}
	for _, c := range groupBy {
		if err := checkCol("group-by", c); err != nil {
			return nil, err
		}
	}
	h := &HashAgg{inTypes: inputTypes, groupBy: groupBy, out: out, dirty: make(map[string]int32)}
	for i, a := range aggs {
		spec, err := newAggSpec(a, i, inputTypes, checkCol)
		if err != nil {
			return nil, err
		}
		h.aggs = append(h.aggs, spec)
	}
	h.shareDistinct()
	h.st = env.StateTableFor(table)
	return h, nil
}

// shareDistinct gives DISTINCT aggregates over the same arguments one keyspace (the first one's),
// whose entries keep a count per aggregate (slot), as RisingWave's dedup tables do: Nexmark q16's
// eight count(DISTINCT bidder|auction) FILTER (...) then probe two keys per row, not eight, and
// most of those probes are of keys never seen, which miss the cache and cost a Pebble read each.
func (h *HashAgg) shareDistinct() {
	for i := range h.aggs {
		a := &h.aggs[i]
		if a.kind != kindDistinct {
			continue
		}
		for j := range i {
			if b := &h.aggs[j]; b.kind == kindDistinct && b.slot == 0 && slices.Equal(a.Args, b.Args) {
				a.prefix, a.slot = b.prefix, b.slots
				b.slots++
				break
			}
		}
	}
	for i := range h.aggs {
		if a := &h.aggs[i]; a.kind == kindDistinct && a.slot > 0 {
			a.slots = h.aggs[a.prefix-1].slots
		}
	}
}

// SetAppendOnly tells the aggregation that its input never retracts (it reads sources or
// append-only tables through operators that only insert). min and max then keep just their
// current value, like count and sum, instead of a sorted multiset of every input from which a
// retracted extreme is re-derived: no state read per input row. A DISTINCT aggregate's entry
// stops counting at 1: with no retraction to come, a value seen again changes nothing, and is
// not written again (q16 wrote two entries per bid). Call it before the first Push, and for the
// same plan every time (the state layout follows it).
func (h *HashAgg) SetAppendOnly() {
	h.appendOnly = true
	for i := range h.aggs {
		if h.aggs[i].kind == kindExtreme {
			h.aggs[i].kind = kindPlain
		}
	}
}

func newAggSpec(a AggCall, i int, inputTypes []types.Type, checkCol func(string, int) error) (aggSpec, error) {
	f := a.Func
	if f == nil {
		return aggSpec{}, fmt.Errorf("hashagg: aggregate %d has no function", i)
	}
	if len(a.Args) != len(f.Args) {
		return aggSpec{}, fmt.Errorf("hashagg: %s takes %d arguments, got %d columns", f.Name, len(f.Args), len(a.Args))
	}
	s := aggSpec{AggCall: a, prefix: byte(1 + i), slots: 1}
	for _, c := range a.Args {
		if err := checkCol(f.Name+" argument", c); err != nil {
			return s, err
		}
		s.argTypes = append(s.argTypes, inputTypes[c])
	}
	if a.Filter >= 0 {
		if err := checkCol(f.Name+" filter", a.Filter); err != nil {
			return s, err
		}
		if inputTypes[a.Filter] != types.Bool {
			return s, fmt.Errorf("hashagg: %s filter column %d is %s, not boolean", f.Name, a.Filter, inputTypes[a.Filter])
		}
	}
	for _, k := range a.OrderBy {
		if err := checkCol(f.Name+" order-by", k.Col); err != nil {
			return s, err
		}
	}
	switch f.Kind {
	case expr.AggMin, expr.AggMax:
		s.kind, s.max = kindExtreme, f.Kind == expr.AggMax
	case expr.AggStringAgg, expr.AggArrayAgg:
		s.kind, s.keepNulls = kindList, f.Kind == expr.AggArrayAgg
	default:
		if a.Distinct {
			s.kind = kindDistinct
		}
	}
	if len(a.OrderBy) > 0 && s.kind != kindList {
		// Every other aggregate's result is independent of input order.
		s.OrderBy = nil
	}
	st := f.NewState()
	if st == nil {
		return s, fmt.Errorf("hashagg: aggregate %s has no state", f.Name)
	}
	s.empty = st.Encode(nil)
	return s, nil
}

// OutputTypes returns the types of the output columns.
func (h *HashAgg) OutputTypes() []types.Type {
	ts := make([]types.Type, 0, len(h.groupBy)+len(h.aggs))
	for _, c := range h.groupBy {
		ts = append(ts, h.inTypes[c])
	}
	for _, a := range h.aggs {
		ts = append(ts, a.Func.Ret)
	}
	return ts
}

func (h *HashAgg) simple() bool { return len(h.groupBy) == 0 }
