package stream

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// materializer keeps a relation's rows in its storage table, keyed by the stream key, and passes the
// effective changes to the relation's subscribers. An insert on an existing key replaces the row
// (RisingWave's tables with a primary key overwrite) and goes out as an update; a delete of an
// absent key is dropped, so subscribers only ever see consistent changes.
type materializer struct {
	st    *storage.StateTable
	types []types.Type
	pk    []int
	out   *Fanout
	key   []byte
	val   []byte
	row   types.Row
	old   types.Row
	view  *metrics.View // counts the changes emitted; may be nil
	// next and nextKey hold the second half of an update pair.
	next    types.Row
	nextKey []byte
	// emitted counts the changes of the chunk being applied.
	emitted int
	// insertOnly is set for a view whose input only inserts rows with keys of their own (sources
	// keyed by partition and offset): nothing is ever replaced or deleted, so rows are written
	// without first reading what the key holds, which would always be a miss.
	insertOnly bool
}

func newMaterializer(store *storage.Store, table storage.TableID, ts []types.Type, pk []int, out *Fanout, cacheBytes int64) *materializer {
	return &materializer{st: storage.NewStateTable(store, table, cacheBytes), types: ts, pk: pk, out: out}
}

func (m *materializer) apply(c *types.Chunk) error {
	m.emitted = 0
	defer func() { m.view.Out(m.emitted) }()
	for i := 0; i < c.Len(); i++ {
		m.row = c.Row(i, m.row)
		m.key = m.appendKey(m.key[:0], m.row)
		op := c.Op(i)
		// An update that keeps its key stays one update for the subscribers (an upsert sink must
		// not see the key vanish in between); one that moves the key is a delete and an insert.
		if op == types.UpdateDelete && i+1 < c.Len() && c.Op(i+1) == types.UpdateInsert {
			m.next = c.Row(i+1, m.next)
			m.nextKey = m.appendKey(m.nextKey[:0], m.next)
			if string(m.key) == string(m.nextKey) {
				i++
				m.row, m.next = m.next, m.row
				if err := m.upsert(); err != nil {
					return err
				}
				continue
			}
		}
		if m.insertOnly && op == types.Insert {
			m.val = codec.AppendRow(m.val[:0], m.row)
			m.st.PutBlind(m.key, m.val)
			m.out.Emit(types.Insert, m.row)
			m.emitted++
			continue
		}
		var err error
		if op.IsInsert() {
			err = m.upsert()
		} else {
			err = m.delete()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (m *materializer) appendKey(buf []byte, r types.Row) []byte {
	for _, k := range m.pk {
		buf = codec.AppendKey(buf, r[k], false)
	}
	return buf
}

// stored reads the row stored under m.key into m.old.
func (m *materializer) stored() (bool, error) {
	v, exists, err := m.st.Get(m.key)
	if err != nil {
		return false, fmt.Errorf("read state: %w", err)
	}
	if exists {
		if m.old, err = codec.DecodeRow(v, m.types, m.old); err != nil {
			return false, fmt.Errorf("decode row: %w", err)
		}
	}
	return exists, nil
}

// upsert stores m.row under m.key: an insert, or an update of the row already there.
func (m *materializer) upsert() error {
	exists, err := m.stored()
	if err != nil {
		return err
	}
	m.val = codec.AppendRow(m.val[:0], m.row)
	m.st.Put(m.key, m.val)
	if exists {
		m.out.Emit(types.UpdateDelete, m.old)
		m.out.Emit(types.UpdateInsert, m.row)
		m.emitted += 2
	} else {
		m.out.Emit(types.Insert, m.row)
		m.emitted++
	}
	return nil
}

// delete removes the row under m.key, if there is one.
func (m *materializer) delete() error {
	exists, err := m.stored()
	if err != nil || !exists {
		return err
	}
	m.st.Delete(m.key)
	m.out.Emit(types.Delete, m.old)
	m.emitted++
	return nil
}

func (m *materializer) flush(b *storage.Batch) { m.st.Flush(b) }

// Materialize is the actor of a table: its DML channel (with barriers injected into the same
// channel) feeds a materializer.
type Materialize struct {
	JobID uint32
	Table storage.TableID
	Types []types.Type
	PK    []int
	In    <-chan Message
	// Out sends the table's effective changes to the views that read it.
	Out   *Fanout
	Coord *Coordinator
	Store *storage.Store
	Log   *slog.Logger
	// CacheBytes bounds the state table's cache.
	CacheBytes int64
	// Metrics, when set, counts the table's changes and stages their arrival times for freshness,
	// unless FromSource: then the SourceReader feeding the table stages the records' own times.
	Metrics    *metrics.View
	FromSource bool
}

// Run processes messages until a barrier stops the job. A panic or a state error fails the actor:
// it logs, then keeps answering barriers, reporting the error so that waiters see it.
func (m *Materialize) Run() {
	if m.Out == nil {
		m.Out = NewFanout(uint32(m.Table), len(m.Types))
	}
	mat := newMaterializer(m.Store, m.Table, m.Types, m.PK, m.Out, m.CacheBytes)
	mat.view = m.Metrics
	var failed error
	var arrived int64 // when the epoch's last chunk arrived
	for msg := range m.In {
		if b := msg.Barrier; b != nil {
			m.Metrics.Stage(b.Epoch, arrived)
			arrived = 0
			if failed != nil {
				m.Coord.Collect(b.Epoch, nil, failed)
			} else {
				batch := m.Store.NewBatch()
				mat.flush(batch)
				putWrites(batch, msg.Writes)
				m.Coord.Collect(b.Epoch, batch, nil)
			}
			m.Out.Barrier(b)
			if b.Stops(m.JobID) {
				m.Out.Close()
				return
			}
			continue
		}
		if failed != nil {
			continue
		}
		if m.Metrics != nil {
			m.Metrics.In(msg.Chunk.Len())
			if !m.FromSource {
				arrived = time.Now().UnixNano()
			}
		}
		if failed = safely(func() error { return mat.apply(msg.Chunk) }); failed != nil {
			m.Log.Error("table writer failed; the table stops changing", "table", m.Table, "err", failed)
		}
	}
}

// safely runs fn, turning a panic into an error with its stack.
func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return fn()
}

// MaterializeOp is the last operator of a view: it keeps the view's rows and feeds its subscribers.
type MaterializeOp struct {
	m *materializer
}

// NewMaterializeOp returns the materialize operator of a view stored in table.
func NewMaterializeOp(env *Env, table storage.TableID, ts []types.Type, pk []int, out *Fanout) *MaterializeOp {
	return &MaterializeOp{m: newMaterializer(env.Store, table, ts, pk, out, env.CacheBytes)}
}

func (o *MaterializeOp) Push(_ int, c *types.Chunk) error { return o.m.apply(c) }

func (o *MaterializeOp) Flush(_ uint64, b *storage.Batch) error {
	o.m.flush(b)
	return nil
}
