package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Writer produces records to a topic for a sink, at least once: records are retried until the
// broker acknowledges them, and Flush (called at each checkpoint) waits for that.
type Writer struct {
	cl      *kgo.Client
	ctx     context.Context
	cancel  context.CancelFunc
	promise func(*kgo.Record, error)

	mu  sync.Mutex
	err error // first produce error since the last Flush
}

// NewWriter connects a producer for o.Topic. Like NewReader it does not wait for the broker.
func NewWriter(ctx context.Context, o *Options, log *slog.Logger) (*Writer, error) {
	opts, err := clientOpts(o, log)
	if err != nil {
		return nil, err
	}
	opts = append(opts,
		kgo.DefaultProduceTopic(o.Topic),
		// Like librdkafka's producer: ask the broker to create a missing topic (the broker decides).
		kgo.AllowAutoTopicCreation(),
		kgo.ProducerLinger(time.Duration(o.LingerMillis)*time.Millisecond),
		kgo.ProducerBatchCompression(codec(o.Compression)),
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka writer for topic %q: %w", o.Topic, err)
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w := &Writer{cl: cl, ctx: wctx, cancel: cancel}
	w.promise = func(_ *kgo.Record, err error) {
		if err != nil {
			w.mu.Lock()
			if w.err == nil {
				w.err = fmt.Errorf("producing to topic %q: %w", o.Topic, err)
			}
			w.mu.Unlock()
		}
	}
	return w, nil
}

func codec(name string) kgo.CompressionCodec {
	switch name {
	case "gzip":
		return kgo.GzipCompression()
	case "snappy":
		return kgo.SnappyCompression()
	case "lz4":
		return kgo.Lz4Compression()
	case "zstd":
		return kgo.ZstdCompression()
	}
	return kgo.NoCompression()
}

// Produce queues one record; a nil value is a tombstone. key and value are copied, so the caller
// may reuse its buffers. It blocks only when the producer's buffer is full (back-pressure).
func (w *Writer) Produce(key, value []byte) {
	// One allocation for both, since the record outlives the caller's buffers.
	b := make([]byte, len(key)+len(value))
	copy(b, key)
	copy(b[len(key):], value)
	rec := &kgo.Record{}
	if key != nil {
		rec.Key = b[:len(key):len(key)]
	}
	if value != nil {
		rec.Value = b[len(key):]
	}
	w.cl.Produce(w.ctx, rec, w.promise)
}

// Flush waits until every record produced so far is acknowledged (or ctx is done) and returns the
// first produce error since the last Flush.
func (w *Writer) Flush(ctx context.Context) error {
	if err := w.cl.Flush(ctx); err != nil {
		return fmt.Errorf("flushing kafka writer: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.err
	w.err = nil
	return err
}

// Close abandons unacknowledged records and releases the connections.
func (w *Writer) Close() {
	w.cancel()
	w.cl.Close()
}
