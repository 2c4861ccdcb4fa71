package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// clientOpts returns the kgo options shared by readers and writers: brokers, identity, security and
// a retry policy that never gives up on an unreachable broker (a source must survive Kafka restarts)
// but backs off to seconds so that an outage costs no CPU.
func clientOpts(o *Options, log *slog.Logger) ([]kgo.Opt, error) {
	opts := []kgo.Opt{
		kgo.SeedBrokers(o.Brokers...),
		kgo.RetryBackoffFn(backoff),
		kgo.WithLogger(&kgoLogger{log: log}),
	}
	if o.ClientID != "" {
		opts = append(opts, kgo.ClientID(o.ClientID))
	} else {
		opts = append(opts, kgo.ClientID("runnel"))
	}
	if o.Security.TLS() {
		tc, err := tlsConfig(&o.Security)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	if o.Security.SASL() {
		opts = append(opts, kgo.SASL(saslMechanism(&o.Security)))
	}
	return opts, nil
}

// backoff grows from 100 ms to 5 s: fast enough to ride out a broker restart, slow enough that a
// broker that is down for hours costs nothing.
func backoff(tries int) time.Duration {
	d := 100 * time.Millisecond
	for i := 1; i < tries && d < 5*time.Second; i++ {
		d *= 2
	}
	return min(d, 5*time.Second)
}

func saslMechanism(s *Security) sasl.Mechanism {
	switch s.SASLMechanism {
	case "SCRAM-SHA-256":
		return scram.Auth{User: s.SASLUsername, Pass: s.SASLPassword}.AsSha256Mechanism()
	case "SCRAM-SHA-512":
		return scram.Auth{User: s.SASLUsername, Pass: s.SASLPassword}.AsSha512Mechanism()
	}
	return plain.Auth{User: s.SASLUsername, Pass: s.SASLPassword}.AsMechanism()
}

func tlsConfig(s *Security) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.CALocation != "" {
		pem, err := os.ReadFile(s.CALocation)
		if err != nil {
			return nil, pgerr.Wrap(err, pgerr.InvalidParameterValue, "reading properties.ssl.ca.location")
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "no PEM certificate in %s", s.CALocation)
		}
		tc.RootCAs = pool
	}
	if s.CertLocation != "" {
		cert, err := tls.LoadX509KeyPair(s.CertLocation, s.KeyLocation)
		if err != nil {
			return nil, pgerr.Wrap(err, pgerr.InvalidParameterValue, "loading the client certificate")
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if !s.VerifyHostname {
		// librdkafka's endpoint.identification.algorithm=none still verifies the chain, only not
		// the host name; Go can only do that by hand.
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return fmt.Errorf("kafka broker sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: tc.RootCAs, Intermediates: inter})
			return err
		}
	}
	return tc, nil
}

// kgoLogger passes franz-go's own warnings and errors to slog. Its info and debug lines are per
// request, far too many for a server log.
type kgoLogger struct{ log *slog.Logger }

func (l *kgoLogger) Level() kgo.LogLevel {
	if l.log == nil {
		return kgo.LogLevelNone
	}
	return kgo.LogLevelError
}

func (l *kgoLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	if l.log != nil {
		l.log.Warn("kafka client: "+msg, keyvals...)
	}
}
