package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
	"github.com/cockroachdb/pebble/vfs"
)

// Options configures Open. The zero value is the safe default.
type Options struct {
	// CacheSize is Pebble's block cache in bytes; 0 means 64 MiB. Pebble's
	// memtables (up to 64 MiB) come on top. Operator caches (StateTable) are
	// separate: see StateCacheBytes.
	CacheSize int64
	// StateCacheBytes bounds the operator caches of every StateTable (and
	// whatever else joins StateBudget) together; 0 means each table is
	// bounded only by its own allowance.
	StateCacheBytes int64
	// EpochBytes is how much state written since the last barrier makes
	// EpochFull fire: every written byte is held in memory (in caches and
	// batches) until its epoch commits, so a checkpoint coordinator that
	// starts an epoch early when it fires bounds that memory whatever the
	// write rate. 0 never fires.
	EpochBytes int64
	// NoSync skips the fsync of each Commit. The zero value (sync) is what
	// exactly-once needs across power loss. With NoSync a commit is still
	// atomic, but a crash may lose the last commits that returned: after
	// reopening, CommittedEpoch may be lower than the last Commit that
	// succeeded (never a partial epoch). Tests and benchmarks use it.
	NoSync bool
	// Logger receives Pebble's messages; nil means slog.Default().
	Logger *slog.Logger
}

// ErrLocked is returned (wrapped) by Open when another process holds the
// data directory.
var ErrLocked = errors.New("data directory is locked: another runnel may be running with the same data directory")

// Store is Runnel's Pebble database. All methods are safe for concurrent use.
//
// Invariant: Pebble's visible state is exactly the committed state. Nothing
// reaches Pebble except through Commit, and Pebble publishes a batch only
// after its WAL record is written (and synced unless NoSync), so a read of
// the latest state (Get, NewIter, Snapshot) never sees an uncommitted or
// half-applied epoch.
type Store struct {
	db        *pebble.DB
	lock      *pebble.Lock
	writeOpts *pebble.WriteOptions
	dir       string

	// commitMu serialises Commit so the epoch check and the write of the
	// epoch key cannot interleave between two committers.
	commitMu sync.Mutex
	// committed mirrors the epoch key for lock-free CommittedEpoch.
	committed atomic.Uint64
	closed    atomic.Bool
	budget    *Budget

	// writes is the state written since ResetWrites, reported in steps by
	// the state tables; full gets a token when it passes epochBytes.
	writes     atomic.Int64
	epochBytes int64
	full       chan struct{}
}

// Open opens (creating if needed) the store in dir. Only one process may
// have a directory open at a time; a second Open fails with ErrLocked.
func Open(dir string, opts Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("storage: create data directory %s: %w", dir, err)
	}
	// Taking Pebble's LOCK ourselves, before Open, lets us tell "someone else
	// has this directory" apart from every other open failure.
	lock, err := pebble.LockDirectory(dir, vfs.Default)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w (%v)", dir, ErrLocked, err)
	}
	s, err := open(dir, opts, lock)
	if err != nil {
		_ = lock.Close()
		return nil, err
	}
	return s, nil
}

