package stream

import (
	"fmt"

	"github.com/runnel-db/runnel/executor/expr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// HashJoin is the streaming equi-join with state on both sides. Each input row is stored, then
// probed against the other side's rows with the same join key, so the work per change is
// proportional to the matching rows on the other side, never to the sizes of the inputs.
//
// State layout (one state table, one keyspace per side):
//
//	key   = side byte (0x00 left, 0x01 right)
//	        + memcomparable(join key columns)
//	        + memcomparable(the side's stream key columns)
//	value = [uvarint degree] + codec.AppendRow(row)
//
// Memcomparable encodings are self-delimiting, so "side + join key" is a prefix that selects exactly
// the rows of one side with that key, and equal keys (1.5 and 1.50, 0 and -0) land in one bucket,
// as SQL equality wants. The degree is the number of rows of the other side the row currently
// matches (join key equal and cond true); it is stored only on the sides whose output depends on
// whether a row matches: the preserved side(s) of outer joins, which are output NULL-padded while
// unmatched, and the left side of semi/anti joins. Keeping it in state, rather than recounting,
// is what keeps a change on one side proportional to its own matches: an other-side row learns
// that it lost its last match from its degree, without a scan of its own bucket.
//
// A row whose join key has a NULL never matches. It is stored only on sides with a degree (it is
// output NULL-padded, or by an anti join), so its deletion needs no probe either way.
//
// Reads go through an LRU cache of whole buckets (hashjoin_cache.go) rather than an iterator per
// probe; writes go to the state table and to the cached bucket alike.
//
// Changes are emitted during Push, in an order that never retracts a row before it was emitted:
// when a match appears, the NULL-padded row is retracted before the joined row is inserted; when
// the last match goes, the joined row is retracted before the NULL-padded row comes back.
type HashJoin struct {
	kind  JoinKind
	st    *storage.StateTable
	cache *bucketCache
	ctx   *expr.Context
	cond  expr.Expr
	out   Output
	sides [2]joinSide
	// semi is set for LeftSemi and LeftAnti: they output left rows only.
	semi bool

	probe   probeBuf
	outBuf  *types.Chunk
	outRow  types.Row
	padRow  types.Row
	inRow   types.Row
	nullRow types.Row // NULLs as wide as the wider side, for padding
	keyBuf  []byte    // side + join key + pk of the row being applied
	valBuf  []byte
}

// JoinKind is the kind of a streaming join. The values follow planner.JoinKind's order.
type JoinKind uint8

const (
	Inner JoinKind = iota
	LeftOuter
	RightOuter
	FullOuter
	// LeftSemi outputs each left row that has at least one match.
	LeftSemi
	// LeftAnti outputs each left row that has no match.
	LeftAnti
)

func (k JoinKind) String() string {
	switch k {
	case Inner:
		return "inner"
	case LeftOuter:
		return "left outer"
	case RightOuter:
		return "right outer"
	case FullOuter:
		return "full outer"
	case LeftSemi:
		return "left semi"
	case LeftAnti:
		return "left anti"
	}
	return fmt.Sprintf("JoinKind(%d)", uint8(k))
}

// joinSide describes one input.
type joinSide struct {
	types []types.Type
	keys  []int
	pk    []int
	// degree: values on this side carry the row's degree.
	degree bool
	// outer: an unmatched row of this side is output NULL-padded.
	outer bool
}

// NewHashJoin returns a join of kind over the left (port 0) and right (port 1) inputs. leftKeys and
// rightKeys are pairwise-equal join key columns of the same types (none: every pair matches by key,
// a nested-loop join for small sides); leftPK and rightPK identify a row of each input; cond, if
// not nil, is an extra condition over the left columns followed by the right columns. The output is
// the left columns then the right ones, or the left columns only for LeftSemi and LeftAnti. The
// state lives in table, which may already hold the state of a committed epoch (recovery).
func NewHashJoin(env *Env, table storage.TableID, kind JoinKind,
	leftTypes, rightTypes []types.Type,
	leftKeys, rightKeys []int,
	leftPK, rightPK []int,
	cond expr.Expr,
	out Output) (*HashJoin, error) {
	if kind > LeftAnti {
		return nil, fmt.Errorf("hash join: unknown join kind %d", kind)
	}
	if len(leftKeys) != len(rightKeys) {
		return nil, fmt.Errorf("hash join: %d left keys but %d right keys", len(leftKeys), len(rightKeys))
	}
	for i := range leftKeys {
		if err := checkCols("left key", leftKeys[i:i+1], leftTypes); err != nil {
			return nil, err
		}
		if err := checkCols("right key", rightKeys[i:i+1], rightTypes); err != nil {
			return nil, err
		}
		// Keys are compared by their encodings, which are only comparable within one type.
		if lt, rt := leftTypes[leftKeys[i]], rightTypes[rightKeys[i]]; lt != rt {
			return nil, fmt.Errorf("hash join: key %d has type %s on the left but %s on the right", i, lt, rt)
		}
	}
	if err := checkCols("left pk", leftPK, leftTypes); err != nil {
		return nil, err
	}
	if err := checkCols("right pk", rightPK, rightTypes); err != nil {
		return nil, err
	}
	if cond != nil && cond.Type() != types.Bool {
		return nil, fmt.Errorf("hash join: condition %s is %s, not boolean", cond, cond.Type())
	}
	budget := env.CacheBytes
	if budget <= 0 {
		budget = storage.DefaultStateCacheBytes
	}
	j := &HashJoin{
		kind: kind,
		// Reads go through the bucket cache, so the state table's own cache only holds
		// recent writes: it gets a quarter of the budget.
		st:    storage.NewStateTable(env.Store, table, max(budget/4, 1)),
		cache: newBucketCache(budget*3/4, env.Store.StateBudget()),
		ctx:   env.Ctx,
		out:   out,
		semi:  kind == LeftSemi || kind == LeftAnti,
		sides: [2]joinSide{
			{types: leftTypes, keys: leftKeys, pk: leftPK},
			{types: rightTypes, keys: rightKeys, pk: rightPK},
		},
	}
	if cond != nil {
		j.cond = expr.Clone(cond)
	}
	j.cache.startComplete(j.st)
	l, r := &j.sides[0], &j.sides[1]
	l.outer = kind == LeftOuter || kind == FullOuter
	r.outer = kind == RightOuter || kind == FullOuter
	l.degree = l.outer || j.semi
	r.degree = r.outer
	width := len(leftTypes) + len(rightTypes)
	if j.semi {
		width = len(leftTypes)
	}
	j.outBuf = types.NewChunk(width, types.MaxChunkRows)
	j.nullRow = make(types.Row, max(len(leftTypes), len(rightTypes)))
	j.probe.init(len(leftTypes), len(rightTypes))
	return j, nil
}

func checkCols(what string, cols []int, ts []types.Type) error {
	for _, c := range cols {
		if c < 0 || c >= len(ts) {
			return fmt.Errorf("hash join: %s column %d out of range (%d columns)", what, c, len(ts))
		}
	}
	return nil
}

// Push applies the changes of one input, row by row: each row sees the state left by the rows
// before it, so changes within a chunk (a delete and a re-insert of one key) compose correctly.
// Update pairs are applied as a Delete then an Insert, and their effects are emitted as such.
func (j *HashJoin) Push(port int, c *types.Chunk) error {
	if port != 0 && port != 1 {
		return fmt.Errorf("hash join: no input port %d", port)
	}
	if err := j.prefetch(port, c); err != nil {
		return fmt.Errorf("hash join (%s): %w", j.kind, err)
	}
	for i := 0; i < c.Len(); i++ {
		j.inRow = c.Row(i, j.inRow)
		if err := j.apply(port, c.Op(i).IsInsert(), j.inRow); err != nil {
			// The actor fails on an error; keep half a chunk's output from reaching a later Push.
			j.outBuf.Reset()
			return fmt.Errorf("hash join (%s): %w", j.kind, err)
		}
	}
	return j.emitOut()
}

// prefetch loads the buckets that the rows of c, arriving on side s, will probe, before any of
// them is applied: loads read through StateTable.Iter, which sorts the table's pending writes
// when they arrived out of order, so loading them all before the first write sorts once.
func (j *HashJoin) prefetch(s int, c *types.Chunk) error {
	if j.cache.complete[1-s] {
		return nil // misses read nothing
	}
	other := &j.sides[1-s]
	for i := 0; i < c.Len(); i++ {
		j.inRow = c.Row(i, j.inRow)
		k, null := j.bucketKey(1-s, s, j.inRow)
		if null {
			continue
		}
		if _, err := j.cache.load(j.st, k, other.degree); err != nil {
			return err
		}
	}
	return nil
}

// Flush writes the epoch's state changes into b. Output was emitted during Push.
func (j *HashJoin) Flush(_ uint64, b *storage.Batch) error {
	j.st.Flush(b)
	return nil
}
