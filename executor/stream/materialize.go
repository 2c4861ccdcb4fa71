package stream

import (
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/runnel-db/runnel/codec"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// Materialize keeps a relation's rows in its storage table, keyed by the stream key, and passes the
// effective changes on. It is the writer of a table (fed by DML) and the last operator of a
// materialized view. An insert on an existing key replaces the row (PostgreSQL's upsert semantics of
// RisingWave tables with a primary key) and is passed on as an update; a delete of an absent key is
// dropped, so downstream operators only ever see consistent changes.
type Materialize struct {
	Table storage.TableID
	Types []types.Type
	PK    []int
	In    <-chan Message
	// Out receives the effective changes and the barriers; nil when nothing reads this relation.
	Out   chan<- Message
	Coord *Coordinator
	Store *storage.Store
	Log   *slog.Logger
	// CacheBytes bounds the state table's cache.
	CacheBytes int64

	st     *storage.StateTable
	key    []byte
	val    []byte
	row    types.Row
	old    types.Row
	outBuf *types.Chunk
}

// Run processes messages until a stop barrier or the input closes. A panic or a state error fails
// the actor: it logs, then keeps answering barriers (without state) so the rest of the engine goes
// on, and reports the error in each epoch so waiters see it.
func (m *Materialize) Run() {
	m.st = storage.NewStateTable(m.Store, m.Table, m.CacheBytes)
	var failed error
	for msg := range m.In {
		if msg.Barrier != nil {
			m.barrier(msg.Barrier, failed)
			if msg.Barrier.Stop {
				if m.Out != nil {
					close(m.Out)
				}
				return
			}
			continue
		}
		if failed != nil {
			continue
		}
		failed = m.safeApply(msg.Chunk)
		if failed != nil {
			m.Log.Error("materialize failed; its relation stops changing", "table", m.Table, "err", failed)
		}
	}
	if m.Out != nil {
		close(m.Out)
	}
}

func (m *Materialize) safeApply(c *types.Chunk) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return m.apply(c)
}

func (m *Materialize) barrier(b *Barrier, failed error) {
	if failed != nil {
		m.Coord.Collect(b.Epoch, nil, failed)
	} else {
		batch := m.Store.NewBatch()
		m.st.Flush(batch)
		m.Coord.Collect(b.Epoch, batch, nil)
	}
	if m.Out != nil {
		if m.outBuf != nil && m.outBuf.Len() > 0 {
			m.Out <- Message{Chunk: m.outBuf}
			m.outBuf = nil
		}
		m.Out <- Message{Barrier: b}
	}
}

func (m *Materialize) emit(op types.Op, r types.Row) {
	if m.Out == nil {
		return
	}
	if m.outBuf == nil {
		m.outBuf = types.NewChunk(len(m.Types), types.MaxChunkRows)
	}
	m.outBuf.Append(op, r)
	if m.outBuf.Len() >= types.MaxChunkRows {
		m.Out <- Message{Chunk: m.outBuf}
		m.outBuf = nil
	}
}

func (m *Materialize) apply(c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		m.row = c.Row(i, m.row)
		m.key = m.key[:0]
		for _, k := range m.PK {
			m.key = codec.AppendKey(m.key, m.row[k], false)
		}
		oldVal, exists, err := m.st.Get(m.key)
		if err != nil {
			return fmt.Errorf("read state: %w", err)
		}
		if exists && m.Out != nil {
			if m.old, err = codec.DecodeRow(oldVal, m.Types, m.old); err != nil {
				return fmt.Errorf("decode row: %w", err)
			}
		}
		if c.Op(i).IsInsert() {
			m.val = codec.AppendRow(m.val[:0], m.row)
			m.st.Put(m.key, m.val)
			if exists {
				m.emit(types.UpdateDelete, m.old)
				m.emit(types.UpdateInsert, m.row)
			} else {
				m.emit(types.Insert, m.row)
			}
			continue
		}
		if exists {
			m.st.Delete(m.key)
			m.emit(types.Delete, m.old)
		}
	}
	return nil
}