func open(dir string, opts Options, lock *pebble.Lock) (*Store, error) {
	cacheSize := opts.CacheSize
	if cacheSize <= 0 {
		cacheSize = 64 << 20
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	// Pebble reserves its memtables' memory out of the block cache: with
	// 64 MiB of cache and 64 MiB memtables no block would ever be cached and
	// every read would hit the disk and decompress. Size the cache for the
	// memtables (the active one and one being flushed) on top of CacheSize.
	const memTableSize = 32 << 20
	cache := pebble.NewCache(cacheSize + 2*memTableSize)
	defer cache.Unref() // the DB holds its own reference

	po := &pebble.Options{
		Cache:              cache,
		Lock:               lock,
		Logger:             pebbleLogger{logger.With("component", "pebble")},
		FormatMajorVersion: pebble.FormatNewest,
		// Larger memtables and a roomy L0 favour the write-heavy, per-epoch
		// commit pattern (the defaults, 4 MiB and 12 files, stall writes
		// under sustained streaming load on two cores). Compacting L0 only
		// once 8 files gathered rewrites each byte fewer times: q0 through
		// Kafka over 3M events went from 574k to 691k events/s (compaction
		// was a sixth of the server's CPU); reads stay cheap thanks to the
		// bloom filters.
		MemTableSize:          memTableSize,
		L0CompactionThreshold: 8,
		L0StopWritesThreshold: 1000,
		LBaseMaxBytes:         64 << 20,
		Levels:                make([]pebble.LevelOptions, 7),
	}
	for i := range po.Levels {
		l := &po.Levels[i]
		l.BlockSize = 32 << 10
		// State table lookups of keys that do not exist yet (a new group, a
		// new join key) are common; bloom filters keep them off the disk.
		l.FilterPolicy = bloom.FilterPolicy(10)
		l.FilterType = pebble.TableFilter
		if i > 0 {
			l.TargetFileSize = po.Levels[i-1].TargetFileSize * 2
		}
	}
	po.Levels[0].TargetFileSize = 2 << 20

	db, err := pebble.Open(dir, po)
	if err != nil {
		return nil, fmt.Errorf("storage: open pebble in %s: %w", dir, err)
	}
	s := &Store{db: db, lock: lock, dir: dir, writeOpts: pebble.Sync, budget: NewBudget(opts.StateCacheBytes),
		epochBytes: opts.EpochBytes, full: make(chan struct{}, 1)}
	if opts.NoSync {
		s.writeOpts = pebble.NoSync
	}
	epoch, err := readEpoch(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("storage: open %s: %w", dir, err)
	}
	s.committed.Store(epoch)
	return s, nil
}

// pebbleReader is what *pebble.DB and *pebble.Snapshot have in common.
type pebbleReader interface {
	Get(key []byte) ([]byte, io.Closer, error)
}

func readEpoch(r pebbleReader) (uint64, error) {
	v, ok, err := get(r, appendKey(nil, SystemTable, epochKey))
	if err != nil || !ok {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("storage: corrupt committed epoch record (%d bytes)", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// get returns a copy of the value at the raw Pebble key k.
func get(r pebbleReader, k []byte) ([]byte, bool, error) {
	v, closer, err := r.Get(k)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("storage: get: %w", err)
	}
	out := make([]byte, len(v))
	copy(out, v)
	_ = closer.Close()
	return out, true, nil
}

// Close closes the database and releases the directory lock. Snapshots and
// iterators must be closed first.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return errors.New("storage: store already closed")
	}
	err := s.db.Close()
	if lerr := s.lock.Close(); err == nil && lerr != nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("storage: close %s: %w", s.dir, err)
	}
	return nil
}

// CommittedEpoch is the last epoch a Commit made durable (0 on a new store).
// After a crash it is the last Commit that returned, or the one in flight if
// its WAL record became durable.
func (s *Store) CommittedEpoch() uint64 { return s.committed.Load() }

// Commit atomically applies b and records epoch as committed. Epochs must
// increase strictly. Unless Options.NoSync, the batch is on disk when Commit
// returns. A nil b commits an empty epoch.
//
// Commit consumes b whether or not it succeeds: b must not be used again. A
// failed Commit leaves the process in an unknown state with respect to the
// epoch (a WAL write may or may not have reached disk); the caller should
// stop and recover by reopening, not retry.
func (s *Store) Commit(epoch uint64, b *Batch) error {
	if b == nil {
		b = s.NewBatch()
	}
	if b.pb == nil {
		return fmt.Errorf("storage: commit epoch %d: batch already committed or closed", epoch)
	}
	defer b.release()
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	if prev := s.committed.Load(); epoch <= prev {
		return fmt.Errorf("storage: commit epoch %d: not after committed epoch %d", epoch, prev)
	}
	// The epoch record goes last so it wins over a DropTable/DeleteRange of
	// the system table in the same batch (later batch entries shadow earlier).
	var ev [8]byte
	binary.BigEndian.PutUint64(ev[:], epoch)
	if err := b.pb.Set(appendKey(nil, SystemTable, epochKey), ev[:], nil); err != nil {
		return fmt.Errorf("storage: commit epoch %d: %w", epoch, err)
	}
	if err := s.db.Apply(b.pb, s.writeOpts); err != nil {
		return fmt.Errorf("storage: commit epoch %d: %w", epoch, err)
	}
	s.committed.Store(epoch)
	b.markCommitted()
	return nil
}

