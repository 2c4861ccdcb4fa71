package kafka

import (
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// health remembers the last connection or fetch error for the source status relation and logs
// errors at a bounded rate: a broker that is down for an hour must not write a line per retry.
type health struct {
	log   *slog.Logger
	topic string
	every time.Duration

	mu         sync.Mutex
	last       error
	lastLogged time.Time
	suppressed int
}

func newHealth(log *slog.Logger, topic string) *health {
	return &health{log: log, topic: topic, every: 10 * time.Second}
}

func (h *health) fail(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = err
	now := time.Now()
	if now.Sub(h.lastLogged) < h.every {
		h.suppressed++
		return
	}
	if h.log != nil {
		h.log.Warn("kafka: cannot read topic; retrying", "topic", h.topic, "err", err, "suppressed", h.suppressed)
	}
	h.lastLogged, h.suppressed = now, 0
}

func (h *health) ok() {
	h.mu.Lock()
	if h.last != nil {
		if h.log != nil {
			h.log.Info("kafka: topic readable again", "topic", h.topic)
		}
		h.last = nil
		h.lastLogged = time.Time{}
	}
	h.mu.Unlock()
}

func (h *health) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// OnBrokerConnect implements kgo.HookBrokerConnect: failed dials are the first sign of a broker
// that is down, long before any fetch reports anything.
func (h *health) OnBrokerConnect(meta kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	if err != nil {
		h.fail(err)
	}
}
