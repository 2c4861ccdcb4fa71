package storage

import (
	"runtime"
	"sync/atomic"
)

// Budget is a byte budget shared by every operator cache of a server, so that memory is bounded by
// the server's configuration and not by the number of views times a per-table allowance (a join
// over two instances, two aggregations and a materialize are seven caches). A cache that grows
// while the total is over the limit evicts its own clean entries: the caches that are being
// written pay for the memory, and a cold cache keeps what it has until it is written again or
// collected.
//
// Each cache publishes its size to the total only when it has moved by more than budgetSlack, so
// the shared counter is touched once per tens of kilobytes of cache traffic, not per entry.
type Budget struct {
	limit int64
	used  atomic.Int64
}

const (
	// budgetSlack is how far a cache's published size may drift from its real size.
	budgetSlack = 64 << 10
	// budgetFloor is what a cache may always keep, however far over the total is: enough for
	// the entries an operator is working on, so a hot cache never degenerates to no cache.
	budgetFloor = 1 << 20
)

// NewBudget returns a budget of limit bytes; limit <= 0 means unbounded.
func NewBudget(limit int64) *Budget { return &Budget{limit: limit} }

// Used is the bytes the caches have published.
func (b *Budget) Used() int64 { return b.used.Load() }

// account is one cache's share of a Budget. Its published size is held apart from the cache so
// that a cache dropped without a Close (an operator of a dropped view is simply garbage) gives its
// share back when the collector frees its owner.
type account struct {
	b     *Budget
	share *atomic.Int64
}

// newAccount joins owner's cache to b. A nil or unbounded b gives an account that is never over.
func newAccount[T any](b *Budget, owner *T) account {
	if b == nil || b.limit <= 0 {
		return account{}
	}
	share := new(atomic.Int64)
	runtime.AddCleanup(owner, func(s *atomic.Int64) { b.used.Add(-s.Load()) }, share)
	return account{b: b, share: share}
}

// over publishes used if it drifted and reports whether the cache should shrink: the total is
// over the limit and the cache holds more than the floor.
func (a account) over(used int64) bool {
	if a.b == nil {
		return false
	}
	if d := used - a.share.Load(); d > budgetSlack || d < -budgetSlack {
		a.share.Store(used)
		a.b.used.Add(d)
	}
	return used > budgetFloor && a.b.used.Load() > a.b.limit
}

// BudgetCheck joins a cache kept outside this package (the join's bucket cache, owned by owner)
// to b and returns its check: call it with the cache's size after it grew; true means evict.
func BudgetCheck[T any](b *Budget, owner *T) func(used int64) bool {
	return newAccount(b, owner).over
}