// Get returns a copy of the latest committed value of key in table t.
func (s *Store) Get(t TableID, key []byte) ([]byte, bool, error) {
	checkTable(t)
	return get(s.db, appendKey(make([]byte, 0, prefixLen+len(key)), t, key))
}

// tableEmpty reports whether table t has no committed keys (an error counts as not empty).
func (s *Store) tableEmpty(t TableID) bool {
	it := s.NewIter(t, nil, nil)
	has := it.First()
	return it.Close() == nil && !has
}

// NewIter iterates the latest committed keys of table t in [lo, hi). The
// iterator reads a point-in-time view: commits after its creation are not
// visible to it.
func (s *Store) NewIter(t TableID, lo, hi []byte) *Iter {
	lower, upper := tableBounds(t, lo, hi)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	return newIter(it, err, lower, upper)
}

// Metrics exposes Pebble's metrics for monitoring.
func (s *Store) Metrics() *pebble.Metrics { return s.db.Metrics() }

// writeReportBytes is the step in which state tables report their writes.
const writeReportBytes = 64 << 10

func (s *Store) noteWrites(n int64) {
	if w := s.writes.Add(n); s.epochBytes > 0 && w >= s.epochBytes && w-n < s.epochBytes {
		select {
		case s.full <- struct{}{}:
		default:
		}
	}
}

// EpochFull receives a token when the state written since the last ResetWrites passes
// Options.EpochBytes.
func (s *Store) EpochFull() <-chan struct{} { return s.full }

// Overloaded reports whether the state written since the last barrier is twice
// Options.EpochBytes: the epoch before is still committing and the early barrier
// cannot start yet. Sources stop reading until it can, which is what bounds an
// epoch's memory when commits are slower than the operators.
func (s *Store) Overloaded() bool {
	return s.epochBytes > 0 && s.writes.Load() >= 2*s.epochBytes
}

// ResetWrites starts counting an epoch's writes afresh (at a barrier), dropping a pending token.
func (s *Store) ResetWrites() {
	s.writes.Store(0)
	select {
	case <-s.full:
	default:
	}
}

// StateBudget is the budget the operator caches share (Options.StateCacheBytes).
func (s *Store) StateBudget() *Budget { return s.budget }

// TableDiskUsage estimates the on-disk bytes of table t's keys from the sstables that overlap its
// key range, from their indexes, without reading data. Rows still in the memtable are not counted;
// of an sstable that straddles tables, each counts the data blocks that overlap its range.
func (s *Store) TableDiskUsage(t TableID) (uint64, error) {
	lower, upper := tableBounds(t, nil, nil)
	return s.db.EstimateDiskUsage(lower, upper)
}

// DiskUsage is the bytes Pebble uses on disk (sstables, WAL, manifests).
func (s *Store) DiskUsage() uint64 { return s.db.Metrics().DiskSpaceUsage() }

// pebbleLogger adapts slog to Pebble's printf-style logger.
type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...interface{}) {
	p.l.Info(fmt.Sprintf(format, args...))
}

// Fatalf must not return: Pebble calls it on unrecoverable corruption and
// continues as if the process were gone. Pebble's default logger exits too.
func (p pebbleLogger) Fatalf(format string, args ...interface{}) {
	p.l.Error(fmt.Sprintf(format, args...))
	os.Exit(1)
}
