// Package engine is the database: it owns the store, the catalog and the running streaming jobs, and
// opens a Session per client connection (it implements pgwire.Backend).
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/catalog"
	"github.com/runnel-db/runnel/executor/stream"
	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/pgwire"
	"github.com/runnel-db/runnel/storage"
)

// Config is the engine's configuration; zero values mean defaults.
type Config struct {
	DataDir         string        // Pebble directory; required
	CacheSize       int64         // bytes of operator/block cache; default 256 MiB
	BarrierInterval time.Duration // default 1s
	// Parallelism is the number of instances of each partitioned fragment of a view; default: the
	// number of cores.
	Parallelism int
	Logger      *slog.Logger
}

// Engine is an open database.
type Engine struct {
	cfg   Config
	log   *slog.Logger
	store *storage.Store
	cat   *catalog.Catalog
	coord *stream.Coordinator
	start time.Time

	// ddl serialises statements that change the catalog.
	ddl sync.Mutex
	// version counts catalog changes, so prepared statements know to re-plan.
	version atomic.Uint64

	mu      sync.Mutex
	writers map[uint32]*stream.TableWriter
	rowIDs  map[uint32]*rowIDGen
	views   map[uint32]*view
	// pendingSubs holds, during recovery, the subscription channels of views built before the
	// relations they read.
	pendingSubs map[uint32][]chan<- stream.Message

	nextPID atomic.Int32
	srcErrs sourceErrors

	// stopSampling ends sampleStateSizes, which must stop before the store closes.
	stopSampling, samplingDone chan struct{}
	stopOnce                   sync.Once
}

// tableCacheBytes is what one state table's cache may hold when the others leave it room: enough
// for a view that has the server to itself to use most of the shared budget.
func (e *Engine) tableCacheBytes() int64 { return e.cfg.CacheSize / 4 }

// Open opens (or creates) the database in cfg.DataDir and restarts every table's and view's
// streaming job from the last committed epoch.
func Open(cfg Config) (*Engine, error) {
	if cfg.DataDir == "" {
		return nil, fmt.Errorf("open engine: no data directory")
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 256 << 20
	}
	if cfg.BarrierInterval <= 0 {
		cfg.BarrierInterval = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Parallelism <= 0 {
		cfg.Parallelism = runtime.GOMAXPROCS(0)
	}
	// --cache-size is every cache together: a quarter is Pebble's block cache, the rest is shared
	// by the operators' state caches, whatever the number of views (storage.Budget).
	store, err := storage.Open(cfg.DataDir, storage.Options{
		CacheSize: cfg.CacheSize / 4, StateCacheBytes: cfg.CacheSize - cfg.CacheSize/4,
		// An epoch's writes sit in memory (dirty cache entries, the actors' batches, the epoch's
		// batch) until it commits: a checkpoint starts early once they reach this.
		EpochBytes: cfg.CacheSize / 16,
		Logger:     cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("open engine: %w", err)
	}
	cat, err := catalog.Load(store)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("open engine: %w", err)
	}
	e := &Engine{
		cfg: cfg, log: cfg.Logger, store: store, cat: cat, start: time.Now(),
		writers:     map[uint32]*stream.TableWriter{},
		rowIDs:      map[uint32]*rowIDGen{},
		views:       map[uint32]*view{},
		pendingSubs: map[uint32][]chan<- stream.Message{},
	}
	e.nextPID.Store(1000)
	catalog.SetSettingsFunc(settingRows)
	catalog.SetSourceErrorsFunc(e.sourceErrorRows)
	e.coord = stream.NewCoordinator(store, cfg.BarrierInterval, cfg.Logger)
	if err := e.recover(); err != nil {
		e.coord.Close()
		store.Close()
		return nil, fmt.Errorf("open engine: %w", err)
	}
	e.coord.Start()
	metrics.SetStore(store.Metrics)
	e.stopSampling, e.samplingDone = make(chan struct{}), make(chan struct{})
	go e.sampleStateSizes(e.stopSampling, e.samplingDone)
	e.log.Info("engine open", "data_dir", cfg.DataDir, "epoch", store.CommittedEpoch(), "relations", len(cat.List())-len(cat.List(catalog.System)))
	return e, nil
}

// Close stops the streaming jobs and closes the store. Everything committed stays committed;
// anything not yet committed is lost, exactly as after a crash.
func (e *Engine) Close() error {
	e.stopOnce.Do(func() {
		close(e.stopSampling)
		<-e.samplingDone
		metrics.SetStore(nil)
	})
	e.coord.Close()
	// A last epoch stops every job, committing what they have, so no actor is left reading a
	// closed store.
	if err := e.coord.StopAll(10 * time.Second); err != nil {
		e.log.Warn("some streaming jobs did not stop; closing anyway", "err", err)
		return errors.Join(err, e.store.Close())
	}
	return e.store.Close()
}

// NewSession implements pgwire.Backend.
func (e *Engine) NewSession(ctx context.Context, s pgwire.Startup, c pgwire.Client) (pgwire.Session, error) {
	db := s.Database
	if db == "" {
		db = catalog.Database
	}
	if db != catalog.Database {
		return nil, pgerr.New(pgerr.InvalidCatalogName, "database %q does not exist", db)
	}
	return newSession(e, s, c), nil
}

// Flush waits until every change made so far is committed.
func (e *Engine) Flush(ctx context.Context) error { return e.coord.Flush(ctx) }

// Store returns the engine's store (for metrics).
func (e *Engine) Store() *storage.Store { return e.store }

// rowIDGen hands out the hidden keys of rows of tables without a primary key: unique and
// increasing across restarts because they start from the wall clock in microseconds.
type rowIDGen struct {
	mu   sync.Mutex
	last int64
}

func (g *rowIDGen) next() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now().UnixMicro() << 8
	if now <= g.last {
		now = g.last + 1
	}
	g.last = now
	return now
}

// startTable starts the writer job of a table: its DML channel feeds a Materialize actor, whose
// fan-out feeds the views that read the table.
func (e *Engine) startTable(r *catalog.Relation) {
	w, ch := stream.NewTableWriter(r.Name)
	out := stream.NewFanout(r.ID, len(r.Columns), e.takeSubscribers(r.ID)...)
	m := &stream.Materialize{
		JobID: r.ID, Table: storage.TableID(r.ID), Types: r.Types(), PK: r.PK, In: ch, Out: out,
		Coord: e.coord, Store: e.store, Log: e.log, CacheBytes: e.tableCacheBytes(),
		Metrics: metrics.ForView(r.Name),
	}
	go m.Run()
	e.mu.Lock()
	e.writers[r.ID] = w
	e.rowIDs[r.ID] = &rowIDGen{}
	e.mu.Unlock()
	e.coord.AddJob(&stream.Job{ID: r.ID, Sources: []chan<- stream.Message{ch}, Writers: 1})
}

func (e *Engine) writer(id uint32) (*stream.TableWriter, *rowIDGen) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.writers[id], e.rowIDs[id]
}
