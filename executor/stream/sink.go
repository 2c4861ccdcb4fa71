package stream

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/runnel-db/runnel/metrics"
	"github.com/runnel-db/runnel/storage"
	"github.com/runnel-db/runnel/types"
)

// SinkWriter delivers a sink's changes to an external system (a Kafka topic).
type SinkWriter interface {
	// Write queues one change; Flush makes every queued change durable there.
	Write(op types.Op, r types.Row) error
	Flush(ctx context.Context) error
	Close()
}

// SinkOp is the last operator of a sink: it writes every change of the epoch and, at the barrier,
// waits until the external system has them all before the epoch may commit. A crash after the
// write and before the commit writes those changes again after recovery: at least once.
type SinkOp struct {
	W    SinkWriter
	Name string
	Log  *slog.Logger
	// Stopped, when closed, ends a Flush that is retrying (the sink is being dropped).
	Stopped <-chan struct{}
	// Metrics, when set, counts the changes handed to the writer.
	Metrics *metrics.View
}

func (s *SinkOp) Push(_ int, c *types.Chunk) error {
	var row types.Row
	for i := 0; i < c.Len(); i++ {
		row = c.Row(i, row)
		if err := s.W.Write(c.Op(i), row); err != nil {
			return fmt.Errorf("sink %s: %w", s.Name, err)
		}
	}
	s.Metrics.Out(c.Len())
	return nil
}

// Flush retries until the writes are acknowledged: committing the epoch without them would lose
// them, so an unreachable target stalls the epoch rather than dropping data.
func (s *SinkOp) Flush(uint64, *storage.Batch) error {
	backoff := 100 * time.Millisecond
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := s.W.Flush(ctx)
		cancel()
		if err == nil {
			return nil
		}
		s.Log.Warn("sink flush failed; retrying", "sink", s.Name, "err", err, "in", backoff)
		select {
		case <-time.After(backoff):
		case <-s.Stopped:
			return fmt.Errorf("sink %s: stopped while flushing: %w", s.Name, err)
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// Close closes the sink's writer (the sink was dropped).
func (s *SinkOp) Close() { s.W.Close() }
