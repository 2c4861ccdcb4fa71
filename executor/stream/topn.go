package stream

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// TopN maintains, per group, the rows ranked offset+1 .. offset+limit by (orderBy, pk): ORDER BY ...
// LIMIT views, and ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) <= n filters (group top-N;
// streaming dedup is limit 1). With rankCol every output row carries its 1-based row_number within
// the group as a trailing bigint.
//
// Changes are applied to the state as they arrive but emitted only at Flush, once per changed
// group: the new window is read from the state and diffed against the window emitted before, so
// churn inside an epoch (an insert deleted again, a row updated twice) costs no output.
//
// State layout (one table, two keyspaces; group, order and pk keys are memcomparable, so a group's
// rows are one contiguous key range in rank order):
//
//	topnInput   + group + order + pk -> row    every input row of every group
//	topnEmitted + group + order + pk -> row    the window as last emitted (at most limit rows)
//
// Ranks are not stored: a row's rank is offset + its position in the emitted range plus one.
// Keeping the emitted window lets Flush compute the output difference from the state alone, which
// also holds after recovery, and lets it skip a group whose changes all sort after a full window.
type TopN struct {
	st      *storage.StateTable
	types   []types.Type
	pk      []int
	groupBy []int
	orderBy []SortKey
	offset  int64
	limit   int64
	rankCol bool
	out     Output

	// changed maps each group touched this epoch to the smallest order+pk key changed in it.
	changed map[string][]byte
	// kept, for an append-only input, holds the groups touched this epoch: see SetAppendOnly.
	kept map[string]*keptGroup

	row    types.Row
	keyBuf []byte
	valBuf []byte
}

// Keyspace prefixes of TopN's state table.
const (
	topnInput   byte = 0x01
	topnEmitted byte = 0x02
)

// NewTopN returns a TopN over rows of inputTypes whose stream key is pk, keeping its state in table.
func NewTopN(env *Env, table storage.TableID, inputTypes []types.Type, pk []int, groupBy []int, orderBy []SortKey, offset, limit int64, rankCol bool, out Output) (*TopN, error) {
	if offset < 0 || limit < 0 {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "top-n: OFFSET and LIMIT must not be negative (offset %d, limit %d)", offset, limit)
	}
	if len(pk) == 0 {
		return nil, fmt.Errorf("top-n: the input has no stream key")
	}
	n := len(inputTypes)
	check := func(what string, c int) error {
		if c < 0 || c >= n {
			return fmt.Errorf("top-n: %s column %d out of range (%d input columns)", what, c, n)
		}
		return nil
	}
	for _, c := range pk {
		if err := check("pk", c); err != nil {
			return nil, err
		}
	}
	for _, c := range groupBy {
		if err := check("group", c); err != nil {
			return nil, err
		}
	}
	for _, k := range orderBy {
		if err := check("order", k.Col); err != nil {
			return nil, err
		}
	}
	return &TopN{
		st:      env.StateTableFor(table),
		types:   slices.Clone(inputTypes),
		pk:      slices.Clone(pk),
		groupBy: slices.Clone(groupBy),
		orderBy: slices.Clone(orderBy),
		offset:  offset,
		limit:   limit,
		rankCol: rankCol,
		out:     out,
		changed: make(map[string][]byte),
	}, nil
}

// Push records the chunk's rows in the input keyspace and marks their groups changed.
func (t *TopN) Push(_ int, c *types.Chunk) error {
	if t.limit == 0 {
		return nil // LIMIT 0: the output is always empty, no state is needed
	}
	if t.kept != nil {
		return t.pushAppendOnly(c)
	}
	for i := 0; i < c.Len(); i++ {
		t.row = c.Row(i, t.row)
		var glen int
		t.keyBuf, glen = t.appendRowKey(t.keyBuf[:0], topnInput, t.row)
		if c.Op(i).IsInsert() {
			t.valBuf = codec.AppendRow(t.valBuf[:0], t.row)
			t.st.Put(t.keyBuf, t.valBuf)
		} else {
			t.st.Delete(t.keyBuf)
		}
		group, rest := t.keyBuf[1:glen], t.keyBuf[glen:]
		if min, ok := t.changed[string(group)]; !ok || bytes.Compare(rest, min) < 0 {
			t.changed[string(group)] = slices.Clone(rest)
		}
	}
	return nil
}

// Flush emits the window changes of every group changed in the epoch, then writes the state.
func (t *TopN) Flush(_ uint64, b *storage.Batch) error {
	if len(t.changed) > 0 {
		groups := make([]string, 0, len(t.changed))
		for g := range t.changed {
			groups = append(groups, g)
		}
		// Deterministic output order, whatever the map's.
		slices.Sort(groups)
		w := newChangeWriter(t.outWidth(), t.out)
		w.deletesFirst = true
		if t.kept != nil {
			if err := t.flushAppendOnly(groups, w); err != nil {
				return err
			}
		} else {
			for _, g := range groups {
				if err := t.refreshGroup([]byte(g), t.changed[g], w); err != nil {
					return err
				}
			}
		}
		if err := w.flush(); err != nil {
			return err
		}
		clear(t.changed)
	}
	clear(t.kept)
	t.st.Flush(b)
	return nil
}

func (t *TopN) outWidth() int {
	if t.rankCol {
		return len(t.types) + 1
	}
	return len(t.types)
}

// appendRowKey appends tag + group + order + pk of r and returns the key and the length of its
// tag + group part.
func (t *TopN) appendRowKey(buf []byte, tag byte, r types.Row) ([]byte, int) {
	buf = append(buf, tag)
	for _, c := range t.groupBy {
		buf = codec.AppendKey(buf, r[c], false)
	}
	glen := len(buf)
	for _, k := range t.orderBy {
		buf = AppendSortKey(buf, r[k.Col], k)
	}
	return t.appendPK(buf, r), glen
}

// stateKey sets t.keyBuf to tag + group + k (an order+pk key) and returns it.
func (t *TopN) stateKey(tag byte, group string, k []byte) []byte {
	t.keyBuf = append(append(append(t.keyBuf[:0], tag), group...), k...)
	return t.keyBuf
}

func (t *TopN) appendPK(buf []byte, r types.Row) []byte {
	for _, c := range t.pk {
		buf = codec.AppendKey(buf, r[c], false)
	}
	return buf
}
