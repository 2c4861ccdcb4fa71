package stream

import (
	"fmt"
	"log/slog"

	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Input is one channel an actor reads, with where its chunks go. An input with no Entry carries
// only barriers (the job's own barrier channel).
type Input struct {
	Ch    <-chan Message
	Entry Output
}

// Actor runs a view's operator graph on one goroutine. It aligns barriers: once an input has
// delivered the barrier of epoch E, it reads nothing more from that input until every input has
// delivered E; then every operator flushes its epoch, in order, and the actor reports the batch.
type Actor struct {
	JobID  uint32
	Name   string
	Inputs []Input
	Ops    []Operator
	// Out passes barriers on: the view's fan-out to the views that read it, or the dispatcher to
	// the next fragment's instances.
	Out   BarrierSink
	Coord *Coordinator
	Store *storage.Store
	Log   *slog.Logger
	// Backfill, when not nil, runs first: it pushes the current contents of the inputs into the
	// graph. Its writes are committed with the first epoch the view completes.
	Backfill func() error
	// ReadyKey, when set, is written in the system table with the actor's first epoch: the view's
	// last actor marks that the backfill of all of them committed, so a view whose backfill never
	// committed backfills again at recovery.
	ReadyKey []byte
}

// BarrierSink receives an actor's barriers after it has collected its epoch.
type BarrierSink interface {
	Barrier(b *Barrier)
	Close()
}

type delivery struct {
	input int
	msg   Message
	ok    bool
}

// Run runs the actor until a barrier stops its job or its inputs close.
func (a *Actor) Run() {
	var failed error
	pendingReady := a.ReadyKey != nil
	if a.Backfill != nil {
		if failed = safely(a.Backfill); failed != nil {
			a.Log.Error("view backfill failed; the view stops changing", "view", a.Name, "err", failed)
		}
	}
	merged := make(chan delivery)
	resume := make([]chan struct{}, len(a.Inputs))
	quit := make(chan struct{})
	defer close(quit)
	for i, in := range a.Inputs {
		resume[i] = make(chan struct{})
		go forward(i, in.Ch, merged, resume[i], quit)
	}
	arrived := 0
	var barrier *Barrier
	var writes []KV
	for d := range merged {
		if !d.ok {
			a.Log.Warn("view input closed; the view stops", "view", a.Name)
			return
		}
		if d.msg.Barrier == nil {
			if failed == nil {
				entry := a.Inputs[d.input].Entry
				failed = safely(func() error { return entry.Emit(d.msg.Chunk) })
				if failed != nil {
					a.Log.Error("view failed; it stops changing", "view", a.Name, "err", failed)
				}
			}
			continue
		}
		barrier = d.msg.Barrier
		writes = append(writes, d.msg.Writes...)
		arrived++
		if arrived < len(a.Inputs) {
			continue
		}
		arrived = 0
		if failed != nil {
			a.Coord.Collect(barrier.Epoch, nil, nil)
		} else {
			batch := a.Store.NewBatch()
			failed = safely(func() error {
				for _, op := range a.Ops {
					if err := op.Flush(barrier.Epoch, batch); err != nil {
						return err
					}
				}
				return nil
			})
			if failed != nil {
				// The view's state for this epoch is inconsistent: commit none of it.
				a.Log.Error("view failed; it stops changing", "view", a.Name, "err", failed)
				batch.Close()
				a.Coord.Collect(barrier.Epoch, nil, nil)
			} else {
				if pendingReady {
					batch.Put(storage.SystemTable, a.ReadyKey, []byte{1})
					pendingReady = false
				}
				putWrites(batch, writes)
				a.Coord.Collect(barrier.Epoch, batch, nil)
			}
		}
		writes = writes[:0]
		if a.Out != nil {
			a.Out.Barrier(barrier)
		}
		if barrier.Stops(a.JobID) {
			if a.Out != nil {
				a.Out.Close()
			}
			for _, op := range a.Ops {
				if c, ok := op.(interface{ Close() }); ok && any(op) != any(a.Out) {
					c.Close() // a sink's connection to its target (Out was closed above)
				}
			}
			return
		}
		for _, r := range resume {
			r <- struct{}{}
		}
	}
}

// forward moves messages of one input to the actor, pausing after each barrier until resumed.
func forward(i int, ch <-chan Message, merged chan<- delivery, resume <-chan struct{}, quit <-chan struct{}) {
	for {
		var m Message
		var ok bool
		select {
		case m, ok = <-ch:
		case <-quit:
			return
		}
		select {
		case merged <- delivery{input: i, msg: m, ok: ok}:
		case <-quit:
			return
		}
		if !ok {
			return
		}
		if m.Barrier != nil {
			select {
			case <-resume:
			case <-quit:
				return
			}
		}
	}
}

// Scanner reads a relation's current rows for a backfill.
type Scanner func(emit func(c *types.Chunk) error) error

// BackfillFrom returns a backfill that pushes every input's current rows, as Inserts, into its entry.
func BackfillFrom(inputs []GraphInput, scan func(in GraphInput, emit func(c *types.Chunk) error) error) func() error {
	return func() error {
		for _, in := range inputs {
			entry := in.Entry
			if err := scan(in, entry.Emit); err != nil {
				return fmt.Errorf("backfill from %s: %w", in.Rel.Name, err)
			}
		}
		return nil
	}
}

// putWrites adds barrier-carried system writes to an epoch's batch.
func putWrites(b *storage.Batch, ws []KV) {
	for _, w := range ws {
		if w.Value == nil {
			b.Delete(storage.SystemTable, w.Key)
		} else {
			b.Put(storage.SystemTable, w.Key, w.Value)
		}
	}
}
