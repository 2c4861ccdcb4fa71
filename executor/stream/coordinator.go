package stream

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/storage"
)

// Coordinator injects barriers into every source, collects the state each writer flushed for the
// epoch, and commits the epoch: all state changes, source offsets and pending catalog changes in one
// Pebble batch. Only one epoch is in flight at a time, which keeps recovery simple: the store holds
// exactly the state of its last committed epoch.
type Coordinator struct {
	store    *storage.Store
	log      *slog.Logger
	interval time.Duration

	// run is held for a whole checkpoint or system commit, and while jobs are added or removed, so
	// that these never interleave.
	run  sync.Mutex
	jobs map[uint32]*Job

	mu        sync.Mutex // guards next, committed, failed
	next      uint64     // epoch of the next barrier
	committed uint64
	err       error // the last commit error, reported to waiters
	changed   *sync.Cond

	collect chan collected
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	started atomic.Bool
}

// Job is a set of actors that is added and removed as one: a table's writer, a view's operators.
type Job struct {
	ID uint32
	// Sources are the channels barriers are injected into.
	Sources []chan<- Message
	// Writers is the number of actors that report (Collect) once per epoch.
	Writers int
}

type collected struct {
	epoch uint64
	batch *storage.Batch
	err   error
}

// NewCoordinator returns a coordinator; interval is the time between periodic barriers. Start it
// once the jobs are registered.
func NewCoordinator(store *storage.Store, interval time.Duration, log *slog.Logger) *Coordinator {
	c := &Coordinator{
		store:     store,
		log:       log,
		interval:  interval,
		jobs:      map[uint32]*Job{},
		next:      store.CommittedEpoch() + 1,
		committed: store.CommittedEpoch(),
		collect:   make(chan collected, 1024),
		kick:      make(chan struct{}, 1),
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
	}
	c.changed = sync.NewCond(&c.mu)
	metrics.CommittedEpoch.Set(float64(c.committed))
	return c
}

// Start starts the barrier loop. Recovery registers every job first, so that no barrier runs
// before the whole graph is connected.
func (c *Coordinator) Start() {
	c.started.Store(true)
	go c.loop()
}

// Close stops the barrier loop after the checkpoint in progress, if any.
func (c *Coordinator) Close() {
	close(c.stop)
	if c.started.Load() {
		<-c.done
	}
}

func (c *Coordinator) loop() {
	defer close(c.done)
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		case <-c.kick:
		case <-c.store.EpochFull():
			// So much state was written since the last barrier that holding it until the next
			// tick would cost more memory than the configuration allows: checkpoint now.
			metrics.EarlyBarriers.Inc()
		}
		if err := c.checkpoint(); err != nil {
			c.log.Error("checkpoint failed", "err", err)
		}
	}
}

// SetInterval changes the time between periodic barriers.
func (c *Coordinator) SetInterval(d time.Duration) { c.interval = d }

// AddJob registers a job's sources and writers; the next barrier reaches it. Used for jobs that
// need no epoch boundary of their own: a new table, and every job at recovery.
func (c *Coordinator) AddJob(j *Job) {
	c.run.Lock()
	defer c.run.Unlock()
	c.jobs[j.ID] = j
}

// RemoveJob stops job id at the next barrier and adds fn's writes (dropping the job's state and
// catalog entry) to that same epoch, so a drop is atomic. remove lists subscriber channels of the
// job that its upstream relations stop feeding at that barrier.
func (c *Coordinator) RemoveJob(id uint32, remove []chan<- Message, fn func(b *storage.Batch) error) error {
	m := &Mutation{Stop: map[uint32]bool{id: true}, Remove: map[chan<- Message]bool{}}
	for _, ch := range remove {
		m.Remove[ch] = true
	}
	return c.Apply(m, fn, nil)
}

// StopAll runs a last epoch that stops every job, so that no actor touches the store after it is
// closed. It gives up after timeout (an actor stuck on an unreachable sink target) and reports it.
func (c *Coordinator) StopAll(timeout time.Duration) error {
	done := make(chan error, 1)
	go func() {
		c.run.Lock()
		m := &Mutation{Stop: map[uint32]bool{}}
		for id := range c.jobs {
			m.Stop[id] = true
		}
		c.run.Unlock()
		done <- c.Apply(m, nil, nil)
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return fmt.Errorf("stopping streaming jobs: not done after %v", timeout)
	}
}

