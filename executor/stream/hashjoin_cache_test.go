package stream

import (
	"fmt"
	"testing"
)

// Rows added to buckets already cached must count against the budget as new buckets do: a join
// whose keys are all cached (every auction) and whose buckets keep growing (their bids) would
// otherwise grow without bound.
func TestBucketCacheGrowingBucketsEvict(t *testing.T) {
	const budget = 16 << 10
	c := newBucketCache(budget, nil)
	for k := 0; k < 4; k++ {
		b := c.insert(&joinBucket{key: fmt.Sprintf("key-%d", k), size: bucketOverhead})
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
