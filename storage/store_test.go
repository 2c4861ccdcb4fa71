package storage

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

var quiet = slog.New(slog.DiscardHandler)

func openTest(t testing.TB, dir string) *Store {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := Open(dir, Options{NoSync: true, CacheSize: 8 << 20, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustCommit(t testing.TB, s *Store, epoch uint64, b *Batch) {
	t.Helper()
	if err := s.Commit(epoch, b); err != nil {
		t.Fatal(err)
	}
}

func mustGet(t testing.TB, get func(TableID, []byte) ([]byte, bool, error), tab TableID, key string) (string, bool) {
	t.Helper()
	v, ok, err := get(tab, []byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return string(v), ok
}

// scan returns "k=v" pairs of it from First to the end.
func scan(t testing.TB, it interface {
	First() bool
	Next() bool
	Key() []byte
	Value() []byte
	Close() error
}) []string {
	t.Helper()
	var out []string
	for ok := it.First(); ok; ok = it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func scanReverse(t testing.TB, it interface {
	Last() bool
	Prev() bool
	Key() []byte
	Value() []byte
	Close() error
}) []string {
	t.Helper()
	var out []string
	for ok := it.Last(); ok; ok = it.Prev() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOpenNewStore(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	if e := s.CommittedEpoch(); e != 0 {
		t.Fatalf("CommittedEpoch = %d on a new store", e)
	}
	if _, ok := mustGet(t, s.Get, 1, "x"); ok {
		t.Fatal("new store has a key")
	}
	if s.Metrics() == nil {
		t.Fatal("nil metrics")
	}
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	_, err := Open(dir, Options{})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another runnel") {
		t.Fatalf("second Open: err = %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The lock is released by Close.
	s = openTest(t, dir)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err == nil {
		t.Fatal("double Close succeeded")
	}
}

func TestCommitAndReopen(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	b := s.NewBatch()
	if !b.Empty() || b.Len() != 0 {
		t.Fatal("new batch not empty")
	}
	b.Put(1, []byte("a"), []byte("1"))
	b.Put(1, []byte("b"), []byte("2"))
	b.Put(2, []byte("a"), []byte("other table"))
	b.Put(SystemTable, SystemKey("offset", "bids", "0"), []byte("42"))
	if b.Empty() || b.Len() != 4 || b.Size() == 0 {
		t.Fatalf("Len = %d, Empty = %v", b.Len(), b.Empty())
	}
	// Uncommitted writes are invisible.
	if _, ok := mustGet(t, s.Get, 1, "a"); ok {
		t.Fatal("uncommitted put visible")
	}
	mustCommit(t, s, 1, b)
	if e := s.CommittedEpoch(); e != 1 {
		t.Fatalf("CommittedEpoch = %d", e)
	}
	b = s.NewBatch()
	b.Delete(1, []byte("a"))
	b.Put(1, []byte("c"), []byte("3"))
	mustCommit(t, s, 5, b)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openTest(t, dir)
	defer s.Close()
	if e := s.CommittedEpoch(); e != 5 {
		t.Fatalf("CommittedEpoch after reopen = %d, want 5", e)
	}
	for _, tc := range []struct {
		tab  TableID
		key  string
		want string
		ok   bool
	}{
		{1, "a", "", false},
		{1, "b", "2", true},
		{1, "c", "3", true},
		{2, "a", "other table", true},
		{SystemTable, string(SystemKey("offset", "bids", "0")), "42", true},
	} {
		v, ok := mustGet(t, s.Get, tc.tab, tc.key)
		if ok != tc.ok || v != tc.want {
			t.Errorf("Get(%d, %q) = %q, %v; want %q, %v", tc.tab, tc.key, v, ok, tc.want, tc.ok)
		}
	}
}

func TestCommitEpochMustIncrease(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	mustCommit(t, s, 3, nil)
	for _, e := range []uint64{0, 2, 3} {
		b := s.NewBatch()
		b.Put(1, []byte("k"), []byte("v"))
		if err := s.Commit(e, b); err == nil {
			t.Errorf("Commit(%d) after 3 succeeded", e)
		}
	}
	if _, ok := mustGet(t, s.Get, 1, "k"); ok {
		t.Fatal("rejected commit left data behind")
	}
	b := s.NewBatch()
	mustCommit(t, s, 4, b)
	if err := s.Commit(5, b); err == nil {
		t.Fatal("committing a consumed batch succeeded")
	}
	if e := s.CommittedEpoch(); e != 4 {
		t.Fatalf("CommittedEpoch = %d", e)
	}
}

func TestDeleteRangeAndDropTable(t *testing.T) {
	keys := []string{"a", "b", "c", "d", "e"}
	for _, tc := range []struct {
		name string
		op   func(b *Batch)
		want []string // surviving keys of table 1
	}{
		{"range", func(b *Batch) { b.DeleteRange(1, []byte("b"), []byte("d")) }, []string{"a", "d", "e"}},
		{"open hi", func(b *Batch) { b.DeleteRange(1, []byte("c"), nil) }, []string{"a", "b"}},
		{"open lo", func(b *Batch) { b.DeleteRange(1, nil, []byte("c")) }, []string{"c", "d", "e"}},
		{"drop", func(b *Batch) { b.DropTable(1) }, nil},
		{"drop then put", func(b *Batch) { b.DropTable(1); b.Put(1, []byte("z"), []byte("z")) }, []string{"z"}},
		{"drop system keeps epoch", func(b *Batch) { b.DropTable(SystemTable) }, keys},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openTest(t, dir)
			b := s.NewBatch()
			for _, k := range keys {
				b.Put(0, []byte(k), []byte(k))
				b.Put(1, []byte(k), []byte(k))
				b.Put(2, []byte(k), []byte(k))
			}
			mustCommit(t, s, 1, b)
			b = s.NewBatch()
			tc.op(b)
			mustCommit(t, s, 2, b)
			s.Close()
			s = openTest(t, dir)
			defer s.Close()
			if e := s.CommittedEpoch(); e != 2 {
				t.Fatalf("epoch = %d", e)
			}
			var got []string
			it := s.NewIter(1, nil, nil)
			for ok := it.First(); ok; ok = it.Next() {
				got = append(got, string(it.Key()))
			}
			if err := it.Close(); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("table 1 = %v, want %v", got, tc.want)
			}
			// Neighbouring tables are untouched.
			if n := len(scan(t, s.NewIter(2, nil, nil))); n != len(keys) {
				t.Fatalf("table 2 has %d keys", n)
			}
		})
	}
}

func TestIterBounds(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	b := s.NewBatch()
	b.Put(0, []byte("zz"), []byte("sys"))
	for _, k := range []string{"", "a", "b", "b\x00", "c", "d\xff"} {
		b.Put(7, []byte(k), []byte("v"+k))
	}
	b.Put(8, []byte(""), []byte("next table"))
	b.Put(6, []byte("\xff\xff"), []byte("prev table"))
	mustCommit(t, s, 1, b)

	for _, tc := range []struct {
		name   string
		lo, hi []byte
		want   string
	}{
		{"all", nil, nil, "[=v a=va b=vb b\x00=vb\x00 c=vc d\xff=vd\xff]"},
		{"lo", []byte("b"), nil, "[b=vb b\x00=vb\x00 c=vc d\xff=vd\xff]"},
		{"hi", nil, []byte("b\x00"), "[=v a=va b=vb]"},
		{"both", []byte("a"), []byte("c"), "[a=va b=vb b\x00=vb\x00]"},
		{"empty range", []byte("c"), []byte("c"), "[]"},
		{"empty lo is start", []byte{}, []byte("a"), "[=v]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fmt.Sprint(scan(t, s.NewIter(7, tc.lo, tc.hi)))
			if got != tc.want {
				t.Fatalf("forward = %q, want %q", got, tc.want)
			}
			rev := scanReverse(t, s.NewIter(7, tc.lo, tc.hi))
			for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
				rev[i], rev[j] = rev[j], rev[i]
			}
			if fmt.Sprint(rev) != tc.want {
				t.Fatalf("reverse = %q, want %q", rev, tc.want)
			}
		})
	}

	it := s.NewIter(7, []byte("a"), []byte("d"))
	defer it.Close()
	for _, tc := range []struct {
		seek   string
		ge     bool
		wantOK bool
		want   string
	}{
		{"", true, true, "a"}, // below the lower bound clamps
		{"b", true, true, "b"},
		{"bb", true, true, "c"},
		{"z", true, false, ""},
		{"b", false, true, "a"},
		{"c", false, true, "b\x00"},
		{"zzz", false, true, "c"}, // above the upper bound clamps
		{"a", false, false, ""},
	} {
		var ok bool
		if tc.ge {
			ok = it.SeekGE([]byte(tc.seek))
		} else {
			ok = it.SeekLT([]byte(tc.seek))
		}
		if ok != tc.wantOK || ok && string(it.Key()) != tc.want {
			t.Errorf("seek(ge=%v, %q) = %v %q, want %v %q", tc.ge, tc.seek, ok, it.Key(), tc.wantOK, tc.want)
		}
		if ok != it.Valid() {
			t.Errorf("Valid disagrees with seek result")
		}
	}
	if it.SeekGE([]byte("z")) || it.Next() || it.Prev() {
		t.Fatal("Next/Prev on an exhausted iterator moved")
	}
}

func TestSnapshotIsolation(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	b := s.NewBatch()
	b.Put(1, []byte("k"), []byte("v1"))
	b.Put(1, []byte("gone"), []byte("x"))
	mustCommit(t, s, 1, b)

	sn := s.Snapshot()
	if sn.Epoch() != 1 {
		t.Fatalf("snapshot epoch = %d", sn.Epoch())
	}
	it := sn.NewIter(1, nil, nil)

	b = s.NewBatch()
	b.Put(1, []byte("k"), []byte("v2"))
	b.Delete(1, []byte("gone"))
	b.Put(1, []byte("new"), []byte("n"))
	mustCommit(t, s, 2, b)

	if v, _ := mustGet(t, sn.Get, 1, "k"); v != "v1" {
		t.Fatalf("snapshot sees %q", v)
	}
	if _, ok := mustGet(t, sn.Get, 1, "new"); ok {
		t.Fatal("snapshot sees a later commit")
	}
	if got := fmt.Sprint(scan(t, it)); got != "[gone=x k=v1]" {
		t.Fatalf("snapshot iter = %s", got)
	}
	if err := sn.Close(); err != nil {
		t.Fatal(err)
	}
	if v, _ := mustGet(t, s.Get, 1, "k"); v != "v2" {
		t.Fatalf("store sees %q", v)
	}
	sn2 := s.Snapshot()
	defer sn2.Close()
	if sn2.Epoch() != 2 {
		t.Fatalf("second snapshot epoch = %d", sn2.Epoch())
	}
	if got := fmt.Sprint(scan(t, sn2.NewIter(1, nil, nil))); got != "[k=v2 new=n]" {
		t.Fatalf("snapshot 2 iter = %s", got)
	}
}

func TestGetReturnsCopy(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	b := s.NewBatch()
	key, val := []byte("k"), []byte("value")
	b.Put(1, key, val)
	key[0], val[0] = 'X', 'X' // the batch copied them
	mustCommit(t, s, 1, b)
	v, ok, err := s.Get(1, []byte("k"))
	if err != nil || !ok || string(v) != "value" {
		t.Fatalf("Get = %q %v %v", v, ok, err)
	}
	v[0] = 'Y'
	if v2, _ := mustGet(t, s.Get, 1, "k"); v2 != "value" {
		t.Fatalf("modifying a returned value changed the store: %q", v2)
	}
}

func TestBatchAppend(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	parent, child := s.NewBatch(), s.NewBatch()
	parent.Put(1, []byte("a"), []byte("1"))
	child.Put(1, []byte("a"), []byte("2"))
	child.DeleteRange(1, []byte("x"), nil)
	if err := parent.Append(child); err != nil {
		t.Fatal(err)
	}
	if parent.Len() != 3 {
		t.Fatalf("Len = %d", parent.Len())
	}
	if child.done.isCommitted() {
		t.Fatal("child committed early")
	}
	mustCommit(t, s, 1, parent)
	if !child.done.isCommitted() {
		t.Fatal("child not committed with its parent")
	}
	if v, _ := mustGet(t, s.Get, 1, "a"); v != "2" {
		t.Fatalf("a = %q: appended ops must apply after the parent's", v)
	}
	if err := parent.Append(parent); err == nil {
		t.Fatal("self append succeeded")
	}
	b := s.NewBatch()
	b.Put(1, []byte("q"), nil)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestSystemKey(t *testing.T) {
	for _, tc := range []struct {
		parts []string
		want  string
	}{
		{[]string{"catalog", "42"}, "catalog/42"},
		{[]string{"offset", "bids", "3"}, "offset/bids/3"},
		{[]string{"offset", "a/b", "c"}, "offset/a%2Fb/c"},
		{[]string{"offset", "a", "b/c"}, "offset/a/b%2Fc"},
		{[]string{"x%y", "\x00"}, "x%25y/%00"},
		{nil, ""},
	} {
		if got := string(SystemKey(tc.parts...)); got != tc.want {
			t.Errorf("SystemKey(%q) = %q, want %q", tc.parts, got, tc.want)
		}
	}
	if got := string(SystemPrefix("offset", "bids")); got != "offset/bids/" {
		t.Errorf("SystemPrefix = %q", got)
	}
	for _, tc := range []struct{ in, want []byte }{
		{[]byte("ab"), []byte("ac")},
		{[]byte("a\xff"), []byte("b")},
		{[]byte("\xff\xff"), nil},
		{nil, nil},
	} {
		if got := PrefixEnd(tc.in); !bytes.Equal(got, tc.want) {
			t.Errorf("PrefixEnd(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}

	// Offsets of one source scan as a unit, next to other system entries.
	s := openTest(t, "")
	defer s.Close()
	b := s.NewBatch()
	b.Put(SystemTable, SystemKey("offset", "bids", "0"), []byte("10"))
	b.Put(SystemTable, SystemKey("offset", "bids", "1"), []byte("11"))
	b.Put(SystemTable, SystemKey("offset", "bidsx", "0"), []byte("no"))
	b.Put(SystemTable, SystemKey("catalog", "1"), []byte("no"))
	mustCommit(t, s, 1, b)
	p := SystemPrefix("offset", "bids")
	if got := fmt.Sprint(scan(t, s.NewIter(SystemTable, p, PrefixEnd(p)))); got != "[offset/bids/0=10 offset/bids/1=11]" {
		t.Fatalf("offset scan = %s", got)
	}
	// The epoch record does not show among the keys callers put.
	if got := len(scan(t, s.NewIter(SystemTable, []byte("a"), nil))); got != 4 {
		t.Fatalf("system table has %d caller keys, want 4", got)
	}
}

func TestReservedTable(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for the reserved table id")
		}
	}()
	s := openTest(t, "")
	defer s.Close()
	s.NewBatch().Put(maxTableID, []byte("k"), nil)
}

func TestDiskUsage(t *testing.T) {
	s := openTest(t, "")
	defer s.Close()
	if s.DiskUsage() == 0 {
		t.Fatal("DiskUsage = 0 for an open store (WAL, manifest)")
	}
}