// Commit commits an epoch with the writes of fn (catalog changes) together with every job's state,
// and returns once it is durable. Used by DDL.
func (c *Coordinator) Commit(fn func(b *storage.Batch) error) error {
	return c.Apply(nil, fn, nil)
}

// Apply runs one epoch now: its barrier carries m to every job, fn adds writes to its batch, and
// once it is committed the jobs m stops are unregistered and add, when not nil, is registered (its
// actors may start then: the next barrier will expect them).
func (c *Coordinator) Apply(m *Mutation, fn func(b *storage.Batch) error, add *Job) error {
	c.run.Lock()
	defer c.run.Unlock()
	err := c.epochLocked(m, fn)
	if m != nil {
		for id := range m.Stop {
			delete(c.jobs, id)
		}
	}
	if err == nil && add != nil {
		c.jobs[add.ID] = add
	}
	return err
}

func (c *Coordinator) checkpoint() error {
	c.run.Lock()
	defer c.run.Unlock()
	return c.epochLocked(nil, nil)
}

// epochLocked runs one epoch over every job: inject, collect, commit. c.run is held.
func (c *Coordinator) epochLocked(m *Mutation, extra func(b *storage.Batch) error) error {
	c.mu.Lock()
	epoch := c.next
	c.next++
	c.mu.Unlock()

	start := time.Now()
	metrics.BarriersInFlight.Inc()
	defer metrics.BarriersInFlight.Dec()
	writers := 0
	barrier := &Barrier{Epoch: epoch, Mutation: m}
	c.store.ResetWrites()
	for _, j := range c.jobs {
		writers += j.Writers
		for _, src := range j.Sources {
			src <- Message{Barrier: barrier}
		}
	}
	// The first writer's batch becomes the epoch's batch and the others are appended to it: one
	// copy fewer of the epoch's writes (with one busy writer, nearly all of them).
	var b *storage.Batch
	var firstErr error
	for writers > 0 {
		r := <-c.collect
		if r.epoch != epoch {
			// A report from an epoch that failed earlier; its batch was abandoned with it.
			if r.batch != nil {
				r.batch.Close()
			}
			continue
		}
		writers--
		if r.err != nil && firstErr == nil {
			firstErr = r.err
		}
		if r.batch != nil {
			if b == nil {
				b = r.batch
			} else if err := b.Append(r.batch); err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	if b == nil {
		b = c.store.NewBatch()
	}
	if firstErr == nil && extra != nil {
		firstErr = extra(b)
	}
	if firstErr == nil && !b.Empty() {
		size := b.Size()
		if firstErr = c.store.Commit(epoch, b); firstErr == nil {
			metrics.EpochCommitBytes.Observe(float64(size))
		}
	} else {
		b.Close()
	}
	if firstErr == nil {
		// Before waking Flush waiters: a FLUSH followed by a scrape sees this epoch's freshness.
		metrics.BarrierLatency.Observe(time.Since(start).Seconds())
		metrics.CommittedEpoch.Set(float64(epoch))
		metrics.EpochCommitted(epoch)
	} else {
		metrics.EpochFailures.Inc()
	}
	c.mu.Lock()
	if firstErr == nil {
		c.committed = epoch
		c.err = nil
	} else {
		c.err = fmt.Errorf("epoch %d: %w", epoch, firstErr)
	}
	c.changed.Broadcast()
	c.mu.Unlock()
	if firstErr != nil {
		return fmt.Errorf("epoch %d: %w", epoch, firstErr)
	}
	return nil
}

// Collect is how a writer actor hands over its flushed state for an epoch.
func (c *Coordinator) Collect(epoch uint64, b *storage.Batch, err error) {
	c.collect <- collected{epoch: epoch, batch: b, err: err}
}

// Flush returns once every change enqueued before the call is committed: it waits for the commit of
// an epoch whose barrier is injected after the call.
func (c *Coordinator) Flush(ctx context.Context) error {
	c.mu.Lock()
	target := c.next
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
	stopWake := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.changed.Broadcast()
		c.mu.Unlock()
	})
	defer stopWake()
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.committed < target {
		if err := ctx.Err(); err != nil {
			return err
		}
		if c.err != nil && c.next > target {
			return c.err
		}
		c.changed.Wait()
		if c.committed < target {
			select {
			case c.kick <- struct{}{}:
			default:
			}
		}
	}
	return nil
}

// CommittedEpoch returns the last committed epoch.
func (c *Coordinator) CommittedEpoch() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.committed
}
