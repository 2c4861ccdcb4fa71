package stream

import (
	"fmt"
	"testing"

	"github.com/runnel-db/runnel/storage"
)

// Rows added to buckets already cached must count against the budget as new buckets do: a join
// whose keys are all cached (every auction) and whose buckets keep growing (their bids) would
// otherwise grow without bound.
func TestBucketCacheGrowingBucketsEvict(t *testing.T) {
	const budget = 16 << 10
	c := newBucketCache(budget, nil)
	for k := 0; k < 4; k++ {
		b := c.insert(&joinBucket{key: fmt.Sprintf("\x01key-%d", k), size: bucketOverhead}) // side 1
		for i := 0; i < 100; i++ {
			data := []byte(fmt.Sprintf("row-%d-%04d-%s", k, i, "................................................."))
			c.resized(b, b.add(joinRow{data: data, keyLen: 10}))
		}
		if c.used > budget+b.size {
			t.Fatalf("bucket %d: cache holds %d bytes, budget %d plus the bucket in use (%d)", k, c.used, budget, b.size)
		}
	}
	if len(c.m) == 4 {
		t.Fatalf("no bucket was evicted (used %d, budget %d)", c.used, budget)
	}
}

// Completeness is per side: evicting buckets of one side (q7's bids, a bucket per price) must not
// send the other side's misses (probes of the window maxima) to the state table, and such a miss
// is answered with an empty bucket that is not cached. An evicted bucket reloads from the state.
func TestBucketCacheCompletePerSide(t *testing.T) {
	st := storage.NewStateTable(testStore(t, t.TempDir()), 4200, 1<<20)
	c := newBucketCache(2<<10, nil)
	c.startComplete(st)
	for k := 0; k < 50; k++ {
		bucket := []byte(fmt.Sprintf("\x01k%03d", k))
		key := append(bucket, "pk"...)
		st.Put(key, []byte("row"))
		if b := c.forWrite(bucket); b != nil { // nil once the side is incomplete, as in the join
			c.resized(b, b.add(joinRow{data: append(key, "row"...), keyLen: len(key)}))
		}
	}
	if c.complete[1] {
		t.Fatal("side 1 is still complete after its buckets were evicted")
	}
	if !c.complete[0] {
		t.Fatal("side 0 lost its completeness to side 1's evictions")
	}
	n := len(c.m)
	b, err := c.load(st, []byte("\x00absent"), false)
	if err != nil || len(b.rows) != 0 || len(c.m) != n {
		t.Fatalf("miss on a complete side: %d rows, err %v, %d cached buckets (was %d)", len(b.rows), err, len(c.m), n)
	}
	b, err = c.load(st, []byte("\x01k000"), false)
	if err != nil || len(b.rows) != 1 || string(b.rows[0].row()) != "row" {
		t.Fatalf("evicted bucket reloaded with %d rows, err %v", len(b.rows), err)
	}
}
