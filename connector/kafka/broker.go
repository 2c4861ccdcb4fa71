package kafka

import (
	"fmt"
	"log/slog"
	"net"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Broker is an in-memory single-node Kafka cluster (kfake) for tests and `runnel playground`.
type Broker struct {
	c    *kfake.Cluster
	addr string
}

// StartBroker starts a broker listening on addr ("127.0.0.1:9092"; port 0 picks one). Topics are
// created on first use with the given number of partitions. Data lives in memory only.
func StartBroker(addr string, partitions int, log *slog.Logger) (*Broker, error) {
	var bound string
	listen := func(network, _ string) (net.Listener, error) {
		ln, err := net.Listen(network, addr)
		if err == nil {
			bound = ln.Addr().String()
		}
		return ln, err
	}
	if partitions < 1 {
		partitions = 1
	}
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.ListenFn(listen),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(partitions),
	)
	if err != nil {
		return nil, fmt.Errorf("starting embedded kafka broker on %s: %w", addr, err)
	}
	if log != nil {
		log.Info("embedded kafka broker listening", "addr", bound)
	}
	return &Broker{c: c, addr: bound}, nil
}

// Addr returns the host:port the broker listens on.
func (b *Broker) Addr() string { return b.addr }

// Cluster returns the underlying kfake cluster, for tests that inject faults.
func (b *Broker) Cluster() *kfake.Cluster { return b.c }

// Close stops the broker and drops its data.
func (b *Broker) Close() { b.c.Close() }
