package stream

import (
	"context"
	"sync"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// TableWriter is the entry of a table's change stream: DML statements write chunks into it, and the
// coordinator injects barriers into the same channel, so a barrier injected after a write always
// follows it.
type TableWriter struct {
	Name string
	mu   sync.RWMutex
	ch   chan Message
	// closed is set when the table is dropped.
	closed bool
}

// NewTableWriter returns a writer and the channel its Materialize reads.
func NewTableWriter(name string) (*TableWriter, chan Message) {
	ch := make(chan Message, ChannelSize)
	return &TableWriter{Name: name, ch: ch}, ch
}

// Write enqueues a chunk of changes. It blocks while the table's actors are behind (back-pressure).
func (w *TableWriter) Write(ctx context.Context, c *types.Chunk) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", w.Name)
	}
	select {
	case w.ch <- Message{Chunk: c}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close refuses further writes; the coordinator's stop barrier ends the actors.
func (w *TableWriter) Close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}
