package stream

import (
	"bytes"
	"fmt"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// windowRow is one row of a group's window: its order+pk key (after the group), its encoded value
// and the decoded row.
type windowRow struct {
	key []byte
	val []byte
	row types.Row
}

// refreshGroup recomputes the window of one changed group and emits its difference against the
// window emitted before. minChanged is the smallest order+pk key changed in the group this epoch.
func (t *TopN) refreshGroup(group, minChanged []byte, w *changeWriter) error {
	old, err := t.scan(topnEmitted, group, 0, t.limit)
	if err != nil {
		return err
	}
	// A full window whose last row sorts before every change cannot have moved: the rows up to it
	// and their positions are what they were.
	if int64(len(old)) == t.limit && bytes.Compare(minChanged, old[len(old)-1].key) > 0 {
		return nil
	}
	cur, err := t.scan(topnInput, group, t.offset, t.limit)
	if err != nil {
		return err
	}
	return t.diff(group, old, cur, w)
}

// scan reads the rows of group in keyspace tag at positions skip .. skip+n-1. The cost is
// O(skip+n) entries whatever the group's size.
func (t *TopN) scan(tag byte, group []byte, skip, n int64) ([]windowRow, error) {
	prefix := append([]byte{tag}, group...)
	it := t.st.Iter(prefix, storage.PrefixEnd(prefix))
	var rows []windowRow
	ok := it.First()
	for ; ok && skip > 0; skip-- {
		ok = it.Next()
	}
	for ; ok && int64(len(rows)) < n; ok = it.Next() {
		val := bytes.Clone(it.Value())
		r, err := codec.DecodeRow(val, t.types, nil)
		if err != nil {
			_ = it.Close()
			return nil, fmt.Errorf("top-n: decode state row: %w", err)
		}
		rows = append(rows, windowRow{key: bytes.Clone(it.Key()[len(prefix):]), val: val, row: r})
	}
	if err := it.Close(); err != nil {
		return nil, fmt.Errorf("top-n: scan state: %w", err)
	}
	return rows, nil
}

// diff emits the changes from window old to window cur and makes the emitted keyspace hold cur.
// Rows are matched by pk: a pk in both windows whose value or rank changed becomes an update
// pair; the others become Deletes (first, so that a downstream keyed by anything but pk never
// sees two rows for one key) and Inserts.
func (t *TopN) diff(group []byte, old, cur []windowRow, w *changeWriter) error {
	oldByPK := make(map[string]int, len(old))
	for i, r := range old {
		oldByPK[string(t.appendPK(nil, r.row))] = i
	}
	matched := make([]bool, len(old))
	curOld := make([]int, len(cur)) // index in old of cur's pk, or -1
	for j, r := range cur {
		curOld[j] = -1
		if i, ok := oldByPK[string(t.appendPK(nil, r.row))]; ok {
			curOld[j] = i
			matched[i] = true
		}
	}
	key := func(k []byte) []byte { return t.stateKey(topnEmitted, string(group), k) }
	for i, r := range old {
		if !matched[i] {
			if err := w.add(types.Delete, t.outRow(r.row, i)); err != nil {
				return err
			}
			t.st.Delete(key(r.key))
		}
	}
	for j, r := range cur {
		i := curOld[j]
		if i < 0 {
			continue
		}
		o := old[i]
		sameKey := bytes.Equal(o.key, r.key)
		if sameKey && bytes.Equal(o.val, r.val) && (i == j || !t.rankCol) {
			continue
		}
		if err := w.addPair(t.outRow(o.row, i), t.outRow(r.row, j)); err != nil {
			return err
		}
		if !sameKey {
			t.st.Delete(key(o.key))
		}
		t.st.Put(key(r.key), r.val)
	}
	for j, r := range cur {
		if curOld[j] >= 0 {
			continue
		}
		if err := w.add(types.Insert, t.outRow(r.row, j)); err != nil {
			return err
		}
		t.st.Put(key(r.key), r.val)
	}
	return nil
}

// outRow is the output row of a window row at position pos (0-based) in its window.
func (t *TopN) outRow(r types.Row, pos int) types.Row {
	if !t.rankCol {
		return r
	}
	return append(r[:len(r):len(r)], types.NewInt64(t.offset+int64(pos)+1))
}
