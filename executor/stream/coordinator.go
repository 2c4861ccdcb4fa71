package stream

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

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

// NewCoordinator starts the barrier loop; interval is the time between periodic barriers.
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
	go c.loop()
	return c
}

// Close stops the barrier loop after the checkpoint in progress, if any.
func (c *Coordinator) Close() {
	close(c.stop)
	<-c.done
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
		}
		if err := c.checkpoint(); err != nil {
			c.log.Error("checkpoint failed", "err", err)
		}
	}
}

// SetInterval changes the time between periodic barriers.
func (c *Coordinator) SetInterval(d time.Duration) { c.interval = d }

// AddJob registers a job's sources and writers; the next barrier reaches it.
func (c *Coordinator) AddJob(j *Job) {
	c.run.Lock()
	defer c.run.Unlock()
	c.jobs[j.ID] = j
}

// RemoveJob sends a stop barrier through the job's sources, waits for its writers to report it, and
// unregisters the job; fn, when not nil, then adds writes (dropping the job's state and catalog
// entry) to the batch of that same epoch, so a drop is atomic.
func (c *Coordinator) RemoveJob(id uint32, fn func(b *storage.Batch) error) error {
	c.run.Lock()
	defer c.run.Unlock()
	j, ok := c.jobs[id]
	if !ok {
		return fmt.Errorf("remove job %d: no such job", id)
	}
	delete(c.jobs, id)
	return c.epochLocked([]*Job{j}, true, fn)
}

// Commit commits an epoch with the writes of fn (catalog changes) together with every job's state,
// and returns once it is durable. Used by DDL.
func (c *Coordinator) Commit(fn func(b *storage.Batch) error) error {
	c.run.Lock()
	defer c.run.Unlock()
	return c.epochLocked(c.jobList(), false, fn)
}

func (c *Coordinator) jobList() []*Job {
	out := make([]*Job, 0, len(c.jobs))
	for _, j := range c.jobs {
		out = append(out, j)
	}
	return out
}

func (c *Coordinator) checkpoint() error {
	c.run.Lock()
	defer c.run.Unlock()
	return c.epochLocked(c.jobList(), false, nil)
}

// epochLocked runs one epoch over jobs: inject, collect, commit. c.run is held.
func (c *Coordinator) epochLocked(jobs []*Job, stop bool, extra func(b *storage.Batch) error) error {
	c.mu.Lock()
	epoch := c.next
	c.next++
	c.mu.Unlock()

	writers := 0
	for _, j := range jobs {
		writers += j.Writers
		for _, src := range j.Sources {
			src <- Message{Barrier: &Barrier{Epoch: epoch, Stop: stop}}
		}
	}
	b := c.store.NewBatch()
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
			if err := b.Append(r.batch); err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	if firstErr == nil && extra != nil {
		firstErr = extra(b)
	}
	if firstErr == nil && !b.Empty() {
		firstErr = c.store.Commit(epoch, b)
	} else {
		b.Close()
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
